// A benchmark stops at the first failure, saying what failed: Check(result, "what") returns the
// value or ends the process.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "base/status.h"

template <typename T>
T Check(tarn::Result<T> result, const char* what) {
  if (!result.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, result.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(result).value();
}

inline void Check(const tarn::Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
    std::exit(1);
  }
}
