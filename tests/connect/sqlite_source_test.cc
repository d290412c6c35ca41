// SQLite sources: listing, describing and type mapping on real database files; names that need
// quoting, hostile names, and files that are missing or not databases.
#include "connect/sqlite_source.h"

#include <sqlite3.h>

#include <fstream>

#include "extract_rows.h"
#include "status_matchers.h"
#include "subprocess.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

class SqliteSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.name = "bank";
    config_.kind = SourceKind::kSqlite;
    config_.path = dir_.path() + "/bank.db";
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(config_.path.c_str(), &db), SQLITE_OK);
    const char* sql =
        "CREATE TABLE deposits (id INTEGER PRIMARY KEY, customer_id BIGINT NOT NULL, "
        "amount DECIMAL(12,2), opened DATE, at DATETIME, note TEXT, flag BOOLEAN, rate REAL, "
        "scan BLOB, total NUMERIC, anything, huge NUMERIC(50,2));"
        "CREATE TABLE \"Order Items\" (\"order\" INTEGER, \"Line No\" INT, \"select\" VARCHAR(10), "
        "PRIMARY KEY (\"Line No\", \"order\"));"
        "CREATE TABLE \"x\"\"; DROP TABLE deposits; --\" (a INTEGER);"
        "CREATE VIEW big_deposits AS SELECT * FROM deposits WHERE amount > 100;"
        "INSERT INTO deposits (customer_id, amount) VALUES (1, 10.5), (2, 200), (3, 300);";
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << error;
    sqlite3_close(db);
  }

  TempDir dir_;
  SourceConfig config_;
};

TEST_F(SqliteSourceTest, ListsAndDescribesWithLakeTypes) {
  TARN_ASSERT_OK_AND_ASSIGN(auto source, Source::Open(config_));
  TARN_ASSERT_OK_AND_ASSIGN(SourceInfo info, source->Probe());
  EXPECT_THAT(info.server, ::testing::StartsWith("SQLite 3."));

  TARN_ASSERT_OK_AND_ASSIGN(std::vector<SourceTableName> tables, source->ListTables(""));
  std::vector<std::string> names;
  for (const SourceTableName& t : tables) names.push_back(t.ToString() + " " + t.kind);
  EXPECT_EQ(names, (std::vector<std::string>{"main.Order Items table", "main.big_deposits view",
                                             "main.deposits table",
                                             "main.x\"; DROP TABLE deposits; -- table"}));

  TARN_ASSERT_OK_AND_ASSIGN(SourceTable t, source->Describe("deposits"));
  EXPECT_EQ(t.primary_key, std::vector<std::string>{"id"});
  EXPECT_EQ(t.row_estimate, 3);
  std::vector<std::string> mapped;
  for (const SourceColumn& c : t.columns) {
    mapped.push_back(c.name + ":" + (c.lake_type ? c.lake_type->ToString() : "-") +
                     (c.nullable ? "?" : ""));
  }
  EXPECT_EQ(mapped, (std::vector<std::string>{
                        "id:long", "customer_id:long", "amount:decimal(12,2)?", "opened:date?",
                        "at:timestamp?", "note:string?", "flag:boolean?", "rate:double?",
                        "scan:binary?", "total:decimal(38,18)?", "anything:-?", "huge:-?"}));
  EXPECT_THAT(t.columns[10].unmapped_reason, HasSubstr("no declared type"));
  EXPECT_THAT(t.columns[11].unmapped_reason, HasSubstr("beyond the lake's decimal(38, s)"));

  // Composite keys keep their declared order; quoted names keep their case and spaces.
  TARN_ASSERT_OK_AND_ASSIGN(SourceTable items, source->Describe("main.\"Order Items\""));
  EXPECT_EQ(items.primary_key, (std::vector<std::string>{"Line No", "order"}));
  EXPECT_EQ(items.columns[2].name, "select");
  TARN_ASSERT_OK_AND_ASSIGN(SourceTable view, source->Describe("big_deposits"));
  EXPECT_EQ(view.name.kind, "view");
  EXPECT_EQ(view.row_estimate, 2);
}

TEST_F(SqliteSourceTest, HostileNamesAreIdentifiersNotSql) {
  TARN_ASSERT_OK_AND_ASSIGN(auto source, Source::Open(config_));
  TARN_ASSERT_OK_AND_ASSIGN(SourceTable t, source->Describe("\"x\"\"; DROP TABLE deposits; --\""));
  EXPECT_EQ(t.columns.size(), 1u);
  EXPECT_EQ(t.row_estimate, 0);
  // deposits is still there (and the source is read-only besides).
  TARN_ASSERT_OK_AND_ASSIGN(SourceTable deposits, source->Describe("deposits"));
  EXPECT_EQ(deposits.row_estimate, 3);
  EXPECT_THAT(source->Describe("deposits; DROP TABLE deposits"),
              StatusIs(StatusCode::kNotFound,
                       "source 'bank' has no table 'deposits; DROP TABLE "
                       "deposits'"));
}

TEST_F(SqliteSourceTest, ExtractsRangesByTheirTextForms) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(config_.path.c_str(), &db), SQLITE_OK);
  const char* sql =
      "DELETE FROM deposits;"
      "INSERT INTO deposits VALUES (1, 7, 10.5, '2026-11-01', '2026-11-01 00:00:00', 'a', 1, "
      "0.5, x'00ff', '123.456', NULL, NULL),"
      "(2, 8, '20.25', '2026-11-01', '2026-11-01 23:59:59.5', NULL, 0, 2, NULL, 1, NULL, NULL),"
      "(3, 9, NULL, '2026-11-02', '2026-11-02 00:00:00', 'c', NULL, NULL, NULL, NULL, NULL, "
      "NULL);";
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << error;
  TARN_ASSERT_OK_AND_ASSIGN(auto source, Source::Open(config_));
  TARN_ASSERT_OK_AND_ASSIGN(ExtractRequest request, RequestFor(*source, "deposits"));
  request.batch_rows = 2;
  EXPECT_THAT(ReadAll(*source, request),
              IsOkAndHolds(std::vector<std::string>{
                  "1|7|10.50|2026-11-01|2026-11-01T00:00:00|a|true|0.5|00ff|"
                  "123.456000000000000000",
                  "2|8|20.25|2026-11-01|2026-11-01T23:59:59.500000|-|false|2|-|"
                  "1.000000000000000000",
                  "3|9|-|2026-11-02|2026-11-02T00:00:00|c|-|-|-|-"}));
  const DataType ts = MakeType(TypeId::kTimestamp);
  TARN_ASSERT_OK_AND_ASSIGN(int64_t nov1, ParseOrderable(ts, "2026-11-01"));
  TARN_ASSERT_OK_AND_ASSIGN(int64_t nov2, ParseOrderable(ts, "2026-11-02"));
  request.columns.resize(1);
  request.ranges = {{"at", ts, nov1, nov2, false}};
  EXPECT_THAT(ReadAll(*source, request), IsOkAndHolds(std::vector<std::string>{"1", "2"}));
  request.ranges = {{"at", ts, nov2, std::nullopt, false}};
  EXPECT_THAT(ReadAll(*source, request), IsOkAndHolds(std::vector<std::string>{"3"}));
  EXPECT_THAT(
      source->Bounds(SourceRelation::Table("deposits"),
                     {"opened", MakeType(TypeId::kDate), std::nullopt, std::nullopt, false}, {}),
      IsOkAndHolds(std::make_optional(std::make_pair(int64_t{20758}, int64_t{20759}))));

  // A value that is not its column's type names the column and the row.
  ASSERT_EQ(sqlite3_exec(db, "UPDATE deposits SET opened = 'soon' WHERE id = 2", nullptr, nullptr,
                         &error),
            SQLITE_OK)
      << error;
  sqlite3_close(db);
  TARN_ASSERT_OK_AND_ASSIGN(request, RequestFor(*source, "deposits", {"id", "opened"}));
  EXPECT_THAT(ReadAll(*source, request),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("column 'opened' of deposits in source 'bank', row 2: cannot "
                                 "read 'soon' as date")));
  EXPECT_THAT(source->Extract({SourceRelation::Table("absent"), request.columns, {}, 1024}),
              StatusIs(StatusCode::kNotFound, HasSubstr("no such table: main.absent")));
}

TEST_F(SqliteSourceTest, QueriesReadColumnsOfDeclaredTypes) {
  TARN_ASSERT_OK_AND_ASSIGN(auto source, Source::Open(config_));
  const SourceRelation query = SourceRelation::Query(
      "SELECT d.id, d.amount, i.\"select\" AS item, d.amount * 2 AS twice FROM deposits d "
      "LEFT JOIN \"Order Items\" i ON i.\"order\" = d.id WHERE d.amount > 100 --\n;");
  TARN_ASSERT_OK_AND_ASSIGN(SourceTable t, source->DescribeRelation(query));
  std::vector<std::string> mapped;
  for (const SourceColumn& c : t.columns) {
    mapped.push_back(c.name + ":" + (c.lake_type ? c.lake_type->ToString() : "-"));
  }
  EXPECT_EQ(mapped, (std::vector<std::string>{"id:long", "amount:decimal(12,2)", "item:string",
                                              "twice:-"}));
  EXPECT_THAT(t.columns[3].unmapped_reason, HasSubstr("is an expression, which has no declared"));
  TARN_ASSERT_OK_AND_ASSIGN(ExtractRequest request, RequestFor(*source, query));
  ASSERT_EQ(request.columns.size(), 3u);  // the expression left out
  EXPECT_THAT(ReadAll(*source, request),
              IsOkAndHolds(std::vector<std::string>{"2|200.00|-", "3|300.00|-"}));
  request.ranges = {{"id", MakeType(TypeId::kLong), 3, std::nullopt, false}};
  EXPECT_THAT(ReadAll(*source, request), IsOkAndHolds(std::vector<std::string>{"3|300.00|-"}));
  EXPECT_THAT(
      source->Bounds(query, {"id", MakeType(TypeId::kLong), std::nullopt, std::nullopt, false}, {}),
      IsOkAndHolds(std::make_optional(std::make_pair(int64_t{2}, int64_t{3}))));

  EXPECT_THAT(source->DescribeQuery("SELECT id FROM deposits; DELETE FROM deposits"),
              StatusIs(StatusCode::kInvalidArgument,
                       "describing the query of source 'bank': expected one statement, found "
                       "more"));
  EXPECT_THAT(source->DescribeQuery("DELETE FROM deposits RETURNING id"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("it is not a SELECT statement")));
  EXPECT_THAT(source->DescribeQuery("SELECT 1 AS a) AS q, (SELECT 2"),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(source->DescribeQuery("SELECT d.id, i.\"order\" AS id FROM deposits d, "
                                    "\"Order Items\" i"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("two columns are named 'id'")));
  EXPECT_THAT(source->DescribeQuery("SELECT * FROM absent"),
              StatusIs(StatusCode::kNotFound, HasSubstr("no such table: absent")));
  TARN_ASSERT_OK_AND_ASSIGN(t, source->Describe("deposits"));
  EXPECT_EQ(t.row_estimate, 3);
}

TEST(SourceNamesTest, QuotingAndParsing) {
  EXPECT_EQ(QuoteIdentifier("Order Items").value(), "\"Order Items\"");
  EXPECT_EQ(QuoteIdentifier("a\"b").value(), "\"a\"\"b\"");
  EXPECT_THAT(QuoteIdentifier(std::string("a\0b", 3)), StatusIs(StatusCode::kInvalidArgument));
  auto parsed = [](const std::string& text) {
    Result<SourceTableName> n = ParseSourceTableName(text, "public");
    return n.ok() ? n->schema + "|" + n->name : n.status().message();
  };
  EXPECT_EQ(parsed("orders"), "public|orders");
  EXPECT_EQ(parsed("sales.orders"), "sales|orders");
  EXPECT_EQ(parsed("\"My Schema\".\"T.1\""), "My Schema|T.1");
  EXPECT_EQ(parsed("\"a\"\"b\""), "public|a\"b");
  EXPECT_EQ(parsed("a.b.c"), "table name 'a.b.c' has more than two parts (expected schema.table)");
  EXPECT_EQ(parsed("\"open"), "table name '\"open' has an unclosed quote");
  EXPECT_EQ(parsed("a..b"), "table name 'a..b' has an empty part");
  EXPECT_EQ(parsed(""), "table name '' has an empty part");
}

TEST(SqliteSourceErrorsTest, MissingFilesAndNonDatabasesSayWhich) {
  TempDir dir;
  SourceConfig config;
  config.name = "bank";
  config.kind = SourceKind::kSqlite;
  config.path = dir.path() + "/absent.db";
  EXPECT_THAT(Source::Open(config),
              StatusIs(StatusCode::kNotFound, HasSubstr("source 'bank': no SQLite database at")));
  config.path = dir.path() + "/notes.txt";
  std::ofstream(config.path) << "this is not a database, just some text long enough to matter\n";
  EXPECT_THAT(Source::Open(config), StatusIs(StatusCode::kCorruption, HasSubstr("notes.txt")));
}

}  // namespace
}  // namespace tarn::testing
