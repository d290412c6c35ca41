#include <atomic>
#include <fstream>

#include "database_conformance.h"
#include "meta/postgres_database.h"
#include "status_matchers.h"
#include "subprocess.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

TempDir& Dir() {
  static TempDir dir;  // removed at exit
  return dir;
}

std::string FreshSqlite() {
  static std::atomic<int> counter{0};
  return "sqlite:" + Dir().path() + "/db" + std::to_string(++counter) + ".db";
}

INSTANTIATE_TEST_SUITE_P(Sqlite, DatabaseConformance,
                         ::testing::Values(DatabaseFactory{"Sqlite", FreshSqlite}),
                         DatabaseFactoryName);

TEST(SqliteDatabaseTest, ForeignFileIsCorruption) {
  std::string path = Dir().path() + "/not-a-db";
  std::ofstream(path) << std::string(5000, 'x');
  EXPECT_THAT(Database::Open({.uri = "sqlite:" + path}),
              StatusIs(StatusCode::kCorruption, HasSubstr("file is not a database")));
}

TEST(SqliteDatabaseTest, MissingFolderIsUnavailableNamingThePath) {
  EXPECT_THAT(Database::Open({.uri = "sqlite:" + Dir().path() + "/missing/dir/tarn.db"}),
              StatusIs(StatusCode::kUnavailable,
                       "cannot open metadata database 'sqlite:" + Dir().path() +
                           "/missing/dir/tarn.db': unable to open database file"));
}

TEST(SqliteDatabaseTest, UsesWriteAheadLogging) {
  TARN_ASSERT_OK_AND_ASSIGN(auto db, Database::Open({.uri = FreshSqlite()}));
  TARN_ASSERT_OK_AND_ASSIGN(QueryResult mode, db->Execute("PRAGMA journal_mode"));
  EXPECT_EQ(mode.GetString(0, 0).value_or(""), "wal");
}

TEST(DatabaseTest, UnknownSchemeIsInvalidArgument) {
  EXPECT_THAT(Database::Open({.uri = "mysql://x"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected sqlite:PATH")));
}

TEST(PostgresPlaceholderTest, RewritesOnlyOutsideQuotes) {
  EXPECT_EQ(ToPostgresPlaceholders("SELECT ?, '?', \"a?\", ? FROM t WHERE x = 'it''s?' AND y = ?"),
            "SELECT $1, '?', \"a?\", $2 FROM t WHERE x = 'it''s?' AND y = $3");
}

}  // namespace
}  // namespace tarn::testing
