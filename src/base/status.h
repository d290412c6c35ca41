// Status and Result<T>: how every fallible boundary in tarn reports failure.
//
// Codes are chosen by what the caller should do next (see STYLE.md, "Errors"):
//   kInvalidArgument, kNotFound, kAlreadyExists, kFailedPrecondition  -> don't retry
//   kAborted            -> a commit conflict: re-read and retry the operation
//   kUnavailable        -> transient: retry the same call
//   kDeadlineExceeded, kPermissionDenied, kCorruption, kNotImplemented, kInternal
// An OK Status holds no allocation. Status and Result are not thread-safe to mutate,
// but const access from several threads is fine.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace tarn {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kAborted,
  kUnavailable,
  kDeadlineExceeded,
  kPermissionDenied,
  kCorruption,
  kNotImplemented,
  kInternal,
};

// "NotFound", "InvalidArgument", ...
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status Aborted(std::string msg) { return {StatusCode::kAborted, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status DeadlineExceeded(std::string msg) {
    return {StatusCode::kDeadlineExceeded, std::move(msg)};
  }
  static Status PermissionDenied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status NotImplemented(std::string msg) {
    return {StatusCode::kNotImplemented, std::move(msg)};
  }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message without the code name; empty when OK.
  const std::string& message() const;
  // "NotFound: reading 'x': no such key", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>". OK stays OK.
  // Add context once per layer, where the input at fault is known.
  Status WithContext(std::string_view context) const;

  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code() == StatusCode::kAlreadyExists; }
  bool IsUnavailable() const { return code() == StatusCode::kUnavailable; }

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  // REQUIRES: !status.ok(). An OK status without a value becomes kInternal.
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK Status");
  }
  // In place, so that a Result<std::optional<X>> made from std::nullopt holds an empty value.
  Result(T value)
      : value_(std::in_place, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U&&, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Status> &&
                                                    !std::is_same_v<std::decay_t<U>, T>>>
  Result(U&& value)  // NOLINT(google-explicit-constructor)
      : value_(std::in_place, std::forward<U>(value)) {}

  bool ok() const { return value_.has_value(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  // REQUIRES: ok().
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace tarn

#define TARN_STATUS_CONCAT_INNER(a, b) a##b
#define TARN_STATUS_CONCAT(a, b) TARN_STATUS_CONCAT_INNER(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define TARN_RETURN_IF_ERROR(expr) \
  TARN_RETURN_IF_ERROR_IMPL(TARN_STATUS_CONCAT(_tarn_status_, __LINE__), expr)
// The variable is named by line so that nested uses (inside lambdas) do not shadow each other.
#define TARN_RETURN_IF_ERROR_IMPL(status, expr) \
  do {                                          \
    ::tarn::Status status = (expr);             \
    if (!status.ok()) return status;            \
  } while (false)

// `lhs = value of expr` (a Result<T>), or returns its Status from the enclosing function.
#define TARN_ASSIGN_OR_RETURN(lhs, expr) \
  TARN_ASSIGN_OR_RETURN_IMPL(TARN_STATUS_CONCAT(_tarn_result_, __LINE__), lhs, expr)
#define TARN_ASSIGN_OR_RETURN_IMPL(result, lhs, expr)  \
  auto result = (expr);                                \
  if (!result.ok()) return std::move(result).status(); \
  lhs = std::move(result).value()

// Invariants of our own code (never file bytes, user input or network data).
#define TARN_DCHECK(cond)                                                   \
  do {                                                                      \
    if (!(cond)) ::tarn::internal::DcheckFailed(#cond, __FILE__, __LINE__); \
  } while (false)

namespace tarn::internal {
[[noreturn]] void DcheckFailed(const char* condition, const char* file, int line);
}  // namespace tarn::internal
