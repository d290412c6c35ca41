// `tarn init` and `tarn info` against a real PostgreSQL and a real S3 server on loopback.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "postgres_server.h"
#include "s3_server.h"
#include "server_environment.h"
#include "status_matchers.h"
#include "subprocess.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

const auto* const kPostgres =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment<PostgresServer>);
const auto* const kS3 = ::testing::AddGlobalTestEnvironment(new ServerEnvironment<S3Server>);
PostgresServer* Postgres() { return ServerEnvironment<PostgresServer>::server(); }
S3Server* S3() { return ServerEnvironment<S3Server>::server(); }

class CliIntegrationTest : public ::testing::Test {
 protected:
  ProcessResult Tarn(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    env.emplace("TARN_CONFIG", "");
    env.emplace("AWS_ACCESS_KEY_ID", S3Server::kAccessKey);
    env.emplace("AWS_SECRET_ACCESS_KEY", S3Server::kSecretKey);
    args.insert(args.begin(), TARN_BINARY);
    return RunProcess(args, dir_.path(), env);
  }
  TempDir dir_;
};

TEST_F(CliIntegrationTest, LakeOnS3WithMetadataInPostgres) {
  TARN_ASSERT_OK_AND_ASSIGN(std::string uri, Postgres()->CreateDatabase("cli_lake"));
  ProcessResult init =
      Tarn({"init", "s3://tarn-test/lakes/one", "--metadata", uri, "--s3-endpoint",
            S3()->endpoint(), "--s3-secret-access-key", "env:AWS_SECRET_ACCESS_KEY"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_THAT(init.out, HasSubstr("root      s3://tarn-test/lakes/one/"));
  ProcessResult info = Tarn({"info"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_THAT(info.out, HasSubstr("metadata  " + uri + " (schema version 5)"));
  EXPECT_THAT(info.out, HasSubstr("s3://tarn-test/lakes/one/ (reachable)"));
  // The catalog tables are where Spark, Trino and PyIceberg look for them.
  TARN_ASSERT_OK_AND_ASSIGN(std::string tables,
                            Postgres()->Psql("cli_lake", "SELECT count(*) FROM iceberg_tables"));
  EXPECT_EQ(tables, "0\n");
}

TEST_F(CliIntegrationTest, WrongS3SecretIsPermissionDenied) {
  ProcessResult result = Tarn({"init", "s3://tarn-test/denied", "--s3-endpoint", S3()->endpoint()},
                              {{"AWS_SECRET_ACCESS_KEY", "wrong"}});
  EXPECT_EQ(result.exit_code, 9);
  EXPECT_THAT(result.err,
              HasSubstr("tarn: error: S3 GET s3://tarn-test/denied/tarn-lake.json: access denied "
                        "(SignatureDoesNotMatch: "));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/tarn.yaml"));
}

TEST_F(CliIntegrationTest, UnreachableS3EndpointIsUnavailable) {
  std::string endpoint = "http://127.0.0.1:" + std::to_string(FreePort());
  ProcessResult result = Tarn({"init", "s3://tarn-test/x", "--s3-endpoint", endpoint});
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_EQ(result.err, "tarn: error: cannot reach S3 endpoint " + endpoint +
                            " (S3 GET s3://tarn-test/x/tarn-lake.json): Couldn't connect to "
                            "server; gave up after 4 attempts\n");
}

TEST_F(CliIntegrationTest, JsonLogsAreOneObjectPerLine) {
  std::string endpoint = "http://127.0.0.1:" + std::to_string(FreePort());
  ProcessResult result = Tarn({"--log-format", "json", "--log-level", "debug", "init",
                               "s3://tarn-test/x", "--s3-endpoint", endpoint});
  EXPECT_EQ(result.exit_code, 7);
  std::istringstream lines(result.err);
  std::string line;
  int retries = 0;
  while (std::getline(lines, line)) {
    if (line.starts_with("tarn: error: ")) continue;  // the one line for people
    nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(entry.is_object()) << line;
    EXPECT_TRUE(entry.contains("ts") && entry.contains("level") && entry.contains("msg")) << line;
    if (entry["msg"].get<std::string>().find("retry") != std::string::npos) ++retries;
    EXPECT_EQ(line.find("S3RVER"), std::string::npos) << "a secret reached the log: " << line;
  }
  EXPECT_EQ(retries, 3);  // 4 attempts, 3 retries, each logged at debug
}

TEST_F(CliIntegrationTest, UnreachablePostgresIsUnavailable) {
  std::string uri = "postgresql://tarn@127.0.0.1:" + std::to_string(FreePort()) + "/tarn";
  ProcessResult result = Tarn({"init", "lake", "--metadata", uri});
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_THAT(result.err, HasSubstr("tarn: error: cannot connect to metadata database '" + uri +
                                    "': connection to server at \"127.0.0.1\""));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/tarn.yaml"));
}

TEST_F(CliIntegrationTest, PostgresPasswordComesOnlyFromAReference) {
  TARN_ASSERT_OK_AND_ASSIGN(std::string uri, Postgres()->CreateDatabase("cli_secret"));
  ProcessResult result =
      Tarn({"init", "lake", "--metadata", uri, "--metadata-password", "env:TARN_TEST_DB_PASSWORD"},
           {{"TARN_TEST_DB_PASSWORD", "anything"}});  // trust auth ignores it
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ProcessResult unset = Tarn({"info"});
  EXPECT_EQ(unset.exit_code, 2);
  EXPECT_THAT(unset.err, HasSubstr("environment variable TARN_TEST_DB_PASSWORD is not set"));
}

}  // namespace
}  // namespace tarn::testing
