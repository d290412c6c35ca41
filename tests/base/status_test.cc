#include "base/status.h"

#include "status_matchers.h"

namespace tarn::testing {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  TARN_ASSIGN_OR_RETURN(int half, Half(x));
  TARN_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  TARN_RETURN_IF_ERROR(Half(x).status());
  return Status::OK();
}

TEST(StatusTest, OkCarriesNoMessage) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.code(), StatusCode::kOk);
  EXPECT_EQ(ok.message(), "");
  EXPECT_EQ(ok.ToString(), "OK");
  EXPECT_TRUE(ok.WithContext("ignored").ok());
}

TEST(StatusTest, ErrorsKeepCodeMessageAndContext) {
  Status s = Status::NotFound("no such key").WithContext("reading 'x.parquet'");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "reading 'x.parquet': no such key");
  EXPECT_EQ(s.ToString(), "NotFound: reading 'x.parquet': no such key");
  Status copy = s;
  EXPECT_EQ(copy.ToString(), s.ToString());
}

TEST(StatusTest, MacrosPropagateTheFirstError) {
  EXPECT_EQ(Quarter(8).value_or(-1), 2);
  EXPECT_THAT(Quarter(6), StatusIs(StatusCode::kInvalidArgument, "3 is odd"));
  TARN_EXPECT_OK(CheckEven(4));
  EXPECT_THAT(CheckEven(5), StatusIs(StatusCode::kInvalidArgument));
}

TEST(StatusTest, ResultFromOkStatusIsAnInternalError) {
  Result<int> bad{Status::OK()};
  EXPECT_THAT(bad, StatusIs(StatusCode::kInternal));
}

TEST(StatusTest, EveryCodeHasAName) {
  for (int c = 0; c <= static_cast<int>(StatusCode::kInternal); ++c) {
    EXPECT_NE(StatusCodeName(static_cast<StatusCode>(c)), "Unknown");
  }
}

}  // namespace
}  // namespace tarn::testing
