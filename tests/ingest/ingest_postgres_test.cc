// Ingestion from a real PostgreSQL this binary starts on loopback into a lake in a temporary
// folder: every mapped type round-trips (tarn's scan and DuckDB reading the data files),
// window boundaries, empty windows and tables, parallel ranges, names that need quoting,
// schema changes, and the messages a user sees for bad sources and bad jobs.
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "batch_text.h"
#include "iceberg/scan.h"
#include "iceberg/table.h"
#include "ingest/ingest.h"
#include "meta/ingest_store.h"
#include "parquet_judge.h"
#include "postgres_server.h"
#include "server_environment.h"
#include "status_matchers.h"
#include "store/local_store.h"
#include "subprocess.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment<PostgresServer>);
PostgresServer* Server() { return ServerEnvironment<PostgresServer>::server(); }

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    database_ = "ingest" + std::to_string(++counter);
    SourceConfig source;
    source.name = "shop";
    source.kind = SourceKind::kPostgres;
    TARN_ASSERT_OK_AND_ASSIGN(source.uri, Server()->CreateDatabase(database_));
    sources_.push_back(source);
    TARN_ASSERT_OK_AND_ASSIGN(store_, LocalStore::Open(dir_.path() + "/lake"));
    TARN_ASSERT_OK_AND_ASSIGN(db_, Database::Open({.uri = "sqlite:" + dir_.path() + "/tarn.db"}));
    catalog_ = std::make_unique<iceberg::Catalog>(*db_, "lake");
    context_.db = db_.get();
    context_.catalog = catalog_.get();
    context_.store = store_.get();
    context_.sources = &sources_;
  }

  Status Sql(const std::string& sql) { return Server()->Psql(database_, sql).status(); }

  // A job on `table` over `cursor` from `start`, a day at a time.
  IngestJob Job(const std::string& name, const std::string& table, const std::string& cursor,
                const std::string& start, const std::string& step = "1d") {
    IngestJob job;
    job.name = name;
    job.source = "shop";
    job.source_table = table;
    job.cursor_column = cursor;
    job.window_start = start;
    job.window_step = step;
    job.safety_lag = "0s";
    ingest::CompleteJob(&job);
    return job;
  }

  Status Add(const IngestJob& job) {
    TARN_RETURN_IF_ERROR(ingest::ValidateJob(job));
    return IngestStore(*db_).Add(job, 0);
  }

  Result<ingest::JobOutcome> Run(const std::string& job, int64_t max_windows = INT64_MAX) {
    ingest::RunOptions options;
    options.max_windows = max_windows;
    return ingest::RunJob(context_, job, options);
  }

  // Every row of the lake table as "c1|c2|...", sorted, NULL as "-"; tarn's columns left out.
  std::vector<std::string> Rows(const std::string& table, const std::vector<std::string>& columns) {
    auto loaded =
        iceberg::Table::Load(*catalog_, *store_, iceberg::TableIdentifier::Parse(table).value());
    EXPECT_THAT(loaded, IsOk());
    if (!loaded.ok()) return {};
    iceberg::ScanOptions options;
    options.columns = columns;
    std::vector<std::string> rows = ScanRowsAsText(**loaded, options, "-");
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  std::vector<std::string> DataFiles(const std::string& ns, const std::string& table) {
    std::vector<std::string> files;
    const std::string dir = dir_.path() + "/lake/warehouse/" + ns + "/" + table + "/data";
    if (!std::filesystem::exists(dir)) return files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) files.push_back(e.path().string());
    }
    return files;
  }

  std::string database_;
  std::vector<SourceConfig> sources_;
  TempDir dir_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<iceberg::Catalog> catalog_;
  ingest::IngestContext context_;
};

TEST_F(IngestTest, EveryMappedTypeRoundTrips) {
  TARN_ASSERT_OK(
      Sql("CREATE TYPE mood AS ENUM ('sad', 'ok');"
          "CREATE TABLE everything (id bigint PRIMARY KEY, i2 smallint, i4 integer, "
          "n numeric(12,2), nn numeric, r real, d double precision, b boolean, t text, "
          "v varchar(20), c char(3), by bytea, dt date, tm time, ts timestamp, tstz timestamptz, "
          "u uuid, j json, jb jsonb, m mood, arr int[]);"
          "INSERT INTO everything VALUES (1, -32768, 2147483647, -1234567890.12, 3.14159, 1.5, "
          "-2.25e-300, true, 'héllo', 'v', 'ab', '\\x00ff', '1969-07-20', '23:59:59.999999', "
          "'2026-11-01 10:00:00.000001', '2026-11-01 12:00:00+02', "
          "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"k\": 1}', '{\"k\": 1}', 'ok', "
          "ARRAY[1, NULL, 3]);"
          "INSERT INTO everything (id, ts) VALUES (2, '2026-11-01 23:59:59');"));
  TARN_ASSERT_OK(Add(Job("everything", "everything", "ts", "2026-11-01")));
  TARN_ASSERT_OK_AND_ASSIGN(ingest::JobOutcome outcome, Run("everything", 1));
  TARN_ASSERT_OK(outcome.status);
  ASSERT_EQ(outcome.windows.size(), 1u);
  EXPECT_EQ(outcome.windows[0].rows, 2);
  EXPECT_EQ(outcome.windows[0].status, "succeeded");
  const std::vector<std::string> columns = {"id", "i2",   "i4", "n", "nn", "r",  "d",
                                            "b",  "t",    "v",  "c", "by", "dt", "tm",
                                            "ts", "tstz", "u",  "j", "jb", "m",  "arr"};
  EXPECT_EQ(Rows("raw_shop.everything", columns),
            (std::vector<std::string>{
                "1|-32768|2147483647|-1234567890.12|3.141590000000000000|1.5|-2.25e-300|true|"
                "héllo|v|ab |00ff|1969-07-20|23:59:59.999999|2026-11-01T10:00:00.000001|"
                "2026-11-01T10:00:00Z|a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11|{\"k\": 1}|"
                "{\"k\": 1}|ok|[1,null,3]",
                "2|-|-|-|-|-|-|-|-|-|-|-|-|-|2026-11-01T23:59:59|-|-|-|-|-|-"}));
  // DuckDB reads the same values from the data files.
  std::vector<std::string> files = DataFiles("raw_shop", "everything");
  ASSERT_EQ(files.size(), 1u);
  nlohmann::json duck = DuckDbQuery(
      "SELECT id, i2, i4, n::VARCHAR, nn::VARCHAR, r, b, t, c, hex(\"by\"), dt::VARCHAR, "
      "tm::VARCHAR, ts::VARCHAR, u::VARCHAR, jb, m, arr, _tarn_run_id FROM read_parquet('" +
      files[0] + "') ORDER BY id");
  ASSERT_FALSE(duck.contains("error")) << duck.dump();
  ASSERT_EQ(duck.size(), 2u);
  EXPECT_EQ(duck[0].dump(),
            "[\"1\",-32768,2147483647,\"-1234567890.12\",\"3.141590000000000000\",1.5,true,"
            "\"héllo\",\"ab \",\"00FF\",\"1969-07-20\",\"23:59:59.999999\","
            "\"2026-11-01 10:00:00.000001\",\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\","
            "\"{\\\"k\\\": 1}\",\"ok\",\"[1,null,3]\",\"" +
                outcome.windows[0].run_id + "\"]");
}

TEST_F(IngestTest, BoundaryRowsLoadOnceAndEmptyWindowsAdvance) {
  TARN_ASSERT_OK(
      Sql("CREATE TABLE events (id int, at timestamp);"
          "INSERT INTO events VALUES (1, '2026-11-01 00:00:00'), (2, '2026-11-01 23:59:59.999999'),"
          "(3, '2026-11-02 00:00:00'), (4, '2026-11-04 00:00:00'), (5, NULL);"));
  TARN_ASSERT_OK(Add(Job("events", "events", "at", "2026-11-01")));
  TARN_ASSERT_OK_AND_ASSIGN(ingest::JobOutcome outcome, Run("events", 4));
  TARN_ASSERT_OK(outcome.status);
  ASSERT_EQ(outcome.windows.size(), 4u);
  std::vector<std::string> seen;
  for (const IngestRun& run : outcome.windows) {
    seen.push_back(run.window_start + " " + run.status + " " + std::to_string(run.rows));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "2026-11-01 00:00:00 succeeded 2", "2026-11-02 00:00:00 succeeded 1",
                      "2026-11-03 00:00:00 empty 0", "2026-11-04 00:00:00 succeeded 1"}));
  EXPECT_FALSE(outcome.windows[2].snapshot_id.has_value());
  EXPECT_EQ(Rows("raw_shop.events", {"id"}), (std::vector<std::string>{"1", "2", "3", "4"}));
  TARN_ASSERT_OK_AND_ASSIGN(IngestJob job, IngestStore(*db_).Get("events"));
  EXPECT_EQ(job.window_start, "2026-11-05 00:00:00");
  EXPECT_EQ(job.window_stop, "2026-11-06 00:00:00");
  EXPECT_EQ(job.lease_owner, "");  // released
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<IngestRun> history, IngestStore(*db_).History("events", 9));
  EXPECT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].status, "succeeded");

  // Rows that arrive late inside an already loaded window are not read again; new windows
  // pick up where the last commit ended, and a run with the lag reaching back stops there.
  TARN_ASSERT_OK(Sql("INSERT INTO events VALUES (6, '2026-11-05 08:00:00')"));
  TARN_ASSERT_OK_AND_ASSIGN(outcome, Run("events"));
  TARN_ASSERT_OK(outcome.status);
  EXPECT_TRUE(outcome.caught_up);
  EXPECT_EQ(Rows("raw_shop.events", {"id"}), (std::vector<std::string>{"1", "2", "3", "4", "6"}));
}

TEST_F(IngestTest, ParallelRangesReadEveryRowOnce) {
  TARN_ASSERT_OK(
      Sql("CREATE TABLE orders (id bigint, part int, at date);"
          "INSERT INTO orders SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE g % 97 END, "
          "DATE '2026-11-01' + (g % 3) FROM generate_series(1, 3000) g;"));
  IngestJob job = Job("orders", "orders", "at", "2026-11-01", "2d");
  job.partition_column = "part";
  job.num_partitions = 4;
  TARN_ASSERT_OK(Add(job));
  // Bounds that leave most partitions empty: everything still lands once.
  IngestJob narrow = Job("narrow", "orders", "at", "2026-11-01", "2d");
  narrow.target_table = "orders_narrow";
  narrow.partition_column = "part";
  narrow.num_partitions = 8;
  narrow.lower_bound = "1000";
  narrow.upper_bound = "2000";
  TARN_ASSERT_OK(Add(narrow));
  for (const char* name : {"orders", "narrow"}) {
    TARN_ASSERT_OK_AND_ASSIGN(ingest::JobOutcome outcome, Run(name, 2));
    TARN_ASSERT_OK(outcome.status);
    int64_t rows = 0;
    for (const IngestRun& run : outcome.windows) rows += run.rows;
    EXPECT_EQ(rows, 3000) << name;
  }
  std::vector<std::string> ids = Rows("raw_shop.orders", {"id"});
  ASSERT_EQ(ids.size(), 3000u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 3000u);
  EXPECT_EQ(Rows("raw_shop.orders_narrow", {"id"}), ids);
}

TEST_F(IngestTest, NamesThatNeedQuotingAndHostileNames) {
  TARN_ASSERT_OK(
      Sql("CREATE SCHEMA \"Sales Dept\";"
          "CREATE TABLE \"Sales Dept\".\"Order\" (\"select\" int, \"Line No\" int, "
          "\"at; DROP TABLE keep\" date);"
          "CREATE TABLE keep (a int); INSERT INTO keep VALUES (1);"
          "INSERT INTO \"Sales Dept\".\"Order\" VALUES (1, 2, '2026-11-01');"));
  IngestJob job = Job("orders", "\"Sales Dept\".\"Order\"", "at; DROP TABLE keep", "2026-11-01");
  job.partition_column = "select";
  job.num_partitions = 2;
  EXPECT_EQ(job.target_table, "order");
  TARN_ASSERT_OK(Add(job));
  TARN_ASSERT_OK_AND_ASSIGN(ingest::JobOutcome outcome, Run("orders", 1));
  TARN_ASSERT_OK(outcome.status);
  EXPECT_EQ(Rows("raw_shop.order", {"select", "Line No", "at; DROP TABLE keep"}),
            std::vector<std::string>{"1|2|2026-11-01"});
  EXPECT_THAT(Server()->Psql(database_, "SELECT count(*) FROM keep"), IsOkAndHolds("1\n"));
}

TEST_F(IngestTest, AZeroRowTableAndSchemaChanges) {
  TARN_ASSERT_OK(Sql("CREATE TABLE t (id int, at date)"));
  TARN_ASSERT_OK(Add(Job("t", "t", "at", "2026-11-01")));
  TARN_ASSERT_OK_AND_ASSIGN(ingest::JobOutcome outcome, Run("t", 2));
  TARN_ASSERT_OK(outcome.status);
  EXPECT_EQ(outcome.windows.size(), 2u);
  EXPECT_EQ(Rows("raw_shop.t", {"id"}), std::vector<std::string>{});

  // A new column evolves the table; older rows read it as NULL.
  TARN_ASSERT_OK(
      Sql("INSERT INTO t VALUES (1, '2026-11-03'); ALTER TABLE t ADD COLUMN note text;"
          "INSERT INTO t VALUES (2, '2026-11-04', 'new')"));
  TARN_ASSERT_OK_AND_ASSIGN(outcome, Run("t", 2));
  TARN_ASSERT_OK(outcome.status);
  EXPECT_EQ(Rows("raw_shop.t", {"id", "note"}), (std::vector<std::string>{"1|-", "2|new"}));

  // Under `fail`, a new column stops the job with what to do.
  IngestStore store(*db_);
  TARN_ASSERT_OK_AND_ASSIGN(IngestJob job, store.Get("t"));
  job.on_schema_change = "fail";
  TARN_ASSERT_OK(store.Update(job, 0));
  TARN_ASSERT_OK(Sql("ALTER TABLE t ADD COLUMN extra int"));
  EXPECT_THAT(Run("t"),
              StatusIs(StatusCode::kFailedPrecondition,
                       HasSubstr("column 'extra' (integer) of t of source 'shop' is "
                                 "new and raw_shop.t lacks it; on_schema_change is fail")));
  // A type Iceberg cannot change into is refused whatever the policy.
  TARN_ASSERT_OK(
      Sql("ALTER TABLE t DROP COLUMN extra; ALTER TABLE t ALTER COLUMN note TYPE int "
          "USING 0"));
  EXPECT_THAT(Run("t"), StatusIs(StatusCode::kFailedPrecondition,
                                 HasSubstr("column 'note' of t of source 'shop' is now int but "
                                           "raw_shop.t holds string")));
}

TEST_F(IngestTest, FullJobsReplaceTheTableEachRun) {
  TARN_ASSERT_OK(
      Sql("CREATE TABLE products (id int, name text, price numeric(8,2));"
          "INSERT INTO products VALUES (1, 'tea', 2.50), (2, 'coffee', 3.10), (3, NULL, NULL);"));
  IngestJob job;
  job.name = "products";
  job.source = "shop";
  job.source_table = "products";
  job.mode = "full";
  job.partition_column = "id";
  job.num_partitions = 2;
  ingest::CompleteJob(&job);
  TARN_ASSERT_OK(Add(job));
  TARN_ASSERT_OK_AND_ASSIGN(ingest::JobOutcome outcome, Run("products"));
  TARN_ASSERT_OK(outcome.status);
  EXPECT_TRUE(outcome.caught_up);
  ASSERT_EQ(outcome.windows.size(), 1u);
  EXPECT_EQ(outcome.windows[0].rows, 3);
  EXPECT_EQ(outcome.windows[0].window_start, "");
  const std::vector<std::string> columns = {"id", "name", "price"};
  EXPECT_EQ(Rows("raw_shop.products", columns),
            (std::vector<std::string>{"1|tea|2.50", "2|coffee|3.10", "3|-|-"}));

  // Each run replaces the table with the source as it is now, in one snapshot.
  TARN_ASSERT_OK(
      Sql("DELETE FROM products WHERE id = 1; UPDATE products SET name = 'mocha' WHERE id = 2;"
          "INSERT INTO products VALUES (4, 'cocoa', 4.00);"));
  TARN_ASSERT_OK_AND_ASSIGN(outcome, Run("products"));
  TARN_ASSERT_OK(outcome.status);
  ASSERT_EQ(outcome.windows.size(), 1u);
  EXPECT_EQ(Rows("raw_shop.products", columns),
            (std::vector<std::string>{"2|mocha|3.10", "3|-|-", "4|cocoa|4.00"}));
  TARN_ASSERT_OK_AND_ASSIGN(auto table,
                            iceberg::Table::Load(*catalog_, *store_, {"raw_shop", "products"}));
  ASSERT_EQ(table->metadata().snapshots.size(), 2u);
  EXPECT_EQ(table->metadata().current_snapshot()->operation(), "overwrite");
  iceberg::ScanOptions first;
  first.snapshot_id = table->metadata().snapshots[0].snapshot_id;
  EXPECT_EQ(ScanRowsAsText(*table, first, "-").size(), 3u);  // the first load, for time travel

  // An emptied source empties the table; after that, runs find nothing to do.
  TARN_ASSERT_OK(Sql("DELETE FROM products"));
  TARN_ASSERT_OK_AND_ASSIGN(outcome, Run("products"));
  TARN_ASSERT_OK(outcome.status);
  EXPECT_EQ(outcome.windows[0].status, "succeeded");
  EXPECT_TRUE(Rows("raw_shop.products", columns).empty());
  TARN_ASSERT_OK_AND_ASSIGN(outcome, Run("products"));
  EXPECT_EQ(outcome.windows[0].status, "empty");
  EXPECT_FALSE(outcome.windows[0].snapshot_id.has_value());
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<IngestRun> history,
                            IngestStore(*db_).History("products", 9));
  EXPECT_EQ(history.size(), 4u);

  job.look_back = "1d";
  EXPECT_THAT(ingest::ValidateJob(job),
              StatusIs(StatusCode::kInvalidArgument,
                       "ingestion job 'products': look_back means nothing to a full job"));
}

// With a primary key and a look-back, each window reads from look_back before its start, and
// what it re-reads replaces the table's rows of the same key in the range read.
TEST_F(IngestTest, LookBackReplacesReReadRowsByKey) {
  TARN_ASSERT_OK(Sql(
      "CREATE TABLE accounts (id int PRIMARY KEY, balance int, at timestamp, "
      "gone boolean NOT NULL DEFAULT false);"
      "INSERT INTO accounts (id, balance, at) VALUES (1, 10, '2026-11-01 10:00'), "
      "(2, 20, '2026-11-01 20:00'), (3, 30, '2026-11-02 15:00'), (5, 50, '2026-11-02 16:00');"));
  IngestJob job = Job("accounts", "accounts", "at", "2026-11-01");
  job.primary_key = {"id"};
  job.look_back = "12h";
  job.soft_delete_column = "gone";
  TARN_ASSERT_OK(Add(job));
  TARN_ASSERT_OK_AND_ASSIGN(ingest::JobOutcome outcome, Run("accounts", 2));
  TARN_ASSERT_OK(outcome.status);
  ASSERT_EQ(outcome.windows.size(), 2u);
  // The second window, [11-02, 11-03), read from 11-01 12:00: account 2 again, replacing itself.
  EXPECT_EQ(outcome.windows[1].rows, 3);
  EXPECT_EQ(outcome.windows[1].replaced, 1);
  const std::vector<std::string> columns = {"id", "balance"};
  EXPECT_EQ(Rows("raw_shop.accounts", columns),
            (std::vector<std::string>{"1|10", "2|20", "3|30", "5|50"}));

  // A late row in a loaded window, an update, and a soft delete: the next window's re-read
  // takes the late row, replaces account 3 and removes account 5.
  TARN_ASSERT_OK(
      Sql("INSERT INTO accounts (id, balance, at) VALUES (4, 40, '2026-11-02 23:00');"
          "UPDATE accounts SET balance = 31, at = '2026-11-03 01:00' WHERE id = 3;"
          "UPDATE accounts SET gone = true, at = '2026-11-03 02:00' WHERE id = 5;"));
  TARN_ASSERT_OK_AND_ASSIGN(outcome, Run("accounts", 1));
  TARN_ASSERT_OK(outcome.status);
  ASSERT_EQ(outcome.windows.size(), 1u);
  EXPECT_EQ(outcome.windows[0].rows, 2);      // accounts 4 and 3; 5 is a deletion
  EXPECT_EQ(outcome.windows[0].replaced, 2);  // the earlier 3 and 5
  EXPECT_EQ(Rows("raw_shop.accounts", columns),
            (std::vector<std::string>{"1|10", "2|20", "3|31", "4|40"}));
  TARN_ASSERT_OK_AND_ASSIGN(auto table,
                            iceberg::Table::Load(*catalog_, *store_, {"raw_shop", "accounts"}));
  EXPECT_EQ(table->metadata().current_snapshot()->operation(), "overwrite");
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<IngestRun> history,
                            IngestStore(*db_).History("accounts", 1));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].replaced, 2);

  // What the key and the look-back need.
  job.primary_key.clear();
  EXPECT_THAT(ingest::ValidateJob(job),
              StatusIs(StatusCode::kInvalidArgument,
                       "ingestion job 'accounts': look_back needs a primary_key: re-read rows "
                       "replace their earlier versions by key"));
  job = Job("no_key", "accounts", "at", "2026-11-01");
  job.primary_key = {"account_id"};
  job.look_back = "1h";
  TARN_ASSERT_OK(Add(job));
  EXPECT_THAT(Run("no_key"), StatusIs(StatusCode::kInvalidArgument,
                                      "ingestion job 'no_key': primary_key 'account_id' is not a "
                                      "column of accounts of source 'shop'"));
}

TEST_F(IngestTest, QueryJobsLoadTheRowsOfAQuery) {
  TARN_ASSERT_OK(
      Sql("CREATE TABLE customers (id int PRIMARY KEY, region text);"
          "CREATE TABLE orders (id bigint, customer int, total numeric(10,2), at timestamptz);"
          "INSERT INTO customers VALUES (1, 'north'), (2, 'south'), (3, 'closed');"
          "INSERT INTO orders SELECT g, 1 + g % 3, g * 1.25, "
          "TIMESTAMPTZ '2026-11-01 00:00+00' + g * INTERVAL '1 hour' FROM generate_series(0, 47) g;"
          "CREATE TABLE keep (a int); INSERT INTO keep VALUES (1);"));
  IngestJob job = Job("open_orders", "", "at", "2026-11-01T00:00:00Z");
  job.source_query =
      "SELECT o.id, c.region, o.total, o.at\n"
      "FROM orders o JOIN customers c ON c.id = o.customer\n"
      "WHERE c.region <> 'closed'  -- closed accounts stay out\n";
  job.partition_column = "id";
  job.num_partitions = 2;
  job.target_table.clear();  // Job() named it after the (empty) table
  ingest::CompleteJob(&job);
  EXPECT_EQ(job.target_namespace + "." + job.target_table, "raw_shop.open_orders");
  TARN_ASSERT_OK(Add(job));
  TARN_ASSERT_OK_AND_ASSIGN(ingest::JobOutcome outcome, Run("open_orders", 2));
  TARN_ASSERT_OK(outcome.status);
  ASSERT_EQ(outcome.windows.size(), 2u);
  EXPECT_EQ(outcome.windows[0].rows + outcome.windows[1].rows, 32);
  std::vector<std::string> rows = Rows("raw_shop.open_orders", {"id", "region", "total", "at"});
  ASSERT_EQ(rows.size(), 32u);
  EXPECT_EQ(rows[0], "0|north|0.00|2026-11-01T00:00:00Z");
  EXPECT_THAT(rows, ::testing::Contains("46|south|57.50|2026-11-02T22:00:00Z"));
  EXPECT_EQ(std::count_if(rows.begin(), rows.end(),
                          [](const std::string& r) { return r.find("closed") != r.npos; }),
            0);

  // A query the source refuses, or one that tries to do more than read, stops the job before
  // it reads anything.
  struct Case {
    const char* job;
    const char* query;
    const char* message;
  };
  for (const Case& c : {
           Case{"bad_query", "SELECT id, at FROM orders WHERE; DROP TABLE keep",
                "describing the query of source 'shop': syntax error at or near \";\""},
           Case{"two_statements", "SELECT id, at FROM orders; DROP TABLE keep",
                "describing the query of source 'shop': cannot insert multiple commands into a "
                "prepared statement"},
           Case{"no_cursor", "SELECT id FROM orders",
                "ingestion job 'no_cursor': cursor_column 'at' is not a column of the query of "
                "job 'no_cursor' of source 'shop'"},
       }) {
    IngestJob bad = Job(c.job, "", "at", "2026-11-01T00:00:00Z");
    bad.source_query = c.query;
    bad.target_table = c.job;
    TARN_ASSERT_OK(Add(bad));
    EXPECT_THAT(Run(c.job), StatusIs(StatusCode::kInvalidArgument, c.message));
  }
  EXPECT_THAT(Server()->Psql(database_, "SELECT count(*) FROM keep"), IsOkAndHolds("1\n"));
}

TEST_F(IngestTest, BadSourcesAndJobsSayWhatIsWrong) {
  TARN_ASSERT_OK(
      Sql("CREATE TABLE t (id int, at date, label text, iv interval);"
          "CREATE ROLE " +
          std::string(PostgresServer::kPasswordRole) + " LOGIN PASSWORD 'right'"));
  // Unreachable.
  sources_.push_back(sources_[0]);
  sources_.back().name = "gone";
  sources_.back().uri = "postgresql://postgres@127.0.0.1:1/x";
  sources_.back().connect_timeout_s = 2;
  // Wrong password.
  sources_.push_back(sources_[0]);
  sources_.back().name = "locked";
  sources_.back().uri = "postgresql://" + std::string(PostgresServer::kPasswordRole) +
                        "@127.0.0.1:" + std::to_string(Server()->port()) + "/" + database_;
  setenv("TARN_TEST_WRONG_PASSWORD", "wrong", 1);
  sources_.back().password = SecretRef::Parse("env:TARN_TEST_WRONG_PASSWORD").value();

  IngestJob job = Job("gone", "t", "at", "2026-11-01");
  job.source = "gone";
  job.exclude_columns = {"iv"};
  TARN_ASSERT_OK(Add(job));
  EXPECT_THAT(Run("gone"),
              StatusIs(StatusCode::kUnavailable, HasSubstr("source 'gone' is unreachable")));
  job.name = job.source = "locked";
  TARN_ASSERT_OK(Add(job));
  EXPECT_THAT(Run("locked"), StatusIs(StatusCode::kPermissionDenied,
                                      HasSubstr("source 'locked': the server refused the "
                                                "credentials")));
  job = Job("missing", "public.absent", "at", "2026-11-01");
  TARN_ASSERT_OK(Add(job));
  EXPECT_THAT(Run("missing"),
              StatusIs(StatusCode::kNotFound, "source 'shop' has no table public.absent"));
  job = Job("unmapped", "t", "at", "2026-11-01");
  TARN_ASSERT_OK(Add(job));
  EXPECT_THAT(Run("unmapped"),
              StatusIs(StatusCode::kInvalidArgument,
                       "column 'iv' (interval) of t of source 'shop' has type interval, which "
                       "tarn does not map; cast it in a query, or leave it out with "
                       "exclude_columns"));
  job = Job("wrong_cursor", "t", "label", "2026-11-01");
  job.exclude_columns = {"iv"};
  TARN_ASSERT_OK(Add(job));
  EXPECT_THAT(Run("wrong_cursor"),
              StatusIs(StatusCode::kInvalidArgument,
                       "ingestion job 'wrong_cursor': cursor_column 'label' is text; a cursor "
                       "must be an integer, date or timestamp column"));
  job = Job("wrong_start", "t", "id", "2026-11-01", "100");
  job.exclude_columns = {"iv"};
  TARN_ASSERT_OK(Add(job));
  EXPECT_THAT(Run("wrong_start"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("window_start '2026-11-01' is not a value of the cursor 'id' "
                                 "(int)")));
  // Nothing was created for the failed jobs, and their leases were released.
  EXPECT_THAT(catalog_->ListTables("raw_shop"), IsOkAndHolds(::testing::SizeIs(0)));
  TARN_ASSERT_OK_AND_ASSIGN(IngestJob after, IngestStore(*db_).Get("wrong_start"));
  EXPECT_EQ(after.lease_owner, "");
}

// `tarn ingest run` killed with SIGKILL at seeded random moments (reading, writing files,
// committing), then run to the end: the raw table holds every source row exactly once.
TEST_F(IngestTest, KilledRunsLoadEveryRowExactlyOnce) {
  constexpr int kRows = 30000;
  TARN_ASSERT_OK(
      Sql("CREATE TABLE ledger (id bigint PRIMARY KEY, part int, at timestamptz);"
          "INSERT INTO ledger SELECT g, g % 50, TIMESTAMPTZ '2026-11-01 00:00:00+00' + "
          "g * INTERVAL '8.64 seconds' FROM generate_series(1, " +
          std::to_string(kRows) + ") g;"));
  const std::string lake = dir_.path() + "/cli";
  std::filesystem::create_directories(lake);
  const std::string config = lake + "/tarn.yaml";
  auto tarn = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {TARN_BINARY, "--config", config, "--log-level", "error"});
    return RunProcess(args, lake, {{"TARN_CONFIG", ""}});
  };
  ProcessResult init = tarn({"init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  std::ofstream(config, std::ios::app)
      << "sources:\n  shop:\n    kind: postgresql\n    uri: " << sources_[0].uri << "\n";
  ProcessResult add = tarn({"ingest", "add", "ledger", "--source", "shop", "--table", "ledger",
                            "--cursor", "at", "--start", "2026-11-01", "--step", "2h",
                            "--partition-column", "part", "--partitions", "3", "--lag", "0s"});
  ASSERT_EQ(add.exit_code, 0) << add.err;

  std::mt19937 random(20261121);
  int killed = 0;
  for (int round = 0; round < 16; ++round) {
    Spawned child = SpawnProcess({TARN_BINARY, "--config", config, "--log-level", "off", "ingest",
                                  "run", "ledger", "--max-windows", "6"},
                                 {{"TARN_CONFIG", ""}});
    ASSERT_GT(child.pid, 0);
    // After 0 to 3 finished windows (whatever the machine's speed), then somewhere in the
    // next: reading, writing files, or committing.
    for (unsigned windows = random() % 4; windows > 0; --windows) {
      if (ReadLine(child.stdout_fd, 30000).empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 40000));
    if (kill(child.pid, SIGKILL) == 0) ++killed;
    int status = 0;
    waitpid(child.pid, &status, 0);
    close(child.stdout_fd);
  }
  EXPECT_GT(killed, 0);
  ProcessResult rest = tarn({"ingest", "run", "ledger"});
  ASSERT_EQ(rest.exit_code, 0) << rest.out << rest.err;
  EXPECT_THAT(rest.out, HasSubstr("caught up"));

  Result<std::unique_ptr<Database>> db =
      Database::Open({.uri = "sqlite:" + lake + "/lake/tarn.db"});
  ASSERT_THAT(db, IsOk());
  auto store = LocalStore::Open(lake + "/lake");
  ASSERT_THAT(store, IsOk());
  iceberg::Catalog catalog(**db, "tarn");
  TARN_ASSERT_OK_AND_ASSIGN(auto table,
                            iceberg::Table::Load(catalog, **store, {"raw_shop", "ledger"}));
  iceberg::ScanOptions options;
  options.columns = {"id"};
  TARN_ASSERT_OK_AND_ASSIGN(auto scan, iceberg::TableScan::Open(*table, options));
  std::vector<int64_t> ids;
  ColumnBatch batch(scan->schema());
  while (true) {
    TARN_ASSERT_OK_AND_ASSIGN(bool more, scan->Next(&batch));
    if (!more) break;
    for (size_t r = 0; r < batch.num_rows(); ++r) ids.push_back(batch.column(0).GetInt64(r));
  }
  std::sort(ids.begin(), ids.end());
  ASSERT_EQ(ids.size(), static_cast<size_t>(kRows)) << "duplicates or gaps";
  for (int i = 0; i < kRows; ++i) ASSERT_EQ(ids[static_cast<size_t>(i)], i + 1);
  // Each killed run's history row says so; none is left running.
  TARN_ASSERT_OK_AND_ASSIGN(
      QueryResult running,
      (*db)->Execute("SELECT count(*) FROM tarn_ingest_runs WHERE status = 'running'"));
  EXPECT_EQ(running.GetInt(0, 0).value_or(-1), 0);
  TARN_ASSERT_OK_AND_ASSIGN(
      QueryResult abandoned,
      (*db)->Execute("SELECT count(*) FROM tarn_ingest_runs WHERE status = 'abandoned'"));
  EXPECT_GT(abandoned.GetInt(0, 0).value_or(0), 0) << "no kill landed inside a window";
}

TEST(IngestJobsYamlTest, UnknownKeysAndBadValuesNameTheLine) {
  EXPECT_THAT(ingest::ParseJobsYaml("jobs:\n  d:\n    source: bank\n    table: t\n"
                                    "    cursor_column: at\n    window_start: 2026-11-01\n"
                                    "    window_step: 1d\n    windw_stop: 2026-11-02\n",
                                    "jobs.yaml"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("jobs.yaml:8:5")));
  EXPECT_THAT(ingest::ParseJobsYaml("jobs:\n  d:\n    source: bank\n    table: t\n"
                                    "    cursor_column: at\n    window_start: 2026-11-01\n"
                                    "    window_step: 1d\n    num_partitions: 0\n",
                                    "jobs.yaml"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("jobs.yaml:8:")));
  EXPECT_THAT(ingest::ParseJobsYaml("jobs:\n  d:\n    source: bank\n    table: t\n"
                                    "    cursor_column: at\n    window_start: 2026-11-01\n"
                                    "    window_step: 1d\n    on_schema_change: maybe\n",
                                    "jobs.yaml"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("jobs.yaml:3:5: 'jobs.d': ingestion job 'd': on_schema_change "
                                 "'maybe' is not evolve, fail or ignore")));
  TARN_ASSERT_OK_AND_ASSIGN(
      std::vector<IngestJob> jobs,
      ingest::ParseJobsYaml("jobs:\n  d:\n    source: bank\n    table: main.\"Deposits 2\"\n"
                            "    cursor_column: at\n    window_start: 2026-11-01\n"
                            "    window_step: 1d\n    primary_key: [id, line]\n",
                            "jobs.yaml"));
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].target_namespace + "." + jobs[0].target_table, "raw_bank.deposits_2");
  EXPECT_EQ(jobs[0].primary_key, (std::vector<std::string>{"id", "line"}));
  EXPECT_EQ(jobs[0].safety_lag, "5m");
  // A query job: its rows land in raw_<source>.<job>; a table and a query together are refused.
  TARN_ASSERT_OK_AND_ASSIGN(
      jobs, ingest::ParseJobsYaml("jobs:\n  big_deposits:\n    source: bank\n    query: |\n"
                                  "      SELECT id, at FROM deposits\n"
                                  "      WHERE amount > 100\n"
                                  "    cursor_column: at\n    window_start: 2026-11-01\n"
                                  "    window_step: 1d\n",
                                  "jobs.yaml"));
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].target_namespace + "." + jobs[0].target_table, "raw_bank.big_deposits");
  EXPECT_EQ(jobs[0].source_query, "SELECT id, at FROM deposits\nWHERE amount > 100\n");
  EXPECT_EQ(jobs[0].source_table, "");
  EXPECT_THAT(ingest::ParseJobsYaml("jobs:\n  d:\n    source: bank\n    table: t\n"
                                    "    query: SELECT * FROM t\n    mode: full\n",
                                    "jobs.yaml"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("ingestion job 'd': table or query is required, and only one "
                                 "of them")));
}

}  // namespace
}  // namespace tarn::testing
