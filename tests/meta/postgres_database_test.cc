// The metadata database on a real PostgreSQL cluster that this binary starts on loopback.
#include <atomic>

#include "database_conformance.h"
#include "postgres_server.h"
#include "server_environment.h"
#include "status_matchers.h"
#include "subprocess.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment<PostgresServer>);
PostgresServer* Server() { return ServerEnvironment<PostgresServer>::server(); }

std::string FreshPostgres() {
  static std::atomic<int> counter{0};
  Result<std::string> uri = Server()->CreateDatabase("t" + std::to_string(++counter));
  EXPECT_TRUE(uri.ok()) << uri.status().ToString();
  return uri.value_or("");
}

INSTANTIATE_TEST_SUITE_P(Postgres, DatabaseConformance,
                         ::testing::Values(DatabaseFactory{"Postgres", FreshPostgres}),
                         DatabaseFactoryName);

TEST(PostgresDatabaseTest, UnreachableServerIsUnavailableNamingTheUri) {
  int port = FreePort();
  std::string uri = "postgresql://tarn@127.0.0.1:" + std::to_string(port) + "/tarn";
  EXPECT_THAT(
      Database::Open({.uri = uri}),
      StatusIs(StatusCode::kUnavailable, "cannot connect to metadata database '" + uri +
                                             "': connection to server at \"127.0.0.1\", port " +
                                             std::to_string(port) + " failed: Connection refused"));
}

TEST(PostgresDatabaseTest, PasswordInsideTheUriIsRefused) {
  EXPECT_THAT(Database::Open({.uri = "postgresql://tarn:hunter2@127.0.0.1:1/tarn"}),
              StatusIs(StatusCode::kInvalidArgument,
                       "metadata database URI contains a password; remove it and set "
                       "metadata.password to env:NAME or file:PATH"));
}

TEST(PostgresDatabaseTest, UnknownRoleIsPermissionDeniedAndMissingDatabaseNotFound) {
  std::string base = "postgresql://nobody@127.0.0.1:" + std::to_string(Server()->port());
  EXPECT_THAT(Database::Open({.uri = base + "/postgres"}),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("role \"nobody\" does not exist")));
  std::string missing = Server()->Uri("no_such_db");
  EXPECT_THAT(Database::Open({.uri = missing}),
              StatusIs(StatusCode::kNotFound, HasSubstr("database \"no_such_db\" does not exist")));
}

}  // namespace
}  // namespace tarn::testing
