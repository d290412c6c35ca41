#include "database_conformance.h"

#include <thread>

#include "meta/ingest_store.h"
#include "meta/migrations.h"
#include "status_matchers.h"

namespace tarn::testing {

void DatabaseConformance::SetUp() {
  uri_ = GetParam().fresh_uri();
  Result<std::unique_ptr<Database>> db = Database::Open({.uri = uri_});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  db_ = std::move(db).value();
}

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Columns(Database& db, const std::string& table) {
  Result<QueryResult> result = db.Execute("SELECT * FROM " + table + " WHERE 1 = 0");
  EXPECT_THAT(result, IsOk());
  return result.ok() ? result->columns : std::vector<std::string>{};
}

TEST_P(DatabaseConformance, MigrationsCreateTheIcebergSqlCatalogTables) {
  EXPECT_THAT(Columns(*db_, "iceberg_tables"),
              ElementsAre("catalog_name", "table_namespace", "table_name", "metadata_location",
                          "previous_metadata_location", "iceberg_type"));
  EXPECT_THAT(Columns(*db_, "iceberg_namespace_properties"),
              ElementsAre("catalog_name", "namespace", "property_key", "property_value"));
  EXPECT_EQ(CurrentSchemaVersion(*db_).value_or(-1), LatestSchemaVersion());
}

TEST_P(DatabaseConformance, IngestJobsLeasesWindowsAndHistory) {
  IngestStore store(*db_);
  IngestJob job;
  job.name = "deposits";
  job.source = "bank";
  job.source_table = "main.deposits";
  job.target_namespace = "raw_bank";
  job.target_table = "deposits";
  job.cursor_column = "at";
  job.window_start = "2026-11-01";
  job.window_stop = "2026-11-02";
  job.window_step = "1d";
  job.primary_key = {"id", "Line \"No\""};
  TARN_ASSERT_OK(store.Add(job, 1000));
  EXPECT_THAT(store.Add(job, 1000),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("job 'deposits' exists")));
  TARN_ASSERT_OK_AND_ASSIGN(IngestJob read, store.Get("deposits"));
  EXPECT_EQ(read.primary_key, job.primary_key);
  EXPECT_EQ(read.window_stop, "2026-11-02");
  EXPECT_TRUE(read.partition_column.empty());
  EXPECT_EQ(read.created_ms, 1000);

  // One owner at a time until the lease expires; a known-dead owner's lease is taken over.
  EXPECT_THAT(store.AcquireLease("deposits", "a", 1000, 5000), IsOkAndHolds(true));
  EXPECT_THAT(store.AcquireLease("deposits", "b", 2000, 6000), IsOkAndHolds(false));
  EXPECT_THAT(store.AcquireLease("deposits", "b", 2000, 6000, "a"), IsOkAndHolds(true));
  EXPECT_THAT(store.AcquireLease("deposits", "c", 7000, 9000), IsOkAndHolds(true));
  EXPECT_THAT(store.AcquireLease("absent", "c", 7000, 9000), StatusIs(StatusCode::kNotFound));

  // The window moves only from where the run found it.
  TARN_ASSERT_OK(IngestStore::AdvanceWindow(*db_, "deposits", "2026-11-01", "2026-11-02",
                                            "2026-11-03", "c", 12000, 8000));
  EXPECT_THAT(IngestStore::AdvanceWindow(*db_, "deposits", "2026-11-01", "2026-11-02", "2026-11-03",
                                         "c", 12000, 8000),
              StatusIs(StatusCode::kAborted, HasSubstr("no longer starts its window at "
                                                       "2026-11-01")));
  TARN_ASSERT_OK_AND_ASSIGN(read, store.Get("deposits"));
  EXPECT_EQ(read.window_start + " " + read.window_stop, "2026-11-02 2026-11-03");
  EXPECT_EQ(read.lease_expires_ms, 12000);
  TARN_ASSERT_OK(store.ReleaseLease("deposits", "c"));
  TARN_ASSERT_OK_AND_ASSIGN(read, store.Get("deposits"));
  EXPECT_EQ(read.lease_owner, "");

  IngestRun run;
  run.run_id = "r1";
  run.job = "deposits";
  run.window_start = "2026-11-01";
  run.window_stop = "2026-11-02";
  run.status = "running";
  run.started_ms = 100;
  TARN_ASSERT_OK(store.StartRun(run));
  IngestRun dead = run;
  dead.run_id = "r0";
  dead.started_ms = 50;
  TARN_ASSERT_OK(store.StartRun(dead));
  run.status = "succeeded";
  run.rows = 42;
  run.snapshot_id = int64_t{1} << 62;
  run.finished_ms = 200;
  TARN_ASSERT_OK(store.FinishRun(run));
  TARN_ASSERT_OK(store.AbandonRuns("deposits", "r1", 300));
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<IngestRun> history, store.History("", 10));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].run_id, "r1");
  EXPECT_EQ(history[0].snapshot_id, int64_t{1} << 62);
  EXPECT_EQ(history[0].rows, 42);
  EXPECT_EQ(history[1].status, "abandoned");
  EXPECT_THAT(store.History("other", 10), IsOkAndHolds(::testing::IsEmpty()));

  TARN_ASSERT_OK(store.Remove("deposits"));
  EXPECT_THAT(store.Get("deposits"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store.History("deposits", 10), IsOkAndHolds(::testing::IsEmpty()));
  EXPECT_THAT(store.Remove("deposits"), StatusIs(StatusCode::kNotFound));
}

TEST_P(DatabaseConformance, CatalogCompareAndSwapSucceedsExactlyOnce) {
  TARN_ASSERT_OK(db_->Execute("INSERT INTO iceberg_tables (catalog_name, table_namespace, "
                              "table_name, metadata_location, previous_metadata_location, "
                              "iceberg_type) VALUES (?, ?, ?, ?, NULL, 'TABLE')",
                              {"lake", "raw_bank", "deposits", "file:///m/00000-a.metadata.json"})
                     .status());
  // The commit statement of Iceberg's JdbcTableOperations and PyIceberg's SqlCatalog.
  const char* kCommit =
      "UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ? "
      "WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? "
      "AND metadata_location = ? AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)";
  std::vector<SqlValue> swap = {"file:///m/00001-b.metadata.json",
                                "file:///m/00000-a.metadata.json",
                                "lake",
                                "raw_bank",
                                "deposits",
                                "file:///m/00000-a.metadata.json"};
  TARN_ASSERT_OK_AND_ASSIGN(QueryResult first, db_->Execute(kCommit, swap));
  EXPECT_EQ(first.rows_affected, 1);
  TARN_ASSERT_OK_AND_ASSIGN(QueryResult replay, db_->Execute(kCommit, swap));
  EXPECT_EQ(replay.rows_affected, 0);
  TARN_ASSERT_OK_AND_ASSIGN(
      QueryResult row, db_->Execute("SELECT metadata_location, previous_metadata_location FROM "
                                    "iceberg_tables WHERE table_name = ?",
                                    {"deposits"}));
  EXPECT_EQ(row.GetString(0, 0).value_or(""), "file:///m/00001-b.metadata.json");
  EXPECT_EQ(row.GetString(0, 1).value_or(""), "file:///m/00000-a.metadata.json");
}

TEST_P(DatabaseConformance, ValuesRoundTripExactly) {
  bool pg = db_->engine() == DatabaseEngine::kPostgres;
  TARN_ASSERT_OK(db_->Execute(std::string("CREATE TABLE v (i BIGINT, d DOUBLE PRECISION, "
                                          "t VARCHAR(100), b ") +
                              (pg ? "BYTEA" : "BLOB") + ")")
                     .status());
  const std::string text = "it's \"quoted\" ü 漢字 ? $1";
  const Blob blob{std::string("\0\x01\xff binary", 10)};
  const char* insert = "INSERT INTO v (i, d, t, b) VALUES (?, ?, ?, ?)";
  TARN_ASSERT_OK(db_->Execute(insert, {INT64_MIN, 0.1, text, blob}).status());
  TARN_ASSERT_OK(db_->Execute(insert, {INT64_MAX, -1e300, "", Blob{}}).status());
  TARN_ASSERT_OK(
      db_->Execute(insert, {std::monostate{}, std::monostate{}, std::monostate{}, std::monostate{}})
          .status());
  TARN_ASSERT_OK_AND_ASSIGN(QueryResult rows, db_->Execute("SELECT i, d, t, b FROM v ORDER BY i"));
  ASSERT_EQ(rows.rows.size(), 3u);
  // NULLs sort last on PostgreSQL and first on SQLite; find each row by its integer.
  for (const SqlRow& row : rows.rows) {
    if (std::holds_alternative<std::monostate>(row[0])) {
      for (const SqlValue& v : row) EXPECT_TRUE(std::holds_alternative<std::monostate>(v));
    } else if (std::get<int64_t>(row[0]) == INT64_MIN) {
      EXPECT_EQ(std::get<double>(row[1]), 0.1);
      EXPECT_EQ(std::get<std::string>(row[2]), text);
      EXPECT_EQ(std::get<Blob>(row[3]), blob);
    } else {
      EXPECT_EQ(std::get<int64_t>(row[0]), INT64_MAX);
      EXPECT_EQ(std::get<double>(row[1]), -1e300);
      EXPECT_EQ(std::get<std::string>(row[2]), "");
      EXPECT_EQ(std::get<Blob>(row[3]), Blob{});
    }
  }
}

TEST_P(DatabaseConformance, ParametersAreNeverReadAsSql) {
  const std::string hostile = "x'); DROP TABLE tarn_lake_properties; --";
  TARN_ASSERT_OK(db_->Execute("INSERT INTO tarn_lake_properties (property_key, property_value) "
                              "VALUES (?, 'literal?')",
                              {hostile})
                     .status());
  TARN_ASSERT_OK_AND_ASSIGN(QueryResult rows,
                            db_->Execute("SELECT property_key, property_value FROM "
                                         "tarn_lake_properties"));
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(rows.GetString(0, 0).value_or(""), hostile);
  EXPECT_EQ(rows.GetString(0, 1).value_or(""), "literal?");
}

TEST_P(DatabaseConformance, OnlyOneStatementRunsPerCall) {
  Result<QueryResult> result = db_->Execute("SELECT 1; DELETE FROM tarn_schema_migrations");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(CurrentSchemaVersion(*db_).value_or(-1), LatestSchemaVersion());
}

TEST_P(DatabaseConformance, TransactionCommitsOrRollsBackAsAWhole) {
  const char* insert =
      "INSERT INTO tarn_lake_properties (property_key, property_value) VALUES (?, ?)";
  Status failed = db_->Transaction([&]() -> Status {
    TARN_RETURN_IF_ERROR(db_->Execute(insert, {"a", "1"}).status());
    return Status::Aborted("changed my mind");
  });
  EXPECT_THAT(failed, StatusIs(StatusCode::kAborted, "changed my mind"));
  TARN_EXPECT_OK(db_->Transaction([&]() -> Status {
    TARN_RETURN_IF_ERROR(db_->Execute(insert, {"b", "2"}).status());
    return db_->Execute(insert, {"c", "3"}).status();
  }));
  TARN_ASSERT_OK_AND_ASSIGN(
      QueryResult rows,
      db_->Execute("SELECT property_key FROM tarn_lake_properties ORDER BY property_key"));
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.GetString(0, 0).value_or(""), "b");
  EXPECT_EQ(rows.GetString(1, 0).value_or(""), "c");
  EXPECT_FALSE(db_->in_transaction());
}

TEST_P(DatabaseConformance, NestedTransactionsAreRefused) {
  Status inner_status;
  TARN_EXPECT_OK(db_->Transaction([&]() -> Status {
    inner_status = db_->Transaction([] { return Status::OK(); });
    return Status::OK();
  }));
  EXPECT_THAT(inner_status, StatusIs(StatusCode::kFailedPrecondition));
}

TEST_P(DatabaseConformance, DuplicateKeyIsAlreadyExists) {
  const char* insert =
      "INSERT INTO tarn_lake_properties (property_key, property_value) VALUES (?, ?)";
  TARN_ASSERT_OK(db_->Execute(insert, {"k", "1"}).status());
  EXPECT_THAT(db_->Execute(insert, {"k", "2"}), StatusIs(StatusCode::kAlreadyExists));
}

TEST_P(DatabaseConformance, BadSqlNamesTheStatement) {
  EXPECT_THAT(db_->Execute("SELEC nonsense FROM nowhere"),
              StatusIs(StatusCode::kInternal, HasSubstr("(in: SELEC nonsense FROM nowhere)")));
}

TEST_P(DatabaseConformance, ReopeningAppliesNothingTwice) {
  db_.reset();
  TARN_ASSERT_OK_AND_ASSIGN(auto again, Database::Open({.uri = uri_}));
  TARN_ASSERT_OK_AND_ASSIGN(QueryResult rows,
                            again->Execute("SELECT COUNT(*) FROM tarn_schema_migrations"));
  EXPECT_EQ(rows.GetInt(0, 0).value_or(-1), static_cast<int64_t>(AllMigrations().size()));
}

TEST_P(DatabaseConformance, ConcurrentOpensMigrateOnce) {
  std::string uri = GetParam().fresh_uri();
  std::vector<Status> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = Database::Open({.uri = uri}).status(); });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& status : results) TARN_EXPECT_OK(status);
  TARN_ASSERT_OK_AND_ASSIGN(auto db, Database::Open({.uri = uri}));
  TARN_ASSERT_OK_AND_ASSIGN(QueryResult rows,
                            db->Execute("SELECT COUNT(*) FROM tarn_schema_migrations"));
  EXPECT_EQ(rows.GetInt(0, 0).value_or(-1), static_cast<int64_t>(AllMigrations().size()));
}

TEST_P(DatabaseConformance, NewerSchemaIsRefused) {
  TARN_ASSERT_OK(db_->Execute("INSERT INTO tarn_schema_migrations (version, name, applied_at_ms) "
                              "VALUES (999, 'from the future', 0)")
                     .status());
  db_.reset();
  EXPECT_THAT(Database::Open({.uri = uri_}),
              StatusIs(StatusCode::kFailedPrecondition,
                       HasSubstr("schema version 999 is newer than this tarn understands")));
}

TEST_P(DatabaseConformance, ExistingIcebergCatalogIsAdopted) {
  // A database where PyIceberg or Spark created the catalog first (V0 layout, no iceberg_type).
  std::string uri = GetParam().fresh_uri();
  {
    TARN_ASSERT_OK_AND_ASSIGN(auto raw, Database::Open({.uri = uri, .migrate = false}));
    TARN_ASSERT_OK(raw->Execute("CREATE TABLE iceberg_tables(catalog_name VARCHAR(255) NOT NULL, "
                                "table_namespace VARCHAR(255) NOT NULL, table_name VARCHAR(255) "
                                "NOT NULL, metadata_location VARCHAR(1000), "
                                "previous_metadata_location VARCHAR(1000), PRIMARY KEY "
                                "(catalog_name, table_namespace, table_name))")
                       .status());
    TARN_ASSERT_OK(
        raw->Execute("INSERT INTO iceberg_tables VALUES ('spark', 'db', 't', 'm', NULL)").status());
  }
  TARN_ASSERT_OK_AND_ASSIGN(auto db, Database::Open({.uri = uri}));
  EXPECT_THAT(Columns(*db, "iceberg_tables"),
              ElementsAre("catalog_name", "table_namespace", "table_name", "metadata_location",
                          "previous_metadata_location", "iceberg_type"));
  TARN_ASSERT_OK_AND_ASSIGN(QueryResult rows, db->Execute("SELECT COUNT(*) FROM iceberg_tables"));
  EXPECT_EQ(rows.GetInt(0, 0).value_or(-1), 1);
}

}  // namespace
}  // namespace tarn::testing
