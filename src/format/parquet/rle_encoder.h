// The RLE / bit-packing hybrid of Parquet's Encodings.md, used for definition levels (and later
// dictionary indices). Runs of 8 or more equal values become RLE runs; the rest go out in
// bit-packed groups of 8, the last group padded with zeros (readers stop at the value count).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tarn::parquet {

// Appends the encoding of `values` (each < 2^bit_width, bit_width 0..32) to `out`.
void EncodeRleBitPacked(const std::vector<uint32_t>& values, int bit_width, std::string* out);

// The bit width needed for values up to `max_value`.
int BitWidth(uint64_t max_value);

}  // namespace tarn::parquet
