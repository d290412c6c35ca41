#include "format/parquet/encoders.h"

#include <algorithm>
#include <cstdint>

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

void EncodeDeltaBinaryPacked(const std::vector<int64_t>& values, bool int32, std::string* out) {
  constexpr size_t kBlock = 128, kMiniblocks = 4, kPerMiniblock = kBlock / kMiniblocks;
  auto zigzag = [](int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  };
  Varint(kBlock, out);
  Varint(kMiniblocks, out);
  Varint(values.size(), out);
  Varint(zigzag(values.empty() ? 0 : values[0]), out);
  int64_t deltas[kBlock];
  for (size_t first = 1; first < values.size(); first += kBlock) {
    const size_t n = std::min(kBlock, values.size() - first);
    // Deltas wrap (two's complement), as the decoder's additions do.
    int64_t min_delta = INT64_MAX;
    for (size_t i = 0; i < n; ++i) {
      uint64_t d =
          static_cast<uint64_t>(values[first + i]) - static_cast<uint64_t>(values[first + i - 1]);
      deltas[i] = int32 ? static_cast<int32_t>(static_cast<uint32_t>(d)) : static_cast<int64_t>(d);
      min_delta = std::min(min_delta, deltas[i]);
    }
    Varint(zigzag(min_delta), out);
    // Each miniblock's width; those past the last value are present, zero, and have no body.
    uint64_t relative[kBlock] = {};
    int widths[kMiniblocks] = {};
    for (size_t i = 0; i < n; ++i) {
      relative[i] = static_cast<uint64_t>(deltas[i]) - static_cast<uint64_t>(min_delta);
      widths[i / kPerMiniblock] = std::max(widths[i / kPerMiniblock], BitWidth(relative[i]));
    }
    for (int width : widths) out->push_back(static_cast<char>(width));
    for (size_t m = 0; m * kPerMiniblock < n; ++m) {
      const int width = widths[m];
      if (width == 0) continue;
      // LSB first; 32 values of any width end on a byte boundary.
      unsigned __int128 buffer = 0;
      int bits = 0;
      for (size_t i = m * kPerMiniblock; i < (m + 1) * kPerMiniblock; ++i) {
        buffer |= static_cast<unsigned __int128>(relative[i]) << bits;
        bits += width;
        while (bits >= 8) {
          out->push_back(static_cast<char>(static_cast<uint8_t>(buffer)));
          buffer >>= 8;
          bits -= 8;
        }
      }
    }
  }
}

}  // namespace tarn::parquet
