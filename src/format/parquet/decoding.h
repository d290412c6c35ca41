// Decoders for Parquet's encodings (Encodings.md), for untrusted bytes: each checks that the data
// holds what it claims before reading or allocating, and reports kCorruption otherwise.
// Values decode to PhysicalValues; byte arrays are views into the page buffer (or into
// `arena` when an encoding rebuilds them), so the buffer must outlive the views.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "format/parquet/parquet_types.h"

namespace tarn::parquet {

// The most values one page may claim; larger claims are refused rather than allocated.
inline constexpr int64_t kMaxPageValues = int64_t{1} << 24;

struct PhysicalValues {
  std::vector<uint8_t> bools;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<float> f32;
  std::vector<double> f64;
  std::vector<std::string_view> bytes;  // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96 (12 bytes)
  std::string arena;                    // storage for values rebuilt by DELTA_BYTE_ARRAY

  void Clear();
  // The number of values held (only one of the vectors is in use for a given type).
  size_t size() const;
};

// The RLE / bit-packing hybrid: exactly `count` values of `bit_width` (0..32) bits.
// Returns the bytes consumed.
Result<size_t> DecodeRleBitPacked(std::string_view data, int bit_width, size_t count,
                                  std::vector<uint32_t>* out);

// Decodes `count` values of `type` (and `type_length` for FIXED_LEN_BYTE_ARRAY) in `encoding`,
// appending to `out`. Dictionary encodings are not handled here (see DecodeDictionaryIndices).
Status DecodeValues(std::string_view data, Encoding encoding, PhysicalType type, int type_length,
                    size_t count, PhysicalValues* out);

// RLE_DICTIONARY / PLAIN_DICTIONARY data: a bit-width byte, then `count` indices, each checked
// against `dictionary_size`.
Status DecodeDictionaryIndices(std::string_view data, size_t count, size_t dictionary_size,
                               std::vector<uint32_t>* out);

// DELTA_BINARY_PACKED integers (int32 or int64 via wrapping arithmetic); returns bytes consumed.
Result<size_t> DecodeDeltaBinaryPacked(std::string_view data, size_t count,
                                       std::vector<int64_t>* out);

}  // namespace tarn::parquet
