#include "cli/lake_config.h"

#include <cstdlib>

#include "status_matchers.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

TEST(LakeConfigTest, RelativePathsAreRelativeToTheFile) {
  TARN_ASSERT_OK_AND_ASSIGN(
      LakeConfig config,
      ParseLakeConfig("lake:\n  root: lake\nmetadata:\n  uri: sqlite:lake/tarn.db\n",
                      "/etc/tarn/tarn.yaml"));
  EXPECT_EQ(config.root, "/etc/tarn/lake");
  EXPECT_EQ(config.metadata.uri, "sqlite:/etc/tarn/lake/tarn.db");
  EXPECT_EQ(config.catalog_name, "tarn");
  EXPECT_FALSE(config.is_s3());
}

TEST(LakeConfigTest, S3SectionAndEnvironmentCombine) {
  setenv("TARN_TEST_S3_SECRET", "shh", 1);
  setenv("AWS_REGION", "eu-west-3", 1);
  TARN_ASSERT_OK_AND_ASSIGN(
      LakeConfig config,
      ParseLakeConfig("lake:\n  root: s3://bucket/lake\n  catalog_name: prod\nmetadata:\n"
                      "  uri: postgresql://tarn@db/tarn\ns3:\n  endpoint: http://127.0.0.1:9000\n"
                      "  addressing: path\n  access_key_id: AKID\n"
                      "  secret_access_key: env:TARN_TEST_S3_SECRET\n  part_size_mb: 16\n",
                      "/x/tarn.yaml"));
  unsetenv("AWS_REGION");
  EXPECT_TRUE(config.is_s3());
  EXPECT_EQ(config.root, "s3://bucket/lake");
  EXPECT_EQ(config.catalog_name, "prod");
  EXPECT_EQ(config.s3.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(config.s3.region, "eu-west-3");
  EXPECT_EQ(config.s3.addressing, S3Addressing::kPath);
  EXPECT_EQ(config.s3.credentials.access_key_id, "AKID");
  EXPECT_EQ(config.s3.credentials.secret_access_key.Reveal(), "shh");
  EXPECT_EQ(config.s3.part_size, uint64_t{16} << 20);
}

TEST(LakeConfigTest, BadValuesNameTheirPlace) {
  EXPECT_THAT(ParseLakeConfig("lake:\n  root: lake\nmetadata:\n  uri: sqlite:x\ns3:\n"
                              "  addressing: sideways\n",
                              "/x/tarn.yaml"),
              StatusIs(StatusCode::kInvalidArgument,
                       "/x/tarn.yaml:6:15: 's3.addressing': expected path, virtual or auto, got "
                       "'sideways'"));
  EXPECT_THAT(
      ParseLakeConfig("lake:\n  root: lake\nmetadata:\n  uri: sqlite:x\ns3:\n"
                      "  secret_access_key: env:TARN_UNSET_VARIABLE_X\n",
                      "/x/tarn.yaml"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("TARN_UNSET_VARIABLE_X is not set")));
  EXPECT_THAT(ParseLakeConfig("lake:\n  root: ftp://x\nmetadata:\n  uri: sqlite:x\n", "/x/t.yaml"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected a folder or s3://")));
}

TEST(LakeConfigTest, SourcesKeepTheirSecretsAsReferences) {
  const std::string head = "lake:\n  root: lake\nmetadata:\n  uri: sqlite:x\nsources:\n";
  TARN_ASSERT_OK_AND_ASSIGN(
      LakeConfig config,
      ParseLakeConfig(head + "  shop:\n    kind: postgresql\n    uri: postgresql://r@db/shop\n"
                             "    password: env:TARN_UNSET_VARIABLE_Y\n    connect_timeout_s: 3\n"
                             "  bank:\n    kind: sqlite\n    path: data/bank.db\n",
                      "/x/tarn.yaml"));
  ASSERT_EQ(config.sources.size(), 2u);
  EXPECT_EQ(config.sources[0].name, "shop");
  EXPECT_EQ(config.sources[0].kind, SourceKind::kPostgres);
  // Not resolved yet: a command that never uses the source does not need the variable.
  EXPECT_EQ(config.sources[0].password->ToString(), "env:TARN_UNSET_VARIABLE_Y");
  EXPECT_EQ(config.sources[0].connect_timeout_s, 3);
  EXPECT_EQ(config.sources[1].path, "/x/data/bank.db");
  TARN_ASSERT_OK_AND_ASSIGN(const SourceConfig* bank, config.FindSource("bank"));
  EXPECT_EQ(bank->kind, SourceKind::kSqlite);
  EXPECT_THAT(
      config.FindSource("crm"),
      StatusIs(StatusCode::kNotFound, "no source 'crm' in /x/tarn.yaml (sources: shop, bank)"));

  auto error = [&](const std::string& sources) {
    Result<LakeConfig> parsed = ParseLakeConfig(head + sources, "/x/tarn.yaml");
    return parsed.ok() ? std::string("ok") : parsed.status().message();
  };
  EXPECT_EQ(error("  bank:\n    kind: sqlite\n    path: b.db\n    user: me\n"),
            "/x/tarn.yaml:9:5: unknown key 'user' in 'sources.bank' (expected one of: kind, uri, "
            "path, password, connect_timeout_s)");
  EXPECT_THAT(error("  bank:\n    kind: oracle\n"), HasSubstr("expected postgresql or sqlite"));
  EXPECT_THAT(error("  Bank-1:\n    kind: sqlite\n    path: b.db\n"),
              HasSubstr("a source name is 1 to 63 lower-case letters"));
  EXPECT_THAT(error("  shop:\n    kind: postgresql\n    uri: mysql://x\n"),
              HasSubstr("needs uri: postgresql://"));
  EXPECT_THAT(error("  shop:\n    kind: postgresql\n    uri: postgresql://x/y\n"
                    "    password: hunter2\n"),
              HasSubstr("9:15: 'sources.shop.password': a literal secret is not accepted"));
}

}  // namespace
}  // namespace tarn::testing
