// gMock matchers for Status and Result<T>: EXPECT_THAT(s, IsOk()),
// EXPECT_THAT(r, StatusIs(StatusCode::kNotFound, HasSubstr("x.parquet"))),
// EXPECT_THAT(r, IsOkAndHolds(42)).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status.h"

namespace tarn::testing {

inline const Status& GetStatus(const Status& status) { return status; }
template <typename T>
const Status& GetStatus(const Result<T>& result) {
  static const Status kOk;
  return result.ok() ? kOk : result.status();
}

MATCHER(IsOk, "is OK") {
  const Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status.ToString();
  return status.ok();
}

MATCHER_P(StatusIs, code, "has code " + std::string(StatusCodeName(code))) {
  const Status& status = GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  return status.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher, "has code " + std::string(StatusCodeName(code))) {
  const Status& status = GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  return status.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, status.message(), result_listener);
}

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a value that matches") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status().ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace tarn::testing

#define TARN_ASSERT_OK(expr) ASSERT_THAT((expr), ::tarn::testing::IsOk())
#define TARN_EXPECT_OK(expr) EXPECT_THAT((expr), ::tarn::testing::IsOk())
// Declares `lhs` from a Result, failing the test when it is not OK.
#define TARN_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  TARN_ASSERT_OK_AND_ASSIGN_IMPL(TARN_STATUS_CONCAT(_result_, __LINE__), lhs, expr)
#define TARN_ASSERT_OK_AND_ASSIGN_IMPL(result, lhs, expr) \
  auto result = (expr);                                   \
  ASSERT_THAT(result, ::tarn::testing::IsOk());           \
  lhs = std::move(result).value()
