// Parquet's bit-level encoders (Encodings.md).
//  - The RLE / bit-packing hybrid, for definition levels and dictionary indices. Runs of 8 or
//    more equal values become RLE runs; the rest go out in bit-packed groups of 8, the last
//    group padded with zeros (readers stop at the value count).
//  - DELTA_BINARY_PACKED, for integer columns whose neighbours are close (keys, timestamps).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tarn::parquet {

// Appends the encoding of `values` (each < 2^bit_width, bit_width 0..32) to `out`.
void EncodeRleBitPacked(const std::vector<uint32_t>& values, int bit_width, std::string* out);

// Appends the DELTA_BINARY_PACKED encoding of `values` to `out`: blocks of 128 values in four
// miniblocks of 32, as parquet-mr and Arrow write them. With `int32`, the values are INT32s and
// deltas wrap at 32 bits, so that no miniblock is wider than 32 bits (readers decoding INT32
// columns in 32-bit arithmetic depend on it).
void EncodeDeltaBinaryPacked(const std::vector<int64_t>& values, bool int32, std::string* out);

// The bit width needed for values up to `max_value`.
int BitWidth(uint64_t max_value);

}  // namespace tarn::parquet
