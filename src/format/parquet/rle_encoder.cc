#include "format/parquet/rle_encoder.h"

namespace tarn::parquet {
namespace {

void Varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Bit-packs values[begin, end) (a multiple of 8, padded by the caller) LSB first.
void BitPack(const std::vector<uint32_t>& values, size_t begin, size_t end, int bit_width,
             std::string* out) {
  Varint(((end - begin) / 8) << 1 | 1, out);
  uint64_t buffer = 0;
  int bits = 0;
  for (size_t i = begin; i < end; ++i) {
    buffer |= static_cast<uint64_t>(i < values.size() ? values[i] : 0) << bits;
    bits += bit_width;
    while (bits >= 8) {
      out->push_back(static_cast<char>(buffer & 0xFF));
      buffer >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out->push_back(static_cast<char>(buffer & 0xFF));
}

void RleRun(uint32_t value, size_t count, int bit_width, std::string* out) {
  Varint(count << 1, out);
  for (int byte = 0; byte < (bit_width + 7) / 8; ++byte) {
    out->push_back(static_cast<char>((value >> (8 * byte)) & 0xFF));
  }
}

}  // namespace

int BitWidth(uint64_t max_value) {
  int width = 0;
  while (max_value > 0) {
    ++width;
    max_value >>= 1;
  }
  return width;
}

void EncodeRleBitPacked(const std::vector<uint32_t>& values, int bit_width, std::string* out) {
  size_t literal_start = 0;  // values[literal_start, i) wait to be bit-packed
  size_t i = 0;
  while (i < values.size()) {
    size_t run_end = i + 1;
    while (run_end < values.size() && values[run_end] == values[i]) ++run_end;
    size_t pending = i - literal_start;
    // A long run becomes RLE after topping the pending literals up to a multiple of 8.
    size_t borrow = (8 - pending % 8) % 8;
    if (run_end - i >= 8 + borrow) {
      if (pending + borrow > 0) BitPack(values, literal_start, i + borrow, bit_width, out);
      RleRun(values[i], run_end - i - borrow, bit_width, out);
      literal_start = run_end;
    }
    i = run_end;
  }
  size_t pending = values.size() - literal_start;
  if (pending > 0) {
    BitPack(values, literal_start, literal_start + (pending + 7) / 8 * 8, bit_width, out);
  }
}

}  // namespace tarn::parquet
