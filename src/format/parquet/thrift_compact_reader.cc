#include "format/parquet/thrift_compact_reader.h"

namespace tarn::parquet {
namespace {

constexpr size_t kMaxDepth = 64;

bool IsInteger(ThriftType t) {
  return t == ThriftType::kByte || t == ThriftType::kI16 || t == ThriftType::kI32 ||
         t == ThriftType::kI64;
}

}  // namespace

Status ThriftCompactReader::Error(const std::string& what) const {
  return Status::Corruption("thrift metadata at byte " + std::to_string(pos_) + ": " + what);
}

Result<uint64_t> ThriftCompactReader::Varint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos_ >= data_.size()) return Error("truncated varint");
    uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return Error("varint longer than 10 bytes");
}

Result<int64_t> ThriftCompactReader::ZigZag() {
  TARN_ASSIGN_OR_RETURN(uint64_t v, Varint());
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

Status ThriftCompactReader::Expect(ThriftType got, ThriftType want) {
  if (got == want) return Status::OK();
  return Error("field has type " + std::to_string(static_cast<int>(got)) + ", expected " +
               std::to_string(static_cast<int>(want)));
}

Status ThriftCompactReader::BeginStruct() {
  if (last_ids_.size() >= kMaxDepth) return Error("structs nested deeper than 64 levels");
  last_ids_.push_back(0);
  return Status::OK();
}

Result<bool> ThriftCompactReader::NextField(int16_t* id, ThriftType* type) {
  if (pos_ >= data_.size()) return Error("truncated struct");
  uint8_t header = static_cast<uint8_t>(data_[pos_++]);
  if (header == 0) return false;
  uint8_t t = header & 0x0F;
  if (t > static_cast<uint8_t>(ThriftType::kStruct)) {
    return Error("unknown field type " + std::to_string(t));
  }
  *type = static_cast<ThriftType>(t);
  uint8_t delta = header >> 4;
  if (delta != 0) {
    *id = static_cast<int16_t>(last_ids_.back() + delta);
  } else {
    TARN_ASSIGN_OR_RETURN(int64_t full, ZigZag());
    if (full < INT16_MIN || full > INT16_MAX) return Error("field id out of range");
    *id = static_cast<int16_t>(full);
  }
  last_ids_.back() = *id;
  return true;
}

Result<bool> ThriftCompactReader::ReadBool(ThriftType type) {
  if (type == ThriftType::kBoolTrue) return true;
  if (type == ThriftType::kBoolFalse) return false;
  return Error("expected a boolean field");
}

Result<int32_t> ThriftCompactReader::ReadI32(ThriftType type) {
  if (!IsInteger(type)) return Error("expected an integer field");
  if (type == ThriftType::kByte) {
    if (pos_ >= data_.size()) return Error("truncated byte");
    return static_cast<int32_t>(static_cast<int8_t>(data_[pos_++]));
  }
  TARN_ASSIGN_OR_RETURN(int64_t v, ZigZag());
  if (v < INT32_MIN || v > INT32_MAX) return Error("i32 value out of range");
  return static_cast<int32_t>(v);
}

Result<int64_t> ThriftCompactReader::ReadI64(ThriftType type) {
  if (!IsInteger(type)) return Error("expected an integer field");
  if (type == ThriftType::kByte) {
    TARN_ASSIGN_OR_RETURN(int32_t byte, ReadI32(type));
    return int64_t{byte};
  }
  return ZigZag();
}

Result<std::string> ThriftCompactReader::ReadBinary(ThriftType type) {
  TARN_RETURN_IF_ERROR(Expect(type, ThriftType::kBinary));
  return ReadElementBinary();
}

Result<std::string> ThriftCompactReader::ReadElementBinary() {
  TARN_ASSIGN_OR_RETURN(uint64_t length, Varint());
  if (length > data_.size() - pos_) {
    return Error("string of " + std::to_string(length) + " bytes runs past the end");
  }
  std::string value(data_.substr(pos_, length));
  pos_ += length;
  return value;
}

Result<int32_t> ThriftCompactReader::ReadElementI32() {
  TARN_ASSIGN_OR_RETURN(int64_t v, ZigZag());
  if (v < INT32_MIN || v > INT32_MAX) return Error("i32 value out of range");
  return static_cast<int32_t>(v);
}

Status ThriftCompactReader::ReadListHeader(ThriftType type, ThriftType* element, uint32_t* size) {
  if (type != ThriftType::kList && type != ThriftType::kSet) return Error("expected a list field");
  if (pos_ >= data_.size()) return Error("truncated list header");
  uint8_t header = static_cast<uint8_t>(data_[pos_++]);
  uint64_t count = header >> 4;
  if (count == 15) {
    TARN_ASSIGN_OR_RETURN(count, Varint());
  }
  uint8_t t = header & 0x0F;
  if (t > static_cast<uint8_t>(ThriftType::kStruct)) return Error("unknown list element type");
  // Every element takes at least one byte (booleans in lists too), so a count beyond the bytes
  // left is a lie, whatever it claims.
  if (count > data_.size() - pos_) {
    return Error("list of " + std::to_string(count) + " elements runs past the end");
  }
  *element = static_cast<ThriftType>(t);
  *size = static_cast<uint32_t>(count);
  return Status::OK();
}

Status ThriftCompactReader::Skip(ThriftType type) {
  if (++skip_depth_ > static_cast<int>(kMaxDepth)) return Error("values nested too deeply");
  Status status;
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      break;  // the value is in the header
    case ThriftType::kByte:
      if (pos_ >= data_.size()) {
        status = Error("truncated byte");
      } else {
        ++pos_;
      }
      break;
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      status = Varint().status();
      break;
    case ThriftType::kDouble:
      if (data_.size() - pos_ < 8) {
        status = Error("truncated double");
      } else {
        pos_ += 8;
      }
      break;
    case ThriftType::kBinary:
      status = ReadElementBinary().status();
      break;
    case ThriftType::kList:
    case ThriftType::kSet: {
      ThriftType element;
      uint32_t size = 0;
      status = ReadListHeader(type, &element, &size);
      for (uint32_t i = 0; status.ok() && i < size; ++i) {
        // Booleans inside lists are one byte each.
        status = (element == ThriftType::kBoolTrue || element == ThriftType::kBoolFalse)
                     ? Skip(ThriftType::kByte)
                     : Skip(element);
      }
      break;
    }
    case ThriftType::kMap: {
      TARN_ASSIGN_OR_RETURN(uint64_t size, Varint());
      if (size == 0) break;
      if (pos_ >= data_.size()) return Error("truncated map header");
      uint8_t types = static_cast<uint8_t>(data_[pos_++]);
      if (size > data_.size() - pos_) return Error("map runs past the end");
      for (uint64_t i = 0; status.ok() && i < size; ++i) {
        status = Skip(static_cast<ThriftType>(types >> 4));
        if (status.ok()) status = Skip(static_cast<ThriftType>(types & 0x0F));
      }
      break;
    }
    case ThriftType::kStruct: {
      status = BeginStruct();
      int16_t id;
      ThriftType field_type;
      while (status.ok()) {
        Result<bool> more = NextField(&id, &field_type);
        if (!more.ok()) {
          status = more.status();
        } else if (!*more) {
          break;
        } else {
          status = Skip(field_type);
        }
      }
      EndStruct();
      break;
    }
    case ThriftType::kStop:
      status = Error("unexpected stop");
      break;
  }
  --skip_depth_;
  return status;
}

}  // namespace tarn::parquet
