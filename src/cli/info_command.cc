#include <CLI/CLI.hpp>
#include <cstdio>

#include "base/logging.h"
#include "cli/commands.h"
#include "cli/lake.h"
#include "meta/migrations.h"

namespace tarn {
namespace {

Result<int64_t> Count(Database& db, const char* sql, const std::string& catalog) {
  TARN_ASSIGN_OR_RETURN(QueryResult result, db.Execute(sql, {catalog}));
  return result.GetInt(0, 0);
}

Status RunInfo(const GlobalOptions& global) {
  TARN_ASSIGN_OR_RETURN(LakeConfig config, LoadConfigForCommand(global));
  std::string config_path = config.path;
  TARN_ASSIGN_OR_RETURN(Lake lake, OpenLake(std::move(config)));
  TARN_ASSIGN_OR_RETURN(int64_t version, CurrentSchemaVersion(*lake.db));
  const std::string& catalog = lake.config.catalog_name;
  TARN_ASSIGN_OR_RETURN(int64_t namespaces,
                        Count(*lake.db,
                              "SELECT COUNT(DISTINCT namespace) FROM iceberg_namespace_properties "
                              "WHERE catalog_name = ?",
                              catalog));
  TARN_ASSIGN_OR_RETURN(
      int64_t tables,
      Count(*lake.db, "SELECT COUNT(*) FROM iceberg_tables WHERE catalog_name = ?", catalog));
  Result<ObjectInfo> marker = lake.store->Stat(kLakeMarkerKey);
  std::string store_state = marker.ok() ? "reachable" : marker.status().ToString();

  std::printf("lake      %s\n", lake.lake_id.c_str());
  std::printf("config    %s\n", config_path.c_str());
  std::printf("root      %s (%s)\n", lake.store->Uri("").c_str(), store_state.c_str());
  std::printf("metadata  %s (schema version %lld)\n", lake.db->description().c_str(),
              static_cast<long long>(version));
  std::printf("catalog   %s: %lld namespaces, %lld tables\n", catalog.c_str(),
              static_cast<long long>(namespaces), static_cast<long long>(tables));
  return marker.ok() ? Status::OK() : marker.status().WithContext("lake root");
}

}  // namespace

Result<LakeConfig> LoadConfigForCommand(const GlobalOptions& global) {
  TARN_ASSIGN_OR_RETURN(LakeConfig config, LoadLakeConfig(ResolveConfigPath(global.config)));
  std::string level = global.log_level.empty() ? config.log_level : global.log_level;
  std::string format = global.log_format.empty() ? config.log_format : global.log_format;
  Status status = ConfigureLogging(level, format);
  if (!status.ok()) return status.WithContext(config.path);
  return config;
}

void AddInfoCommand(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd =
      app.add_subcommand("info", "Show the lake that tarn.yaml points at, and check it");
  cmd->footer("Examples:\n  tarn info\n  tarn --config /etc/tarn/tarn.yaml info\n");
  cmd->callback([&global, action] { *action = [&global] { return RunInfo(global); }; });
}

}  // namespace tarn
