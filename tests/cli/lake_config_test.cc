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

}  // namespace
}  // namespace tarn::testing
