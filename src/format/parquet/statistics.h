// Column statistics in Parquet's sense: null count, NaN count, and min / max under the column's
// type-defined sort order, held as PLAIN-encoded bytes (no length prefix for byte arrays).
//
// Orders: signed for integers, dates, times, timestamps and decimals (fixed-length decimals as
// big-endian two's complement); IEEE order without NaN for floats, writing -0.0 as a minimum of
// zero and +0.0 as a maximum of zero; false < true; unsigned bytes for strings, binary, uuid.
// Long byte-array bounds are truncated: the minimum to a prefix, the maximum to a prefix whose
// last character is incremented (staying valid UTF-8 for strings), both marked inexact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "format/parquet/parquet_types.h"

namespace tarn::parquet {

enum class ValueOrder {
  kBoolean,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kSignedBigEndian,  // FIXED_LEN_BYTE_ARRAY decimals
  kUnsignedBytes,
};

class StatisticsBuilder {
 public:
  explicit StatisticsBuilder(ValueOrder order, bool utf8) : order_(order), utf8_(utf8) {}

  void AddNulls(int64_t n) { null_count_ += n; }
  void AddNans(int64_t n) { nan_count_ += n; }
  // Offers one candidate minimum and maximum (PLAIN bytes), e.g. those of a slice of values.
  void Update(std::string_view min, std::string_view max);
  void Merge(const StatisticsBuilder& other);
  void Reset();

  int64_t null_count() const { return null_count_; }
  int64_t nan_count() const { return nan_count_; }
  bool has_min_max() const { return has_min_max_; }
  const std::string& min() const { return min_; }
  const std::string& max() const { return max_; }

  // The thrift Statistics, with byte-array bounds truncated to `truncate_length` bytes.
  Statistics ToThrift(size_t truncate_length) const;

 private:
  // <0, 0, >0 like memcmp, under order_.
  int Compare(std::string_view a, std::string_view b) const;

  ValueOrder order_;
  bool utf8_;
  int64_t null_count_ = 0;
  int64_t nan_count_ = 0;
  bool has_min_max_ = false;
  std::string min_;
  std::string max_;
};

// The shortest value >= every value with prefix `value[0, length)`, or nullopt when there is
// none (all 0xFF bytes, or only U+10FFFF characters). Exposed for tests.
std::optional<std::string> TruncateUpperBound(std::string_view value, size_t length, bool utf8);
std::string TruncateLowerBound(std::string_view value, size_t length, bool utf8);

}  // namespace tarn::parquet
