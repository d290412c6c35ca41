// Versioned schema migrations of the metadata database, applied when a Database opens.
//
// Version 1 creates the Iceberg SQL catalog tables exactly as Iceberg's JDBC catalog and
// PyIceberg's SqlCatalog define them (shared/reference/iceberg/NOTES.md, section 1.8), so that
// Spark, Trino and PyIceberg can use the same database. Existing catalog tables are kept.
// Later versions add tarn's own tables. Applied versions are recorded in tarn_schema_migrations.
// All pending migrations run in one transaction, under an advisory lock on PostgreSQL, so
// several workers opening at once apply each migration exactly once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "meta/database.h"

namespace tarn {

struct Migration {
  int64_t version;
  std::string name;
  std::vector<std::string> statements;  // run in order; "?" is never used here
};

// Every migration this build knows, ascending by version.
const std::vector<Migration>& AllMigrations();
int64_t LatestSchemaVersion();

// The highest applied version (0 for an empty database).
Result<int64_t> CurrentSchemaVersion(Database& db);

// Applies what is pending. kFailedPrecondition when the database is newer than this build.
Status Migrate(Database& db);

}  // namespace tarn
