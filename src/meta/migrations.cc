#include "meta/migrations.h"

#include "base/clock.h"

namespace tarn {
namespace {

// Any fixed number: the key of the PostgreSQL advisory lock that serializes migrations.
constexpr int64_t kMigrationLockKey = 0x7461726e;  // "tarn"

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS tarn_schema_migrations ("
    "version BIGINT NOT NULL PRIMARY KEY, "
    "name VARCHAR(255) NOT NULL, "
    "applied_at_ms BIGINT NOT NULL)";

Result<bool> ColumnExists(Database& db, const std::string& table, const std::string& column) {
  if (db.engine() == DatabaseEngine::kSqlite) {
    TARN_ASSIGN_OR_RETURN(
        QueryResult result,
        db.Execute("SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?", {table, column}));
    TARN_ASSIGN_OR_RETURN(int64_t count, result.GetInt(0, 0));
    return count > 0;
  }
  TARN_ASSIGN_OR_RETURN(QueryResult result,
                        db.Execute("SELECT COUNT(*) FROM information_schema.columns "
                                   "WHERE table_schema = current_schema() AND table_name = ? "
                                   "AND column_name = ?",
                                   {table, column}));
  TARN_ASSIGN_OR_RETURN(int64_t count, result.GetInt(0, 0));
  return count > 0;
}

}  // namespace

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "iceberg sql catalog",
       {
           // Verbatim from Iceberg's JdbcUtil (V0 layout), then the V1 column.
           "CREATE TABLE IF NOT EXISTS iceberg_tables("
           "catalog_name VARCHAR(255) NOT NULL, "
           "table_namespace VARCHAR(255) NOT NULL, "
           "table_name VARCHAR(255) NOT NULL, "
           "metadata_location VARCHAR(1000), "
           "previous_metadata_location VARCHAR(1000), "
           "PRIMARY KEY (catalog_name, table_namespace, table_name))",
           "ALTER TABLE iceberg_tables ADD COLUMN iceberg_type VARCHAR(5)",
           "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties("
           "catalog_name VARCHAR(255) NOT NULL, "
           "namespace VARCHAR(255) NOT NULL, "
           "property_key VARCHAR(255), "
           "property_value VARCHAR(1000), "
           "PRIMARY KEY (catalog_name, namespace, property_key))",
       }},
      {2,
       "lake properties",
       {
           "CREATE TABLE tarn_lake_properties ("
           "property_key VARCHAR(255) NOT NULL PRIMARY KEY, "
           "property_value VARCHAR(4000) NOT NULL)",
       }},
      {3,
       "ingestion jobs and runs",
       {
           // One row per job (meta/ingest_store.h): its definition, its current window and the
           // lease of the run that holds it.
           "CREATE TABLE tarn_ingest_jobs ("
           "job_name VARCHAR(63) NOT NULL PRIMARY KEY, "
           "source_name VARCHAR(63) NOT NULL, "
           "source_table VARCHAR(1000) NOT NULL, "
           "target_namespace VARCHAR(255) NOT NULL, "
           "target_table VARCHAR(255) NOT NULL, "
           "mode VARCHAR(16) NOT NULL, "
           "cursor_column VARCHAR(255), "
           "window_start VARCHAR(64), "
           "window_stop VARCHAR(64), "
           "window_step VARCHAR(32), "
           "safety_lag VARCHAR(32), "
           "partition_column VARCHAR(255), "
           "lower_bound VARCHAR(64), "
           "upper_bound VARCHAR(64), "
           "num_partitions BIGINT NOT NULL, "
           "primary_key VARCHAR(4000), "
           "look_back VARCHAR(32), "
           "soft_delete_column VARCHAR(255), "
           "on_schema_change VARCHAR(16) NOT NULL, "
           "exclude_columns VARCHAR(4000), "
           "lake_partitioning VARCHAR(16) NOT NULL, "
           "lease_owner VARCHAR(255), "
           "lease_expires_ms BIGINT, "
           "created_ms BIGINT NOT NULL, "
           "updated_ms BIGINT NOT NULL)",
           // One row per window a run loads: written when it starts, finished in the
           // transaction that commits its snapshot (or when it fails).
           "CREATE TABLE tarn_ingest_runs ("
           "run_id VARCHAR(64) NOT NULL PRIMARY KEY, "
           "job_name VARCHAR(63) NOT NULL, "
           "window_start VARCHAR(64), "
           "window_stop VARCHAR(64), "
           "status VARCHAR(16) NOT NULL, "
           "row_count BIGINT NOT NULL, "
           "source_bytes BIGINT NOT NULL, "
           "file_count BIGINT NOT NULL, "
           "file_bytes BIGINT NOT NULL, "
           "started_ms BIGINT NOT NULL, "
           "finished_ms BIGINT, "
           "snapshot_id BIGINT, "
           "error VARCHAR(4000))",
           "CREATE INDEX tarn_ingest_runs_by_job ON tarn_ingest_runs (job_name, started_ms)",
       }},
      {4,
       "ingest runs count replaced rows",
       {
           // Rows of the table a window's re-read replaced (look_back with a primary key).
           "ALTER TABLE tarn_ingest_runs ADD COLUMN replaced_rows BIGINT NOT NULL DEFAULT 0",
       }},
      {5,
       "ingest jobs read queries",
       {
           // A job reads either source_table or the rows of this SELECT statement (then
           // source_table is empty).
           "ALTER TABLE tarn_ingest_jobs ADD COLUMN source_query TEXT",
       }},
  };
  return kMigrations;
}

int64_t LatestSchemaVersion() { return AllMigrations().back().version; }

Result<int64_t> CurrentSchemaVersion(Database& db) {
  TARN_RETURN_IF_ERROR(db.Execute(kCreateMigrationsTable).status());
  TARN_ASSIGN_OR_RETURN(QueryResult result,
                        db.Execute("SELECT COALESCE(MAX(version), 0) FROM tarn_schema_migrations"));
  return result.GetInt(0, 0);
}

Status Migrate(Database& db) {
  return db.Transaction([&]() -> Status {
    if (db.engine() == DatabaseEngine::kPostgres) {
      TARN_RETURN_IF_ERROR(
          db.Execute("SELECT pg_advisory_xact_lock(?)", {SqlValue{kMigrationLockKey}}).status());
    }
    TARN_ASSIGN_OR_RETURN(int64_t current, CurrentSchemaVersion(db));
    if (current > LatestSchemaVersion()) {
      return Status::FailedPrecondition("schema version " + std::to_string(current) +
                                        " is newer than this tarn understands (" +
                                        std::to_string(LatestSchemaVersion()) + "); upgrade tarn");
    }
    for (const Migration& migration : AllMigrations()) {
      if (migration.version <= current) continue;
      for (const std::string& sql : migration.statements) {
        // An existing Iceberg catalog may already have the V1 column.
        if (sql.starts_with("ALTER TABLE iceberg_tables ADD COLUMN iceberg_type")) {
          TARN_ASSIGN_OR_RETURN(bool exists, ColumnExists(db, "iceberg_tables", "iceberg_type"));
          if (exists) continue;
        }
        Status status = db.Execute(sql).status();
        if (!status.ok()) {
          return status.WithContext("migration " + std::to_string(migration.version) + " (" +
                                    migration.name + ")");
        }
      }
      int64_t now_ms = Clock::Real()->NowMillis();
      TARN_RETURN_IF_ERROR(
          db.Execute("INSERT INTO tarn_schema_migrations (version, name, applied_at_ms) "
                     "VALUES (?, ?, ?)",
                     {migration.version, migration.name, now_ms})
              .status());
    }
    return Status::OK();
  });
}

}  // namespace tarn
