// PostgreSQL sources on a real cluster this binary starts on loopback: every common type mapped
// (or refused with the reason) and extracted exactly through binary COPY, ranges with their
// boundaries and NULLs, keys, privileges, names that need quoting, and the errors a user sees
// for an unreachable server, a missing database or table, and a password in the URI.
#include "connect/postgres_source.h"

#include <atomic>

#include "extract_rows.h"
#include "postgres_server.h"
#include "server_environment.h"
#include "status_matchers.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment<PostgresServer>);
PostgresServer* Server() { return ServerEnvironment<PostgresServer>::server(); }

class PostgresSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    database_ = "src" + std::to_string(++counter);
    TARN_ASSERT_OK_AND_ASSIGN(config_.uri, Server()->CreateDatabase(database_));
    config_.name = "shop";
    config_.kind = SourceKind::kPostgres;
  }
  Status Sql(const std::string& sql) { return Server()->Psql(database_, sql).status(); }

  std::string database_;
  SourceConfig config_;
};

TEST_F(PostgresSourceTest, EveryCommonTypeMapsToALakeType) {
  TARN_ASSERT_OK(
      Sql("CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE DOMAIN money2 AS numeric(10,2);"
          "CREATE TABLE everything (id bigint PRIMARY KEY, i2 smallint, i4 integer NOT NULL, "
          "n numeric(12,2), nn numeric, huge numeric(50,2), r real, d double precision, "
          "b boolean, t text, v varchar(20), c char(3), by bytea, dt date, tm time, "
          "ts timestamp, tstz timestamptz, u uuid, j json, jb jsonb, m mood, arr integer[], "
          "dm money2, iv interval, ip inet);"
          "ANALYZE everything;"));
  TARN_ASSERT_OK_AND_ASSIGN(auto source, Source::Open(config_));
  TARN_ASSERT_OK_AND_ASSIGN(SourceTable t, source->Describe("everything"));
  EXPECT_EQ(t.name.ToString(), "public.everything");
  EXPECT_TRUE(t.can_select);
  EXPECT_EQ(t.primary_key, std::vector<std::string>{"id"});
  std::vector<std::string> mapped;
  for (const SourceColumn& c : t.columns) {
    mapped.push_back(c.name + ":" + (c.lake_type ? c.lake_type->ToString() : "-") +
                     (c.nullable ? "?" : ""));
  }
  EXPECT_EQ(mapped, (std::vector<std::string>{"id:long",
                                              "i2:int?",
                                              "i4:int",
                                              "n:decimal(12,2)?",
                                              "nn:decimal(38,18)?",
                                              "huge:-?",
                                              "r:float?",
                                              "d:double?",
                                              "b:boolean?",
                                              "t:string?",
                                              "v:string?",
                                              "c:string?",
                                              "by:binary?",
                                              "dt:date?",
                                              "tm:time?",
                                              "ts:timestamp?",
                                              "tstz:timestamptz?",
                                              "u:uuid?",
                                              "j:string?",
                                              "jb:string?",
                                              "m:string?",
                                              "arr:string?",
                                              "dm:decimal(10,2)?",
                                              "iv:-?",
                                              "ip:-?"}));
  EXPECT_EQ(t.columns[1].source_type, "smallint");
  EXPECT_EQ(t.columns[3].source_type, "numeric(12,2)");
  EXPECT_THAT(t.columns[5].unmapped_reason, HasSubstr("numeric(50,2), beyond the lake's"));
  EXPECT_THAT(t.columns[23].unmapped_reason,
              HasSubstr("has type interval, which tarn does not map"));
  EXPECT_EQ(t.row_estimate, 0);
}

TEST_F(PostgresSourceTest, EveryMappedTypeIsExtractedExactly) {
  TARN_ASSERT_OK(
      Sql("CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE DOMAIN money2 AS numeric(10,2);"
          "CREATE TABLE everything (id bigint PRIMARY KEY, i2 smallint, i4 integer, "
          "n numeric(12,2), nn numeric, n38 numeric(38,0), r real, d double precision, "
          "b boolean, t text, v varchar(20), c char(3), by bytea, dt date, tm time, "
          "ts timestamp, tstz timestamptz, u uuid, j json, jb jsonb, m mood, arr text[], "
          "dm money2, o oid);"
          "INSERT INTO everything VALUES (1, -32768, 2147483647, -1234567890.12, "
          "0.000000000000000001, 99999999999999999999999999999999999999, 1.5, -2.25e-300, true, "
          "'héllo\n\"q\"', 'v', 'ab', '\\x00ff10', '1969-07-20', '23:59:59.999999', "
          "'1999-12-31 23:59:59.000001', '2026-11-21 10:04:05.5+02', "
          "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"k\": [1, 2]}', '{\"k\": [1, 2]}', 'ok', "
          "ARRAY['x', NULL, 'q\"uote'], 12.34, 4000000000);"
          "INSERT INTO everything (id, nn, n) VALUES (2, 12345.6789012345678901235, 0.5), "
          "(3, -0.0000000000000000005, 7), (4, 10000, 0);"));
  TARN_ASSERT_OK_AND_ASSIGN(auto source, Source::Open(config_));
  TARN_ASSERT_OK_AND_ASSIGN(ExtractRequest request, RequestFor(*source, "everything"));
  request.batch_rows = 3;  // two batches
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<std::string> rows, ReadAll(*source, request));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0],
            "1|-32768|2147483647|-1234567890.12|0.000000000000000001|"
            "99999999999999999999999999999999999999|1.5|-2.25e-300|true|héllo\n\"q\"|v|ab |00ff10|"
            "1969-07-20|23:59:59.999999|1999-12-31T23:59:59.000001|2026-11-21T08:04:05.500000Z|"
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11|{\"k\": [1, 2]}|{\"k\": [1, 2]}|ok|"
            "[\"x\",null,\"q\\\"uote\"]|12.34|4000000000");
  // Unconstrained numerics become decimal(38,18), rounding half away from zero.
  EXPECT_EQ(rows[1], "2|-|-|0.50|12345.678901234567890124|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-");
  EXPECT_EQ(rows[2], "3|-|-|7.00|-0.000000000000000001|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-");
  EXPECT_EQ(rows[3], "4|-|-|0.00|10000.000000000000000000|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-");

  // A value too large for decimal(38,18) names the column and the value.
  TARN_ASSERT_OK(Sql("INSERT INTO everything (id, nn) VALUES (5, 123456789012345678901.5)"));
  EXPECT_THAT(ReadAll(*source, request),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("column 'nn' of everything in source 'shop': value "
                                 "123456789012345678901.5 does not fit decimal(38,18)")));
  TARN_ASSERT_OK(Sql("UPDATE everything SET nn = 'NaN' WHERE id = 5"));
  EXPECT_THAT(ReadAll(*source, request),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("NaN has no decimal value")));
  TARN_ASSERT_OK(Sql("UPDATE everything SET nn = NULL, ts = 'infinity' WHERE id = 5"));
  EXPECT_THAT(ReadAll(*source, request),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("column 'ts' of everything in "
                                                               "source 'shop' holds infinity")));
  // The connection is still good after an abandoned read.
  TARN_ASSERT_OK(Sql("DELETE FROM everything WHERE id = 5"));
  TARN_ASSERT_OK_AND_ASSIGN(rows, ReadAll(*source, request));
  EXPECT_EQ(rows.size(), 4u);
}

TEST_F(PostgresSourceTest, RangesAreHalfOpenAndNullsGoToTheFirst) {
  TARN_ASSERT_OK(
      Sql("CREATE TABLE \"Events\" (\"Id\" int, \"at time\" timestamp, day date, "
          "\"select\" bigint);"
          "INSERT INTO \"Events\" VALUES (1, '2026-11-01 00:00:00', '2026-11-01', 10),"
          "(2, '2026-11-01 23:59:59.999999', '2026-11-01', 20),"
          "(3, '2026-11-02 00:00:00', '2026-11-02', NULL),"
          "(4, '2026-11-02 12:00:00', '2026-11-02', 40), (5, NULL, NULL, 50);"));
  TARN_ASSERT_OK_AND_ASSIGN(auto source, Source::Open(config_));
  TARN_ASSERT_OK_AND_ASSIGN(ExtractRequest request,
                            RequestFor(*source, "public.\"Events\"", {"Id"}));
  const DataType ts = MakeType(TypeId::kTimestamp);
  TARN_ASSERT_OK_AND_ASSIGN(int64_t nov1, ParseOrderable(ts, "2026-11-01"));
  TARN_ASSERT_OK_AND_ASSIGN(int64_t nov2, ParseOrderable(ts, "2026-11-02T00:00:00"));
  request.ranges = {{"at time", ts, nov1, nov2, false}};
  EXPECT_THAT(ReadAll(*source, request), IsOkAndHolds(std::vector<std::string>{"1", "2"}));
  request.ranges[0].lower = nov2;
  request.ranges[0].upper = nov2 + int64_t{86400} * 1000000;
  EXPECT_THAT(ReadAll(*source, request), IsOkAndHolds(std::vector<std::string>{"3", "4"}));
  // Dates, and a partition range that also takes NULLs.
  const DataType date = MakeType(TypeId::kDate);
  TARN_ASSERT_OK_AND_ASSIGN(int64_t day2, ParseOrderable(date, "2026-11-02"));
  request.ranges = {{"day", date, day2, std::nullopt, false},
                    {"select", MakeType(TypeId::kLong), std::nullopt, 41, true}};
  EXPECT_THAT(ReadAll(*source, request), IsOkAndHolds(std::vector<std::string>{"3", "4"}));
  request.ranges[1] = {"select", MakeType(TypeId::kLong), 41, std::nullopt, false};
  EXPECT_THAT(ReadAll(*source, request), IsOkAndHolds(std::vector<std::string>{}));

  const SourceRelation events = SourceRelation::Table("public.\"Events\"");
  TARN_ASSERT_OK_AND_ASSIGN(
      auto bounds,
      source->Bounds(events, {"select", MakeType(TypeId::kLong), std::nullopt, std::nullopt, false},
                     {{"at time", ts, nov1, nov2, false}}));
  EXPECT_EQ(bounds, std::make_pair(int64_t{10}, int64_t{20}));
  TARN_ASSERT_OK_AND_ASSIGN(
      bounds, source->Bounds(events, {"at time", ts, std::nullopt, std::nullopt, false}, {}));
  EXPECT_EQ(bounds, std::make_pair(nov1, nov2 + int64_t{12} * 3600 * 1000000));
  TARN_ASSERT_OK_AND_ASSIGN(
      bounds, source->Bounds(events, {"day", date, std::nullopt, std::nullopt, false}, {}));
  EXPECT_EQ(bounds, std::make_pair(day2 - 1, day2));
  TARN_ASSERT_OK_AND_ASSIGN(
      bounds,
      source->Bounds(events, {"Id", MakeType(TypeId::kInt), std::nullopt, std::nullopt, false},
                     {{"Id", MakeType(TypeId::kInt), 100, std::nullopt, false}}));
  EXPECT_EQ(bounds, std::nullopt);
  EXPECT_THAT(source->Extract({SourceRelation::Table("public.absent"), request.columns, {}, 1024}),
              StatusIs(StatusCode::kNotFound, HasSubstr("reading public.absent from source "
                                                        "'shop'")));
}

TEST_F(PostgresSourceTest, NamesThatNeedQuotingAndKeysInOrder) {
  TARN_ASSERT_OK(Sql(
      "CREATE SCHEMA \"Sales Dept\";"
      "CREATE TABLE \"Sales Dept\".\"Order\" (\"Line\" int, \"select\" int, \"group\" text, "
      "PRIMARY KEY (\"select\", \"Line\"));"
      "CREATE TABLE \"x\"\"; DROP TABLE public.keep; --\" (a int);"
      "CREATE TABLE keep (a int); INSERT INTO keep SELECT generate_series(1, 50); ANALYZE keep;"));
  TARN_ASSERT_OK_AND_ASSIGN(auto source, Source::Open(config_));
  TARN_ASSERT_OK_AND_ASSIGN(SourceTable order, source->Describe("\"Sales Dept\".\"Order\""));
  EXPECT_EQ(order.primary_key, (std::vector<std::string>{"select", "Line"}));
  EXPECT_EQ(order.columns[2].name, "group");
  TARN_ASSERT_OK_AND_ASSIGN(SourceTable hostile,
                            source->Describe("\"x\"\"; DROP TABLE public.keep; --\""));
  EXPECT_EQ(hostile.columns.size(), 1u);
  TARN_ASSERT_OK_AND_ASSIGN(SourceTable keep, source->Describe("keep"));
  EXPECT_EQ(keep.row_estimate, 50);
  TARN_ASSERT_OK_AND_ASSIGN(ExtractRequest request,
                            RequestFor(*source, "\"Sales Dept\".\"Order\""));
  TARN_ASSERT_OK(Sql("INSERT INTO \"Sales Dept\".\"Order\" VALUES (1, 2, 'g')"));
  EXPECT_THAT(ReadAll(*source, request), IsOkAndHolds(std::vector<std::string>{"1|2|g"}));
  TARN_ASSERT_OK_AND_ASSIGN(request, RequestFor(*source, "\"x\"\"; DROP TABLE public.keep; --\""));
  EXPECT_THAT(ReadAll(*source, request), IsOkAndHolds(std::vector<std::string>{}));
  TARN_ASSERT_OK_AND_ASSIGN(keep, source->Describe("keep"));
  EXPECT_THAT(source->Describe("public.absent"),
              StatusIs(StatusCode::kNotFound, "source 'shop' has no table public.absent"));
  // Lower-case unquoted names are not folded: "Order" is not order.
  EXPECT_THAT(source->Describe("\"Sales Dept\".order"), StatusIs(StatusCode::kNotFound));

  TARN_ASSERT_OK_AND_ASSIGN(std::vector<SourceTableName> all, source->ListTables(""));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].ToString(), "Sales Dept.Order");
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<SourceTableName> dept, source->ListTables("Sales Dept"));
  EXPECT_EQ(dept.size(), 1u);
}

TEST_F(PostgresSourceTest, QueriesAreDescribedAndReadLikeTables) {
  TARN_ASSERT_OK(
      Sql("CREATE DOMAIN money2 AS numeric(10,2);"
          "CREATE TABLE customers (id int PRIMARY KEY, region varchar(8));"
          "CREATE TABLE orders (id bigint, customer int, total money2, at timestamptz);"
          "INSERT INTO customers VALUES (1, 'north'), (2, 'south');"
          "INSERT INTO orders VALUES (10, 1, 5.25, '2026-11-01 10:00+00'), "
          "(11, 2, 7.50, '2026-11-02 00:00+00'), (12, 1, NULL, '2026-11-02 09:00+00');"));
  TARN_ASSERT_OK_AND_ASSIGN(auto source, Source::Open(config_));
  const SourceRelation joined = SourceRelation::Query(
      "SELECT o.id, c.region, o.total, o.at, (o.total * 2)::numeric(12,2) AS twice, "
      "o.total > 6 AS big\n"
      "FROM orders o JOIN customers c ON c.id = o.customer  -- a comment to the end\n;\n");
  TARN_ASSERT_OK_AND_ASSIGN(SourceTable t, source->DescribeRelation(joined));
  EXPECT_EQ(t.name.kind, "query");
  EXPECT_TRUE(t.primary_key.empty());
  std::vector<std::string> mapped;
  for (const SourceColumn& c : t.columns) {
    mapped.push_back(c.name + ":" + c.source_type + ":" +
                     (c.lake_type ? c.lake_type->ToString() : "-"));
  }
  // A domain arrives as its base type, a cast keeps its precision.
  EXPECT_EQ(mapped,
            (std::vector<std::string>{"id:bigint:long", "region:character varying(8):string",
                                      "total:numeric(10,2):decimal(10,2)",
                                      "at:timestamp with time zone:timestamptz",
                                      "twice:numeric(12,2):decimal(12,2)", "big:boolean:boolean"}));

  TARN_ASSERT_OK_AND_ASSIGN(ExtractRequest request, RequestFor(*source, joined));
  const DataType tstz = MakeType(TypeId::kTimestampTz);
  TARN_ASSERT_OK_AND_ASSIGN(int64_t nov2, ParseOrderable(tstz, "2026-11-02T00:00:00Z"));
  request.ranges = {{"at", tstz, nov2, std::nullopt, false}};
  EXPECT_THAT(ReadAll(*source, request),
              IsOkAndHolds(std::vector<std::string>{"11|south|7.50|2026-11-02T00:00:00Z|15.00|true",
                                                    "12|north|-|2026-11-02T09:00:00Z|-|-"}));
  EXPECT_THAT(
      source->Bounds(joined, {"id", MakeType(TypeId::kLong), std::nullopt, std::nullopt, false},
                     request.ranges),
      IsOkAndHolds(std::make_optional(std::make_pair(int64_t{11}, int64_t{12}))));

  // What a query cannot be: two statements, a write, a statement that is not a SELECT, a
  // result with two columns of one name, text that breaks out of the subquery.
  EXPECT_THAT(source->DescribeQuery("SELECT 1 AS a; DROP TABLE orders"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("describing the query of source 'shop': cannot insert "
                                 "multiple commands")));
  EXPECT_THAT(source->DescribeQuery("WITH gone AS (DELETE FROM orders RETURNING id) "
                                    "SELECT id FROM gone"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("data-modifying")));
  EXPECT_THAT(source->DescribeQuery("DELETE FROM orders"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("syntax error")));
  EXPECT_THAT(source->DescribeQuery("SELECT o.id, c.id FROM orders o, customers c"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("two columns are named 'id'; give them distinct aliases")));
  EXPECT_THAT(source->DescribeQuery("SELECT 1 AS id) AS q, (SELECT 2"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("syntax error")));
  EXPECT_THAT(source->DescribeQuery("SELECT * FROM absent"),
              StatusIs(StatusCode::kNotFound, HasSubstr("\"absent\" does not exist")));
  EXPECT_THAT(source->DescribeQuery(" ;\n "),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("the query is empty")));
  // The session is read-only: even a function that writes cannot.
  TARN_ASSERT_OK(
      Sql("CREATE FUNCTION wipe() RETURNS bigint LANGUAGE sql AS "
          "'DELETE FROM orders RETURNING 1'"));
  TARN_ASSERT_OK_AND_ASSIGN(request,
                            RequestFor(*source, SourceRelation::Query("SELECT wipe() AS n")));
  EXPECT_THAT(ReadAll(*source, request),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("read-only transaction")));
  TARN_ASSERT_OK_AND_ASSIGN(std::string count,
                            Server()->Psql(database_, "SELECT count(*) FROM orders"));
  EXPECT_EQ(count, "3\n");
}

TEST_F(PostgresSourceTest, PrivilegesAreReportedPerTable) {
  TARN_ASSERT_OK(
      Sql("CREATE TABLE open_t (a int); CREATE TABLE closed_t (a int);"
          "CREATE ROLE reader LOGIN; GRANT SELECT ON open_t TO reader;"));
  config_.uri = Server()->Uri(database_);
  config_.uri.replace(config_.uri.find("postgres@"), 9, "reader@");
  TARN_ASSERT_OK_AND_ASSIGN(auto source, Source::Open(config_));
  TARN_ASSERT_OK_AND_ASSIGN(SourceInfo info, source->Probe());
  EXPECT_EQ(info.user, "reader");
  EXPECT_THAT(info.server, ::testing::StartsWith("PostgreSQL 15"));
  EXPECT_GT(info.round_trip_ms, 0);
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<SourceTableName> tables, source->ListTables("public"));
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].name, "closed_t");
  EXPECT_FALSE(tables[0].can_select);
  EXPECT_TRUE(tables[1].can_select);
  TARN_ASSERT_OK_AND_ASSIGN(SourceTable closed, source->Describe("closed_t"));
  EXPECT_FALSE(closed.can_select);
}

TEST_F(PostgresSourceTest, ConnectionErrorsSayWhatFailed) {
  SourceConfig bad = config_;
  bad.uri = "postgresql://postgres@127.0.0.1:1/x";
  bad.connect_timeout_s = 2;
  EXPECT_THAT(Source::Open(bad),
              StatusIs(StatusCode::kUnavailable, HasSubstr("source 'shop' is unreachable")));
  bad.uri = Server()->Uri("no_such_db");
  EXPECT_THAT(Source::Open(bad),
              StatusIs(StatusCode::kNotFound, HasSubstr("\"no_such_db\" does not exist")));
  bad.uri = "postgresql://postgres:secret@127.0.0.1:1/x";
  EXPECT_THAT(Source::Open(bad),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("the URI holds a password")));
  bad.uri = "postgresql://[oops";
  EXPECT_THAT(Source::Open(bad), StatusIs(StatusCode::kInvalidArgument, HasSubstr("malformed")));
  bad = config_;
  bad.password = SecretRef::Parse("env:TARN_TEST_UNSET_PASSWORD").value();
  EXPECT_THAT(Source::Open(bad), StatusIs(StatusCode::kFailedPrecondition,
                                          HasSubstr("the password of source 'shop'")));
}

}  // namespace
}  // namespace tarn::testing
