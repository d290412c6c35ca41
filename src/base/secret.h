// Secret references: how a config names a password without containing it.
//
//   env:NAME   the value of environment variable NAME
//   file:PATH  the contents of PATH, one trailing newline removed (relative to the config's folder)
//
// A literal value is refused, so no password sits in tarn.yaml; a Secret never prints its
// bytes, so none reaches a log line by accident.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tarn {

// A resolved secret. Streaming it prints "***".
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  // The only way to the bytes: hand them straight to the library that needs them.
  const std::string& Reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

inline std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

class SecretRef {
 public:
  enum class Kind { kEnv, kFile };

  // Parses "env:NAME" or "file:PATH". A relative PATH is taken relative to `base_dir` when it is
  // not empty. Anything else is kInvalidArgument (and the message never repeats the text,
  // which may be a password).
  static Result<SecretRef> Parse(std::string_view text, std::string_view base_dir = {});
  // True when `text` looks like a reference (so callers can tell a literal from a typo).
  static bool LooksLikeReference(std::string_view text);

  // Reads the secret. kFailedPrecondition for an unset variable, kNotFound for a missing file.
  Result<Secret> Resolve() const;

  Kind kind() const { return kind_; }
  // "env:NAME" or "file:/abs/path": safe to print.
  std::string ToString() const;

 private:
  SecretRef(Kind kind, std::string name) : kind_(kind), name_(std::move(name)) {}
  Kind kind_;
  std::string name_;
};

}  // namespace tarn
