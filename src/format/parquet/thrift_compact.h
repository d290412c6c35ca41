// The Thrift compact protocol (Apache Thrift "thrift-compact-protocol.md"), writing side: just
// enough to serialize Parquet's footer and page headers. Field ids are delta-encoded inside each
// struct; integers are zigzag varints; booleans live in the field header.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tarn::parquet {

// Compact protocol type codes.
enum class ThriftType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class ThriftCompactWriter {
 public:
  explicit ThriftCompactWriter(std::string* out) : out_(out) {}

  // Structs nest; each tracks its own last field id.
  void BeginStruct() { last_ids_.push_back(0); }
  void EndStruct() {
    out_->push_back(0);  // stop
    last_ids_.pop_back();
  }

  void FieldBool(int16_t id, bool value) {
    FieldHeader(id, value ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
  }
  void FieldI8(int16_t id, int8_t value) {
    FieldHeader(id, ThriftType::kByte);
    out_->push_back(static_cast<char>(value));
  }
  void FieldI16(int16_t id, int16_t value) {
    FieldHeader(id, ThriftType::kI16);
    Varint(ZigZag(value));
  }
  void FieldI32(int16_t id, int32_t value) {
    FieldHeader(id, ThriftType::kI32);
    Varint(ZigZag(value));
  }
  void FieldI64(int16_t id, int64_t value) {
    FieldHeader(id, ThriftType::kI64);
    Varint(ZigZag(value));
  }
  void FieldBinary(int16_t id, std::string_view value) {
    FieldHeader(id, ThriftType::kBinary);
    Binary(value);
  }
  // Follow with BeginStruct() ... EndStruct().
  void FieldStruct(int16_t id) { FieldHeader(id, ThriftType::kStruct); }
  // Follow with `size` elements written with the element functions below.
  void FieldList(int16_t id, ThriftType element, size_t size) {
    FieldHeader(id, ThriftType::kList);
    ListHeader(element, size);
  }

  // List elements.
  void ElementI32(int32_t value) { Varint(ZigZag(value)); }
  void ElementI64(int64_t value) { Varint(ZigZag(value)); }
  void ElementBinary(std::string_view value) { Binary(value); }

 private:
  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  void Binary(std::string_view value) {
    Varint(value.size());
    out_->append(value);
  }
  void FieldHeader(int16_t id, ThriftType type) {
    int16_t& last = last_ids_.back();
    int delta = id - last;
    if (delta > 0 && delta <= 15) {
      out_->push_back(static_cast<char>((delta << 4) | static_cast<uint8_t>(type)));
    } else {
      out_->push_back(static_cast<char>(type));
      Varint(ZigZag(id));
    }
    last = id;
  }
  void ListHeader(ThriftType element, size_t size) {
    if (size < 15) {
      out_->push_back(static_cast<char>((size << 4) | static_cast<uint8_t>(element)));
    } else {
      out_->push_back(static_cast<char>(0xF0 | static_cast<uint8_t>(element)));
      Varint(size);
    }
  }

  std::string* out_;
  std::vector<int16_t> last_ids_;
};

}  // namespace tarn::parquet
