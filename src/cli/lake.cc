#include "cli/lake.h"

#include "store/open_store.h"

namespace tarn {

Result<std::optional<std::string>> GetLakeProperty(Database& db, const std::string& key) {
  TARN_ASSIGN_OR_RETURN(
      QueryResult result,
      db.Execute("SELECT property_value FROM tarn_lake_properties WHERE property_key = ?", {key}));
  if (result.rows.empty()) return std::optional<std::string>();
  TARN_ASSIGN_OR_RETURN(std::string value, result.GetString(0, 0));
  return std::optional<std::string>(std::move(value));
}

Result<Lake> OpenLake(LakeConfig config) {
  Lake lake;
  Result<std::unique_ptr<ObjectStore>> store = OpenObjectStore(config.root, config.s3);
  if (!store.ok()) return store.status().WithContext("opening lake root '" + config.root + "'");
  lake.store = std::move(store).value();
  TARN_ASSIGN_OR_RETURN(lake.db, Database::Open(config.metadata));
  TARN_ASSIGN_OR_RETURN(std::optional<std::string> id, GetLakeProperty(*lake.db, "lake_id"));
  TARN_ASSIGN_OR_RETURN(std::optional<std::string> root, GetLakeProperty(*lake.db, "root"));
  if (!id || !root) {
    return Status::FailedPrecondition("metadata database '" + lake.db->description() +
                                      "' holds no lake; run 'tarn init'");
  }
  if (*root != config.root) {
    return Status::FailedPrecondition("metadata database '" + lake.db->description() +
                                      "' belongs to the lake at '" + *root + "', not '" +
                                      config.root + "'");
  }
  lake.lake_id = *id;
  lake.config = std::move(config);
  return lake;
}

Result<std::map<std::string, std::string>> ParsePropertyOptions(
    const std::vector<std::string>& options) {
  std::map<std::string, std::string> properties;
  for (const std::string& p : options) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--property '" + p + "' is not KEY=VALUE");
    }
    properties[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return properties;
}

}  // namespace tarn
