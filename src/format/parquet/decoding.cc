#include "format/parquet/decoding.h"

#include <cstring>

namespace tarn::parquet {
namespace {

Status Corrupt(const std::string& what) { return Status::Corruption(what); }

// Reads LSB-first packed values of `width` bits.
uint64_t Unpack(std::string_view data, size_t index, int width) {
  uint64_t value = 0;
  size_t bit = index * static_cast<size_t>(width);
  for (int got = 0; got < width;) {
    size_t byte = bit / 8;
    int offset = static_cast<int>(bit % 8);
    int take = std::min(8 - offset, width - got);
    uint64_t bits = (static_cast<uint8_t>(data[byte]) >> offset) & ((1u << take) - 1);
    value |= bits << got;
    got += take;
    bit += static_cast<size_t>(take);
  }
  return value;
}

// Appends the first `count` values of a bit-packed run of `width` (<= 32) bits. Each value is
// one unaligned 64-bit load and a shift, while eight bytes remain; the tail goes bit by bit.
void UnpackRun(std::string_view packed, int width, size_t count, std::vector<uint32_t>* out) {
  size_t first = out->size();
  out->resize(first + count);
  uint32_t* dest = out->data() + first;
  const uint64_t mask = width == 32 ? 0xFFFFFFFFu : (uint64_t{1} << width) - 1;
  size_t i = 0;
  for (size_t bit = 0; i < count && bit / 8 + 8 <= packed.size();
       ++i, bit += static_cast<size_t>(width)) {
    uint64_t word;
    std::memcpy(&word, packed.data() + bit / 8, 8);  // Parquet is little-endian, as we are
    dest[i] = static_cast<uint32_t>((word >> (bit % 8)) & mask);
  }
  for (; i < count; ++i) dest[i] = static_cast<uint32_t>(Unpack(packed, i, width));
}

Result<uint64_t> Varint(std::string_view data, size_t* pos) {
  uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= data.size()) return Corrupt("truncated varint");
    uint8_t byte = static_cast<uint8_t>(data[(*pos)++]);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return Corrupt("varint longer than 10 bytes");
}

template <typename T>
Status PlainFixed(std::string_view data, size_t count, std::vector<T>* out) {
  if (count > data.size() / sizeof(T)) {
    return Corrupt("PLAIN data holds fewer than " + std::to_string(count) + " values");
  }
  if (count == 0) return Status::OK();  // (an all-null page: memcpy may not see null)
  size_t start = out->size();
  out->resize(start + count);
  std::memcpy(out->data() + start, data.data(), count * sizeof(T));
  return Status::OK();
}

template <typename T>
Status ByteStreamSplit(std::string_view data, size_t count, std::vector<T>* out) {
  if (count > data.size() / sizeof(T)) return Corrupt("BYTE_STREAM_SPLIT data is too short");
  for (size_t i = 0; i < count; ++i) {
    unsigned char bytes[sizeof(T)];
    for (size_t k = 0; k < sizeof(T); ++k)
      bytes[k] = static_cast<unsigned char>(data[k * count + i]);
    T value;
    std::memcpy(&value, bytes, sizeof(T));
    out->push_back(value);
  }
  return Status::OK();
}

}  // namespace

size_t PhysicalValues::size() const {
  return bools.size() + i32.size() + i64.size() + f32.size() + f64.size() + bytes.size();
}

void PhysicalValues::Clear() {
  bools.clear();
  i32.clear();
  i64.clear();
  f32.clear();
  f64.clear();
  bytes.clear();
  arena.clear();
}

Result<size_t> DecodeRleBitPacked(std::string_view data, int bit_width, size_t count,
                                  std::vector<uint32_t>* out) {
  if (bit_width < 0 || bit_width > 32) {
    return Corrupt("RLE bit width " + std::to_string(bit_width) + " is over 32");
  }
  size_t pos = 0;
  size_t value_bytes = static_cast<size_t>(bit_width + 7) / 8;
  size_t target = out->size() + count;
  while (out->size() < target) {
    TARN_ASSIGN_OR_RETURN(uint64_t header, Varint(data, &pos));
    size_t want = target - out->size();
    if (header & 1) {
      uint64_t groups = header >> 1;
      if (groups == 0 || groups > (data.size() - pos) / std::max(1, bit_width) + 1) {
        return Corrupt("bit-packed run of " + std::to_string(groups) + " groups runs past the end");
      }
      size_t values = static_cast<size_t>(groups) * 8;
      size_t bytes = static_cast<size_t>(groups) * static_cast<size_t>(bit_width);
      if (bytes > data.size() - pos) return Corrupt("bit-packed run runs past the end");
      std::string_view packed = data.substr(pos, bytes);
      UnpackRun(packed, bit_width, std::min(values, want), out);
      pos += bytes;
    } else {
      uint64_t run = header >> 1;
      if (run == 0) return Corrupt("RLE run of length 0");
      if (value_bytes > data.size() - pos) return Corrupt("RLE run value runs past the end");
      uint64_t value = 0;
      for (size_t b = 0; b < value_bytes; ++b) {
        value |= static_cast<uint64_t>(static_cast<uint8_t>(data[pos + b])) << (8 * b);
      }
      pos += value_bytes;
      if (bit_width < 32 && value >> bit_width)
        return Corrupt("RLE value wider than its bit width");
      out->insert(out->end(), static_cast<size_t>(std::min<uint64_t>(run, want)),
                  static_cast<uint32_t>(value));
    }
  }
  return pos;
}

Status DecodeDictionaryIndices(std::string_view data, size_t count, size_t dictionary_size,
                               std::vector<uint32_t>* out) {
  if (count == 0) return Status::OK();
  if (data.empty()) return Corrupt("dictionary-encoded data is empty");
  int width = static_cast<uint8_t>(data[0]);
  size_t start = out->size();
  TARN_RETURN_IF_ERROR(DecodeRleBitPacked(data.substr(1), width, count, out).status());
  for (size_t i = start; i < out->size(); ++i) {
    if ((*out)[i] >= dictionary_size) {
      return Corrupt("dictionary index " + std::to_string((*out)[i]) + " is out of range (" +
                     std::to_string(dictionary_size) + " entries)");
    }
  }
  return Status::OK();
}

Result<size_t> DecodeDeltaBinaryPacked(std::string_view data, size_t count,
                                       std::vector<int64_t>* out) {
  size_t pos = 0;
  TARN_ASSIGN_OR_RETURN(uint64_t block_size, Varint(data, &pos));
  TARN_ASSIGN_OR_RETURN(uint64_t miniblocks, Varint(data, &pos));
  TARN_ASSIGN_OR_RETURN(uint64_t total, Varint(data, &pos));
  TARN_ASSIGN_OR_RETURN(uint64_t first_zz, Varint(data, &pos));
  if (block_size == 0 || block_size % 128 != 0 || miniblocks == 0 || block_size % miniblocks != 0 ||
      (block_size / miniblocks) % 32 != 0 || block_size > 65536) {
    return Corrupt("DELTA_BINARY_PACKED header has block size " + std::to_string(block_size) +
                   " and " + std::to_string(miniblocks) + " miniblocks");
  }
  if (total < count) {
    return Corrupt("DELTA_BINARY_PACKED holds " + std::to_string(total) + " values, expected " +
                   std::to_string(count));
  }
  if (count == 0) return pos;
  // Every block takes at least its minimum delta and widths: refuse counts the bytes cannot
  // hold before reserving room for them.
  if ((count - 1 + block_size - 1) / block_size > (data.size() - pos) / (1 + miniblocks)) {
    return Corrupt("DELTA_BINARY_PACKED claims " + std::to_string(count) +
                   " values, more than its " + std::to_string(data.size()) + " bytes can hold");
  }
  out->reserve(out->size() + count);
  uint64_t value = (first_zz >> 1) ^ (~(first_zz & 1) + 1);
  out->push_back(static_cast<int64_t>(value));
  size_t per_miniblock = static_cast<size_t>(block_size / miniblocks);
  size_t have = 1;
  // Blocks follow until `total` values are known; bodies past the last needed one are absent.
  while (have < total) {
    TARN_ASSIGN_OR_RETURN(uint64_t min_zz, Varint(data, &pos));
    uint64_t min_delta = (min_zz >> 1) ^ (~(min_zz & 1) + 1);
    if (miniblocks > data.size() - pos)
      return Corrupt("DELTA_BINARY_PACKED widths run past the end");
    std::string_view widths = data.substr(pos, miniblocks);
    pos += miniblocks;
    for (size_t m = 0; m < miniblocks && have < total; ++m) {
      int width = static_cast<uint8_t>(widths[m]);
      if (width > 64)
        return Corrupt("DELTA_BINARY_PACKED bit width " + std::to_string(width) + " is over 64");
      size_t bytes = per_miniblock * static_cast<size_t>(width) / 8;
      if (bytes > data.size() - pos)
        return Corrupt("DELTA_BINARY_PACKED miniblock runs past the end");
      std::string_view packed = data.substr(pos, bytes);
      pos += bytes;
      // The values this miniblock adds to `out` (the rest are skipped), then those it holds.
      const size_t keep = std::min(per_miniblock, count > have ? count - have : 0);
      const size_t held = static_cast<size_t>(std::min<uint64_t>(per_miniblock, total - have));
      size_t i = 0;
      if (keep > 0) {
        size_t first = out->size();
        out->resize(first + keep);
        int64_t* dest = out->data() + first;
        if (width == 0) {
          for (; i < keep; ++i) dest[i] = static_cast<int64_t>(value += min_delta);
        } else if (width <= 56) {
          // One unaligned 64-bit load per value while eight bytes remain.
          const uint64_t mask = (uint64_t{1} << width) - 1;
          for (size_t bit = 0; i < keep && bit / 8 + 8 <= packed.size();
               ++i, bit += static_cast<size_t>(width)) {
            uint64_t word;
            std::memcpy(&word, packed.data() + bit / 8, 8);
            dest[i] = static_cast<int64_t>(value += min_delta + ((word >> (bit % 8)) & mask));
          }
        }
        for (; i < keep; ++i) {
          dest[i] = static_cast<int64_t>(value += min_delta + Unpack(packed, i, width));
        }
      }
      for (; i < held; ++i) value += min_delta + (width == 0 ? 0 : Unpack(packed, i, width));
      have += held;
    }
  }
  return pos;
}

Status DecodeValues(std::string_view data, Encoding encoding, PhysicalType type, int type_length,
                    size_t count, PhysicalValues* out) {
  switch (encoding) {
    case Encoding::kPlain:
      switch (type) {
        case PhysicalType::kBoolean: {
          if (count > data.size() * 8) return Corrupt("PLAIN booleans are too short");
          for (size_t i = 0; i < count; ++i) {
            out->bools.push_back((static_cast<uint8_t>(data[i / 8]) >> (i % 8)) & 1);
          }
          return Status::OK();
        }
        case PhysicalType::kInt32:
          return PlainFixed(data, count, &out->i32);
        case PhysicalType::kInt64:
          return PlainFixed(data, count, &out->i64);
        case PhysicalType::kFloat:
          return PlainFixed(data, count, &out->f32);
        case PhysicalType::kDouble:
          return PlainFixed(data, count, &out->f64);
        case PhysicalType::kInt96:
        case PhysicalType::kFixedLenByteArray: {
          size_t width = type == PhysicalType::kInt96 ? 12 : static_cast<size_t>(type_length);
          if (width == 0 || count > data.size() / width)
            return Corrupt("PLAIN fixed-length data is too short");
          for (size_t i = 0; i < count; ++i) out->bytes.push_back(data.substr(i * width, width));
          return Status::OK();
        }
        case PhysicalType::kByteArray: {
          size_t pos = 0;
          for (size_t i = 0; i < count; ++i) {
            if (data.size() - pos < 4) return Corrupt("PLAIN byte array length runs past the end");
            uint32_t length;
            std::memcpy(&length, data.data() + pos, 4);
            pos += 4;
            if (length > data.size() - pos) {
              return Corrupt("PLAIN byte array of " + std::to_string(length) +
                             " bytes runs past the end");
            }
            out->bytes.push_back(data.substr(pos, length));
            pos += length;
          }
          return Status::OK();
        }
      }
      break;
    case Encoding::kRle: {
      if (type != PhysicalType::kBoolean) break;
      if (data.size() < 4) return Corrupt("RLE booleans lack their length");
      uint32_t length;
      std::memcpy(&length, data.data(), 4);
      if (length > data.size() - 4) return Corrupt("RLE booleans run past the end");
      std::vector<uint32_t> bits;
      TARN_RETURN_IF_ERROR(DecodeRleBitPacked(data.substr(4, length), 1, count, &bits).status());
      for (uint32_t b : bits) out->bools.push_back(static_cast<uint8_t>(b));
      return Status::OK();
    }
    case Encoding::kDeltaBinaryPacked: {
      if (type == PhysicalType::kInt64) {
        return DecodeDeltaBinaryPacked(data, count, &out->i64).status();
      }
      if (type != PhysicalType::kInt32) break;
      std::vector<int64_t> values;
      TARN_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, count, &values).status());
      for (int64_t v : values) out->i32.push_back(static_cast<int32_t>(v));
      return Status::OK();
    }
    case Encoding::kDeltaLengthByteArray: {
      if (type != PhysicalType::kByteArray) break;
      std::vector<int64_t> lengths;
      TARN_ASSIGN_OR_RETURN(size_t pos, DecodeDeltaBinaryPacked(data, count, &lengths));
      for (int64_t length : lengths) {
        if (length < 0 || static_cast<uint64_t>(length) > data.size() - pos) {
          return Corrupt("DELTA_LENGTH_BYTE_ARRAY value runs past the end");
        }
        out->bytes.push_back(data.substr(pos, static_cast<size_t>(length)));
        pos += static_cast<size_t>(length);
      }
      return Status::OK();
    }
    case Encoding::kDeltaByteArray: {
      if (type != PhysicalType::kByteArray && type != PhysicalType::kFixedLenByteArray) break;
      std::vector<int64_t> prefixes;
      std::vector<int64_t> suffixes;
      TARN_ASSIGN_OR_RETURN(size_t pos, DecodeDeltaBinaryPacked(data, count, &prefixes));
      TARN_ASSIGN_OR_RETURN(size_t used,
                            DecodeDeltaBinaryPacked(data.substr(pos), count, &suffixes));
      pos += used;
      // Rebuild into the arena first, then take views (the arena may move while it grows).
      std::vector<std::pair<size_t, size_t>> spans;
      size_t previous_start = 0;
      size_t previous_length = 0;
      for (size_t i = 0; i < count; ++i) {
        int64_t prefix = prefixes[i];
        int64_t suffix = suffixes[i];
        if (prefix < 0 || static_cast<size_t>(prefix) > previous_length || suffix < 0 ||
            static_cast<uint64_t>(suffix) > data.size() - pos) {
          return Corrupt("DELTA_BYTE_ARRAY value " + std::to_string(i) + " is inconsistent");
        }
        size_t start = out->arena.size();
        std::string shared = out->arena.substr(previous_start, static_cast<size_t>(prefix));
        out->arena.append(shared);
        out->arena.append(data.substr(pos, static_cast<size_t>(suffix)));
        pos += static_cast<size_t>(suffix);
        previous_start = start;
        previous_length = out->arena.size() - start;
        spans.emplace_back(start, previous_length);
      }
      for (auto [start, length] : spans) {
        out->bytes.push_back(std::string_view(out->arena).substr(start, length));
      }
      return Status::OK();
    }
    case Encoding::kByteStreamSplit:
      switch (type) {
        case PhysicalType::kFloat:
          return ByteStreamSplit(data, count, &out->f32);
        case PhysicalType::kDouble:
          return ByteStreamSplit(data, count, &out->f64);
        case PhysicalType::kInt32:
          return ByteStreamSplit(data, count, &out->i32);
        case PhysicalType::kInt64:
          return ByteStreamSplit(data, count, &out->i64);
        case PhysicalType::kFixedLenByteArray: {
          size_t width = static_cast<size_t>(type_length);
          if (width == 0 || count > data.size() / width)
            return Corrupt("BYTE_STREAM_SPLIT data is too short");
          size_t start = out->arena.size();
          for (size_t i = 0; i < count; ++i) {
            for (size_t k = 0; k < width; ++k) out->arena.push_back(data[k * count + i]);
          }
          for (size_t i = 0; i < count; ++i) {
            out->bytes.push_back(std::string_view(out->arena).substr(start + i * width, width));
          }
          return Status::OK();
        }
        default:
          break;
      }
      break;
    default:
      break;
  }
  return Status::NotImplemented("encoding " + std::to_string(static_cast<int>(encoding)) +
                                " for physical type " + std::to_string(static_cast<int>(type)) +
                                " is not supported");
}

}  // namespace tarn::parquet
