// `tarn` as a user runs it: the real binary, real files, exact messages and exit codes.
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "parquet_judge.h"
#include "status_matchers.h"
#include "subprocess.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

class CliTest : public ::testing::Test {
 protected:
  ProcessResult Tarn(std::vector<std::string> args,
                     const std::map<std::string, std::string>& env = {{"TARN_CONFIG", ""}}) {
    args.insert(args.begin(), TARN_BINARY);
    return RunProcess(args, dir_.path(), env);
  }
  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(Path(name)) << text;
  }
  TempDir dir_;
};

TEST_F(CliTest, HelpListsCommandsWithExamples) {
  ProcessResult help = Tarn({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("init"));
  EXPECT_THAT(help.out, HasSubstr("Examples:"));
  for (const char* command : {"init", "info", "version"}) {
    ProcessResult sub = Tarn({command, "--help"});
    EXPECT_EQ(sub.exit_code, 0) << command;
    EXPECT_THAT(sub.out, HasSubstr("tarn " + std::string(command))) << command;
  }
}

TEST_F(CliTest, VersionPrintsTheVersion) {
  ProcessResult version = Tarn({"version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr(std::string("tarn ") + TARN_VERSION));
}

TEST_F(CliTest, UnknownCommandIsAUsageError) {
  ProcessResult bad = Tarn({"frobnicate"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("tarn: error: "));
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
}

TEST_F(CliTest, InitCreatesALakeThatInfoFinds) {
  ProcessResult init = Tarn({"init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_THAT(init.out, HasSubstr("Initialized lake "));
  EXPECT_THAT(init.out, HasSubstr("sqlite:" + Path("lake/tarn.db") + " (schema version 5)"));
  for (const char* made : {"tarn.yaml", "lake/tarn.db", "lake/tarn-lake.json", "lake/warehouse",
                           "lake/landing", "lake/inbox/purge", "lake/reports"}) {
    EXPECT_TRUE(std::filesystem::exists(Path(made))) << made;
  }
  ProcessResult info = Tarn({"info"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_THAT(info.out, HasSubstr("root      file://" + Path("lake/") + " (reachable)"));
  EXPECT_THAT(info.out, HasSubstr("catalog   tarn: 0 namespaces, 0 tables"));
  // The lake id is the same in the marker, the database and both outputs.
  std::string id = init.out.substr(std::string("Initialized lake ").size(), 36);
  EXPECT_THAT(info.out, HasSubstr("lake      " + id));
}

TEST_F(CliTest, ConfigIsFoundByFlagAndByEnvironment) {
  ASSERT_EQ(Tarn({"--config", Path("etc/lake.yaml"), "init", Path("data/lake")}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(Path("etc/lake.yaml")));
  EXPECT_EQ(Tarn({"--config", Path("etc/lake.yaml"), "info"}).exit_code, 0);
  EXPECT_EQ(Tarn({"info"}, {{"TARN_CONFIG", Path("etc/lake.yaml")}}).exit_code, 0);
  ProcessResult none = Tarn({"info"});
  EXPECT_EQ(none.exit_code, 3);
  EXPECT_EQ(none.err, "tarn: error: no config file at '" + Path("tarn.yaml") +
                          "': run 'tarn init' to create a lake, or pass --config / set "
                          "TARN_CONFIG\n");
}

TEST_F(CliTest, InitRefusesToOverwriteUnlessForced) {
  ASSERT_EQ(Tarn({"init"}).exit_code, 0);
  ProcessResult again = Tarn({"init"});
  EXPECT_EQ(again.exit_code, 4);
  EXPECT_EQ(again.err, "tarn: error: '" + Path("tarn.yaml") +
                           "' already exists; pass --force to replace it, or --config to write "
                           "another file\n");
  ProcessResult forced = Tarn({"init", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
}

TEST_F(CliTest, DatabaseOfAnotherLakeIsRefused) {
  ASSERT_EQ(Tarn({"init", "one"}).exit_code, 0);
  ProcessResult two =
      Tarn({"--config", "two.yaml", "init", "two", "--metadata", "sqlite:one/tarn.db"});
  EXPECT_EQ(two.exit_code, 5);
  EXPECT_EQ(two.err, "tarn: error: metadata database 'sqlite:" + Path("one/tarn.db") +
                         "' already belongs to the lake at '" + Path("one") + "'\n");
  EXPECT_FALSE(std::filesystem::exists(Path("two.yaml")));
}

TEST_F(CliTest, MalformedConfigNamesFileLineAndColumn) {
  Write("tarn.yaml", "lake:\n  root: lake\n  rooot: typo\nmetadata:\n  uri: sqlite:x.db\n");
  ProcessResult unknown = Tarn({"info"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "tarn: error: " + Path("tarn.yaml") +
                             ":3:3: unknown key 'rooot' in 'lake' (expected one of: root, "
                             "catalog_name)\n");

  Write("tarn.yaml", "lake:\n  root: [unclosed\n");
  ProcessResult syntax = Tarn({"info"});
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_THAT(syntax.err, HasSubstr("tarn: error: " + Path("tarn.yaml") + ":"));

  Write("tarn.yaml", "lake:\n  root: lake\nmetadata:\n  uri: mysql://x\n");
  EXPECT_EQ(
      Tarn({"info"}).err,
      "tarn: error: " + Path("tarn.yaml") +
          ":4:8: 'metadata.uri': expected sqlite:PATH or postgresql://user@host:port/database\n");

  Write("tarn.yaml", "lake:\n  root: lake\n");
  EXPECT_EQ(Tarn({"info"}).err,
            "tarn: error: " + Path("tarn.yaml") + ":1:1: missing required key 'metadata'\n");
}

TEST_F(CliTest, LiteralPasswordInConfigIsRefusedWithoutBeingEchoed) {
  Write(
      "tarn.yaml",
      "lake:\n  root: lake\nmetadata:\n  uri: postgresql://u@127.0.0.1/db\n  password: hunter2\n");
  ProcessResult result = Tarn({"info"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "tarn: error: " + Path("tarn.yaml") +
                            ":5:13: 'metadata.password': a literal secret is not accepted; write "
                            "env:NAME or file:PATH so that no secret sits in a config file\n");
}

TEST_F(CliTest, BadLogLevelIsAUsageError) {
  ProcessResult result = Tarn({"--log-level", "loud", "version"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "tarn: error: log level 'loud' is not one of trace, debug, info, warn, error, off\n");
}

class FileCommandsTest : public CliTest {};

TEST_F(FileCommandsTest, ConvertCsvToParquetThatDuckDbReads) {
  Write("in.csv",
        "id,name,amount,at\n"
        "1,\"Smith, J\",12.50,2024-01-02T03:04:05Z\n"
        "2,\"two\nlines\",,1969-12-31T23:59:59.5Z\n");
  ProcessResult convert = Tarn({"convert", "in.csv", "out.parquet", "--schema",
                                "id:long,name:string,amount:decimal(12,2)?,at:timestamptz?"});
  ASSERT_EQ(convert.exit_code, 0) << convert.err;
  EXPECT_EQ(
      convert.out,
      "Wrote 2 rows to out.parquet (1 row group, " +
          std::to_string(std::filesystem::file_size(Path("out.parquet"))) +
          " bytes, zstd)\nSchema: id:long,name:string,amount:decimal(12,2)?,at:timestamptz?\n");
  nlohmann::json rows = DuckDbQuery("SELECT id, name, amount::VARCHAR, epoch_us(\"at\") FROM '" +
                                    Path("out.parquet") + "' ORDER BY id");
  EXPECT_EQ(
      rows,
      nlohmann::json::parse(
          R"([["1","Smith, J","12.50","1704164645000000"],["2","two\nlines",null,"-500000"]])"));
  nlohmann::json ids =
      DuckDbQuery("SELECT name, field_id FROM parquet_schema('" + Path("out.parquet") +
                  "') WHERE field_id IS NOT NULL ORDER BY field_id");
  EXPECT_EQ(ids, nlohmann::json::parse(R"([["id","1"],["name","2"],["amount","3"],["at","4"]])"));
}

TEST_F(FileCommandsTest, ParquetCatAndInspectShowWhatConvertWrote) {
  Write("in.jsonl",
        "{\"id\": 1, \"city\": \"Oslo\"}\n{\"id\": 2, \"city\": null}\n{\"id\": 3, \"city\": "
        "\"Lima\"}\n");
  ASSERT_EQ(Tarn({"convert", "in.jsonl", "t.parquet", "--compression", "snappy"}).exit_code, 0);
  ProcessResult cat = Tarn({"parquet", "cat", "t.parquet", "--columns", "city,id", "--limit", "2"});
  ASSERT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_EQ(cat.out, "city,id\nOslo,1\n,2\n");
  ProcessResult jsonl = Tarn({"parquet", "cat", "t.parquet", "--format", "jsonl", "--limit", "1"});
  EXPECT_EQ(jsonl.out, "{\"id\":1,\"city\":\"Oslo\"}\n");
  ProcessResult inspect = Tarn({"parquet", "inspect", "t.parquet"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_THAT(inspect.out, HasSubstr("rows       3 in 1 row groups"));
  EXPECT_THAT(inspect.out, HasSubstr("     1  id                       long (optional)"));
  EXPECT_THAT(inspect.out, HasSubstr("SNAPPY PLAIN,RLE"));
  EXPECT_THAT(inspect.out, HasSubstr("min Lima max Oslo nulls 1"));
  EXPECT_THAT(Tarn({"parquet", "cat", "t.parquet", "--columns", "nope"}).err,
              HasSubstr("has no column 'nope'"));
  ProcessResult where = Tarn({"parquet", "cat", "t.parquet", "--columns", "id", "--where",
                              "city IN ('Lima', 'Oslo') AND id > 1"});
  EXPECT_EQ(where.out, "id\n3\n");
  EXPECT_EQ(Tarn({"parquet", "cat", "t.parquet", "--where", "id >"}).err,
            "tarn: error: predicate 'id >' at position 5: expected a value\n");
}

TEST_F(FileCommandsTest, BadRowsStopConversionOrGoToRejects) {
  Write("bad.csv", "id,n\n1,2\n2,x\n3,4\n");
  ProcessResult stop = Tarn({"convert", "bad.csv", "b.parquet", "--schema", "id:long,n:int"});
  EXPECT_EQ(stop.exit_code, 2);
  EXPECT_EQ(stop.err, "tarn: error: 'file://" + Path("bad.csv") +
                          "' line 3 column 'n': cannot read 'x' as int\n");
  EXPECT_FALSE(std::filesystem::exists(Path("b.parquet")));  // nothing half-written

  ProcessResult go_on = Tarn(
      {"convert", "bad.csv", "b.parquet", "--schema", "id:long,n:int", "--rejects", "rejects.csv"});
  ASSERT_EQ(go_on.exit_code, 0) << go_on.err;
  EXPECT_THAT(go_on.out, HasSubstr("Rejected 1 rows into rejects.csv"));
  std::ifstream in(Path("rejects.csv"));
  std::string rejects((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rejects, "line,reason,row\n3,column 'n': cannot read 'x' as int,\"2,x\"\n");

  Write("broken.csv", "a,b\n1,\"never closed\n");
  EXPECT_EQ(Tarn({"convert", "broken.csv", "x.parquet"}).err,
            "tarn: error: 'file://" + Path("broken.csv") +
                "': line 2: a quoted field never ends (broken quote)\n");
  EXPECT_EQ(Tarn({"convert", "missing.csv", "x.parquet"}).err,
            "tarn: error: no such file 'missing.csv'\n");
  EXPECT_EQ(
      Tarn({"convert", "bad.csv", "x.txt"}).err,
      "tarn: error: cannot tell the format of 'x.txt': name it .csv, .jsonl or .parquet, or pass "
      "--from / --to\n");
}

TEST_F(FileCommandsTest, SchemaMayComeFromAnIcebergJsonFile) {
  Write(
      "schema.json",
      R"({"type":"struct","schema-id":0,"fields":[{"id":7,"name":"k","required":true,"type":"long"},)"
      R"({"id":9,"name":"v","required":false,"type":"string"}]})");
  Write("in.csv", "k,v\n1,a\n");
  ASSERT_EQ(
      Tarn({"convert", "in.csv", "out.parquet", "--schema", "@" + Path("schema.json")}).exit_code,
      0);
  EXPECT_THAT(Tarn({"parquet", "inspect", "out.parquet"}).out, HasSubstr("     9  v "));
}

TEST_F(FileCommandsTest, ParquetRoundTripsThroughCsvAndJsonLines) {
  Write("in.csv", "id,x,t\n1,0.1,2024-02-29\n2,-0,\n");
  ASSERT_EQ(
      Tarn({"convert", "in.csv", "a.parquet", "--schema", "id:long,x:double,t:date?"}).exit_code,
      0);
  ASSERT_EQ(Tarn({"convert", "a.parquet", "b.jsonl"}).exit_code, 0);
  ASSERT_EQ(
      Tarn({"convert", "b.jsonl", "c.parquet", "--schema", "id:long,x:double,t:date?"}).exit_code,
      0);
  ASSERT_EQ(Tarn({"convert", "c.parquet", "d.csv"}).exit_code, 0);
  std::ifstream in(Path("d.csv"));
  std::string csv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(csv, "id,x,t\n1,0.1,2024-02-29\n2,-0,\n");
}

class TableCommandsTest : public CliTest {
 protected:
  void SetUp() override { ASSERT_EQ(Tarn({"init"}).exit_code, 0); }
};

TEST_F(TableCommandsTest, CreateAppendScanShowAndHistory) {
  ASSERT_EQ(Tarn({"namespace", "create", "sales"}).exit_code, 0);
  ProcessResult create =
      Tarn({"table", "create", "sales.orders", "--schema",
            "id:long,customer:string?,amount:decimal(12,2)?,ts:timestamp", "--partition", "day(ts)",
            "--property", "commit.manifest.min-count-to-merge=50"});
  ASSERT_EQ(create.exit_code, 0) << create.err;
  EXPECT_THAT(create.out, HasSubstr("Created sales.orders at file:///"));
  Write("a.csv",
        "id,customer,amount,ts\n1,ann,10.50,2024-01-01T10:00:00\n2,,3.25,2024-01-02T11:00:00\n");
  Write("b.jsonl", "{\"id\": 3, \"customer\": \"bob\", \"ts\": \"2024-01-03T00:00:00\"}\n");
  ProcessResult append = Tarn({"table", "append", "sales.orders", "a.csv", "b.jsonl"});
  ASSERT_EQ(append.exit_code, 0) << append.err;
  EXPECT_THAT(append.out, HasSubstr("Appended 3 rows in 3 files to sales.orders"));

  ProcessResult scan = Tarn({"table", "scan", "sales.orders", "--where",
                             "ts >= TIMESTAMP '2024-01-02T00:00:00'", "--columns", "id,customer"});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  // Rows come file by file; each day is its own file.
  EXPECT_THAT(scan.out, HasSubstr("id,customer\n"));
  EXPECT_THAT(scan.out, HasSubstr("2,\n"));
  EXPECT_THAT(scan.out, HasSubstr("3,bob\n"));
  EXPECT_THAT(scan.out, ::testing::Not(HasSubstr("ann")));
  EXPECT_THAT(scan.err, HasSubstr("skipped 1"));
  ProcessResult jsonl =
      Tarn({"table", "scan", "sales.orders", "--format", "jsonl", "--where", "id = 1"});
  EXPECT_EQ(
      jsonl.out,
      "{\"id\":1,\"customer\":\"ann\",\"amount\":\"10.50\",\"ts\":\"2024-01-01T10:00:00\"}\n");

  ProcessResult show = Tarn({"table", "show", "sales.orders"});
  EXPECT_THAT(show.out, HasSubstr("partitioned  day(ts) as ts_day"));
  EXPECT_THAT(show.out, HasSubstr("property     commit.manifest.min-count-to-merge = 50"));
  EXPECT_THAT(show.out, HasSubstr("rows         3 in 3 data files"));
  ProcessResult history = Tarn({"table", "history", "sales.orders"});
  EXPECT_THAT(history.out, HasSubstr("append"));
  EXPECT_THAT(history.out, HasSubstr("(current)"));
  ProcessResult schema = Tarn({"table", "schema", "sales.orders"});
  EXPECT_THAT(schema.out, HasSubstr("4  ts"));
  ProcessResult evolve = Tarn({"table", "schema", "sales.orders", "--add", "channel:string",
                               "--rename", "customer=client"});
  ASSERT_EQ(evolve.exit_code, 0) << evolve.err;
  EXPECT_THAT(evolve.out, HasSubstr("Schema 1 of sales.orders"));
  EXPECT_THAT(evolve.out, HasSubstr("5  channel"));
  EXPECT_THAT(evolve.out, HasSubstr("2  client"));
  EXPECT_THAT(Tarn({"table", "scan", "sales.orders", "--where", "id = 1"}).out,
              HasSubstr("id,client,amount,ts,channel\n1,ann,10.50,2024-01-01T10:00:00,\n"));
  EXPECT_EQ(Tarn({"table", "schema", "sales.orders", "--widen", "client:long"}).exit_code, 2);

  ProcessResult deleted = Tarn({"table", "delete", "sales.orders", "--where", "id >= 2"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_THAT(deleted.out, HasSubstr("Deleted 2 rows in 2 data files of sales.orders"));
  EXPECT_EQ(Tarn({"table", "scan", "sales.orders", "--columns", "id"}).out, "id\n1\n");
  EXPECT_THAT(Tarn({"table", "delete", "sales.orders", "--where", "id = 2"}).out,
              HasSubstr("nothing deleted"));

  ProcessResult compact = Tarn({"table", "compact", "sales.orders"});
  ASSERT_EQ(compact.exit_code, 0) << compact.err;
  EXPECT_THAT(compact.out, HasSubstr("Rewrote 2 data files into 0 (0 rows) and removed 2 delete"));
  ProcessResult expire = Tarn({"table", "expire", "sales.orders"});
  ASSERT_EQ(expire.exit_code, 0) << expire.err;
  EXPECT_THAT(expire.out, HasSubstr("Expired 2 snapshots of sales.orders"));
  ProcessResult orphans = Tarn({"table", "orphans", "sales.orders", "--dry-run"});
  ASSERT_EQ(orphans.exit_code, 0) << orphans.err;
  EXPECT_THAT(orphans.out, HasSubstr("Found 0 orphan files"));
  EXPECT_EQ(Tarn({"table", "scan", "sales.orders", "--columns", "id"}).out, "id\n1\n");

  // Mistakes are named.
  ProcessResult bad = Tarn({"table", "scan", "sales.orders", "--where", "nope = 1"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("nope"));
  Write("wrong.csv", "id,customer,amount,ts\nx,ann,1,2024-01-01T00:00:00\n");
  ProcessResult wrong = Tarn({"table", "append", "sales.orders", "wrong.csv"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_THAT(wrong.err, HasSubstr("wrong.csv"));
  EXPECT_THAT(Tarn({"table", "show", "sales.nothing"}).err, HasSubstr("does not exist"));
  EXPECT_NE(Tarn({"namespace", "drop", "sales"}).exit_code, 0);  // not empty

  ProcessResult drop = Tarn({"table", "drop", "sales.orders", "--purge"});
  ASSERT_EQ(drop.exit_code, 0) << drop.err;
  size_t left = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(Path("lake/warehouse"))) {
    left += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(left, 0u);
  EXPECT_EQ(Tarn({"namespace", "drop", "sales"}).exit_code, 0);
}

// tarn source test|tables|describe on a SQLite source (the PostgreSQL side is in
// connect_postgres_test).
class SourceCommandsTest : public CliTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(Tarn({"init"}).exit_code, 0);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(Path("bank.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE deposits (id INTEGER PRIMARY KEY, amount DECIMAL(12,2), "
                           "at DATETIME, anything); CREATE VIEW big_deposits AS SELECT * FROM "
                           "deposits WHERE amount > 100; INSERT INTO deposits (amount) VALUES "
                           "(5), (500);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    std::ofstream(Path("tarn.yaml"), std::ios::app)
        << "sources:\n  bank:\n    kind: sqlite\n    path: bank.db\n";
  }
};

TEST_F(SourceCommandsTest, TestTablesAndDescribe) {
  ProcessResult test = Tarn({"source", "test", "bank"});
  ASSERT_EQ(test.exit_code, 0) << test.err;
  EXPECT_THAT(test.out, HasSubstr("server      SQLite 3."));
  EXPECT_THAT(test.out, HasSubstr("tables      2 visible, 2 readable"));

  ProcessResult tables = Tarn({"source", "tables", "bank", "--exclude", "^big"});
  ASSERT_EQ(tables.exit_code, 0) << tables.err;
  EXPECT_THAT(tables.out, HasSubstr("main.deposits"));
  EXPECT_THAT(tables.out, ::testing::Not(HasSubstr("big_deposits")));
  EXPECT_THAT(tables.err, HasSubstr("1 of 2 tables"));

  ProcessResult describe = Tarn({"source", "describe", "bank", "deposits"});
  ASSERT_EQ(describe.exit_code, 0) << describe.err;
  EXPECT_THAT(describe.out, HasSubstr("table        main.deposits (table), about 2 rows"));
  EXPECT_THAT(describe.out, HasSubstr("primary key  id"));
  EXPECT_THAT(describe.out,
              ::testing::ContainsRegex("amount +DECIMAL\\(12,2\\) +decimal\\(12,2\\)"));
  EXPECT_THAT(describe.out, HasSubstr("not mapped: 'anything' has no declared type"));
  ProcessResult query =
      Tarn({"source", "describe", "bank", "--query", "SELECT id, amount AS value FROM deposits"});
  ASSERT_EQ(query.exit_code, 0) << query.err;
  EXPECT_THAT(query.out, HasSubstr("query        2 columns (not run; nullability unknown)"));
  EXPECT_THAT(query.out, ::testing::ContainsRegex("value +DECIMAL\\(12,2\\) +decimal\\(12,2\\)"));
}

TEST_F(SourceCommandsTest, MistakesGetClearErrors) {
  ProcessResult unknown = Tarn({"source", "test", "crm"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.err, HasSubstr("no source 'crm' in"));
  EXPECT_THAT(unknown.err, HasSubstr("(sources: bank)"));
  ProcessResult table = Tarn({"source", "describe", "bank", "loans"});
  EXPECT_NE(table.exit_code, 0);
  EXPECT_THAT(table.err, HasSubstr("source 'bank' has no table 'loans'"));
  ProcessResult regex = Tarn({"source", "tables", "bank", "--include", "("});
  EXPECT_NE(regex.exit_code, 0);
  EXPECT_THAT(regex.err, HasSubstr("--include '(' is not a valid regular expression"));
}

// The ingestion job commands, on a SQLite source (PostgreSQL runs are in ingest_postgres_test).
TEST_F(SourceCommandsTest, IngestJobsFromAddToHistory) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(Path("bank.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE loans (id INTEGER PRIMARY KEY, principal DECIMAL(12,2), "
                         "opened DATE); INSERT INTO loans VALUES (1, 10, '2026-11-01'), "
                         "(2, 20, '2026-11-02'), (3, 30, '2026-11-02'), (4, 40, '2026-11-03');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  Write("jobs.yaml",
        "jobs:\n  loans:\n    source: bank\n    table: loans\n    cursor_column: opened\n"
        "    window_start: 2026-11-01\n    window_step: 1d\n");
  ProcessResult add = Tarn({"ingest", "add", "--file", "jobs.yaml"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_THAT(add.out, HasSubstr("added job loans: bank loans -> raw_bank.loans, next window "
                                 "[2026-11-01, start + 1d)"));
  ProcessResult again = Tarn({"ingest", "add", "--file", "jobs.yaml"});
  EXPECT_EQ(again.exit_code, 4);
  EXPECT_THAT(again.err,
              HasSubstr("ingestion job 'loans' exists; change it with tarn ingest edit"));

  ProcessResult run = Tarn({"ingest", "run", "loans", "--max-windows", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, ::testing::ContainsRegex("loans +\\[2026-11-01, 2026-11-02\\) +1 rows"));
  EXPECT_THAT(run.out, ::testing::ContainsRegex("loans +\\[2026-11-02, 2026-11-03\\) +2 rows"));
  EXPECT_THAT(run.out, HasSubstr("stopped (--max-windows)"));
  ProcessResult show = Tarn({"ingest", "show", "loans"});
  EXPECT_THAT(show.out, HasSubstr("next window        [2026-11-03, 2026-11-04)"));
  ProcessResult rest = Tarn({"ingest", "run", "--all"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_THAT(rest.out, HasSubstr("caught up"));
  // Lines in any order (the scan reads the newest files first).
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    std::sort(out.begin(), out.end());
    return out;
  };
  ProcessResult scan = Tarn({"table", "scan", "raw_bank.loans", "--columns", "id,principal"});
  EXPECT_EQ(lines(scan.out),
            (std::vector<std::string>{"1,10.00", "2,20.00", "3,30.00", "4,40.00", "id,principal"}));
  ProcessResult history = Tarn({"ingest", "history", "loans", "--limit", "100"});
  EXPECT_THAT(history.out, ::testing::ContainsRegex("\\[2026-11-02, 2026-11-03\\) +succeeded +2"));

  // Moving the window back reloads from there; edits cannot move it by accident.
  ProcessResult edit = Tarn({"ingest", "edit", "loans", "--start", "2026-11-02"});
  EXPECT_EQ(edit.exit_code, 2);
  EXPECT_THAT(edit.err, HasSubstr("use tarn ingest reset"));
  ProcessResult reset = Tarn({"ingest", "reset", "loans", "--start", "2026-11-03"});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_THAT(reset.out, HasSubstr("next window        [2026-11-03, start + 1d)"));
  ProcessResult list = Tarn({"ingest", "list"});
  EXPECT_THAT(list.out, ::testing::ContainsRegex("loans +bank loans +raw_bank.loans +opened"));

  // Mistakes.
  Write("bad.yaml", "jobs:\n  d:\n    source: bank\n    table: loans\n    cursor: opened\n");
  ProcessResult bad = Tarn({"ingest", "add", "--file", "bad.yaml"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("bad.yaml:5:5"));
  EXPECT_THAT(bad.err, HasSubstr("cursor"));
  ProcessResult unknown_source = Tarn({"ingest", "add", "x", "--source", "crm", "--table", "t",
                                       "--cursor", "c", "--start", "1", "--step", "10"});
  EXPECT_EQ(unknown_source.exit_code, 3);
  EXPECT_THAT(unknown_source.err, HasSubstr("no source 'crm'"));
  ProcessResult missing = Tarn({"ingest", "run", "nope"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_THAT(missing.err, HasSubstr("no ingestion job 'nope'"));

  // A query job on the command line: its rows, its own table.
  ProcessResult query =
      Tarn({"ingest", "add", "big_loans", "--source", "bank", "--query",
            "SELECT id, principal, opened FROM loans WHERE principal >= 20", "--cursor", "opened",
            "--start", "2026-11-01", "--step", "2d", "--lag", "0s"});
  ASSERT_EQ(query.exit_code, 0) << query.err;
  EXPECT_THAT(query.out, HasSubstr("added job big_loans: bank (query) -> raw_bank.big_loans"));
  EXPECT_THAT(Tarn({"ingest", "show", "big_loans"}).out,
              HasSubstr("query              SELECT id, principal, opened FROM loans WHERE"));
  ProcessResult query_run = Tarn({"ingest", "run", "big_loans"});
  ASSERT_EQ(query_run.exit_code, 0) << query_run.err;
  EXPECT_EQ(lines(Tarn({"table", "scan", "raw_bank.big_loans", "--columns", "id"}).out),
            (std::vector<std::string>{"2", "3", "4", "id"}));
  ProcessResult both =
      Tarn({"ingest", "edit", "big_loans", "--table", "loans", "--query", "SELECT 1"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, HasSubstr("give --table or --query, not both"));
  EXPECT_EQ(Tarn({"ingest", "remove", "big_loans"}).exit_code, 0);

  ProcessResult remove = Tarn({"ingest", "remove", "loans"});
  ASSERT_EQ(remove.exit_code, 0) << remove.err;
  EXPECT_THAT(Tarn({"ingest", "list"}).out, HasSubstr("(no jobs"));
  EXPECT_EQ(lines(Tarn({"table", "scan", "raw_bank.loans", "--columns", "id"}).out),
            (std::vector<std::string>{"1", "2", "3", "4", "id"}));
}

}  // namespace
}  // namespace tarn::testing
