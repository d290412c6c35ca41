// PostgreSQL sources on a real cluster this binary starts on loopback: every common type mapped
// (or refused with the reason), keys, privileges, names that need quoting, and the errors a user
// sees for an unreachable server, a missing database or table, and a password in the URI.
#include "connect/postgres_source.h"

#include <atomic>

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
