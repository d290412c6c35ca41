// A lake opened from its tarn.yaml: the object store under the root and the metadata database.
// Later this grows into the entry point that the server and workers share.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/lake_config.h"
#include "meta/database.h"
#include "store/object_store.h"

namespace tarn {

// Written at the lake root by `tarn init`: identifies the lake to anyone browsing the bucket.
inline constexpr char kLakeMarkerKey[] = "tarn-lake.json";

struct Lake {
  LakeConfig config;
  std::unique_ptr<ObjectStore> store;
  std::unique_ptr<Database> db;
  std::string lake_id;  // from the metadata database
};

// Opens the store and the database (applying migrations). kFailedPrecondition when the
// database was never initialized for a lake, or belongs to another lake root.
Result<Lake> OpenLake(LakeConfig config);

// `--property KEY=VALUE` options as a map; kInvalidArgument naming the first malformed one.
Result<std::map<std::string, std::string>> ParsePropertyOptions(
    const std::vector<std::string>& options);

// Reads one row of tarn_lake_properties; nullopt when absent.
Result<std::optional<std::string>> GetLakeProperty(Database& db, const std::string& key);

}  // namespace tarn
