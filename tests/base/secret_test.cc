#include "base/secret.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "status_matchers.h"
#include "subprocess.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(SecretTest, ResolvesEnvironmentVariables) {
  setenv("TARN_TEST_SECRET", "s3cr3t", 1);
  TARN_ASSERT_OK_AND_ASSIGN(SecretRef ref, SecretRef::Parse("env:TARN_TEST_SECRET"));
  EXPECT_EQ(ref.ToString(), "env:TARN_TEST_SECRET");
  EXPECT_EQ(ref.Resolve().value().Reveal(), "s3cr3t");
  unsetenv("TARN_TEST_SECRET");
  EXPECT_THAT(ref.Resolve(), StatusIs(StatusCode::kFailedPrecondition,
                                      "secret reference 'env:TARN_TEST_SECRET': environment "
                                      "variable TARN_TEST_SECRET is not set"));
}

TEST(SecretTest, ResolvesFilesRelativeToTheConfig) {
  TempDir dir;
  std::ofstream(dir.path() + "/pw") << "from-file\n";
  TARN_ASSERT_OK_AND_ASSIGN(SecretRef ref, SecretRef::Parse("file:pw", dir.path()));
  EXPECT_EQ(ref.Resolve().value().Reveal(), "from-file");
  TARN_ASSERT_OK_AND_ASSIGN(SecretRef missing, SecretRef::Parse("file:nope", dir.path()));
  EXPECT_THAT(missing.Resolve(), StatusIs(StatusCode::kNotFound, HasSubstr("cannot read")));
}

TEST(SecretTest, LiteralsAreRefusedWithoutEchoingThem) {
  Result<SecretRef> ref = SecretRef::Parse("hunter2");
  EXPECT_THAT(ref, StatusIs(StatusCode::kInvalidArgument, HasSubstr("env:NAME or file:PATH")));
  EXPECT_THAT(ref.status().message(), Not(HasSubstr("hunter2")));
  EXPECT_THAT(SecretRef::Parse("env:BAD-NAME"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(SecretRef::Parse("env:"), StatusIs(StatusCode::kInvalidArgument));
}

TEST(SecretTest, PrintingASecretRevealsNothing) {
  std::ostringstream out;
  out << Secret("password123");
  EXPECT_EQ(out.str(), "***");
}

}  // namespace
}  // namespace tarn::testing
