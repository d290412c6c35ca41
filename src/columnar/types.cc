#include "columnar/types.h"

#include <charconv>

namespace tarn {
namespace {

struct NamedType {
  std::string_view name;
  TypeId id;
};

constexpr NamedType kSimpleTypes[] = {
    {"boolean", TypeId::kBoolean},
    {"int", TypeId::kInt},
    {"long", TypeId::kLong},
    {"float", TypeId::kFloat},
    {"double", TypeId::kDouble},
    {"date", TypeId::kDate},
    {"time", TypeId::kTime},
    {"timestamp", TypeId::kTimestamp},
    {"timestamptz", TypeId::kTimestampTz},
    {"string", TypeId::kString},
    {"binary", TypeId::kBinary},
    {"uuid", TypeId::kUuid},
};

bool ParseInt(std::string_view text, int* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string Int128ToString(Int128 value) {
  bool negative = value < 0;
  unsigned __int128 magnitude = negative ? -static_cast<unsigned __int128>(value) : value;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude > 0);
  return negative ? "-" + digits : digits;
}

std::string DataType::ToString() const {
  if (id == TypeId::kDecimal) {
    return "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
  }
  if (id == TypeId::kFixed) return "fixed[" + std::to_string(length) + "]";
  for (const NamedType& t : kSimpleTypes) {
    if (t.id == id) return std::string(t.name);
  }
  return "unknown";
}

Result<DataType> ParseDataType(std::string_view text) {
  for (const NamedType& t : kSimpleTypes) {
    if (t.name == text) return MakeType(t.id);
  }
  if (text.starts_with("decimal(") && text.ends_with(")")) {
    std::string_view inner = text.substr(8, text.size() - 9);
    size_t comma = inner.find(',');
    int precision = 0;
    int scale = 0;
    if (comma != std::string_view::npos && ParseInt(inner.substr(0, comma), &precision) &&
        ParseInt(inner.substr(comma + 1), &scale)) {
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
        return Status::InvalidArgument("type '" + std::string(text) +
                                       "': precision must be 1..38 and scale 0..precision");
      }
      return DataType::Decimal(precision, scale);
    }
  }
  if (text.starts_with("fixed[") && text.ends_with("]")) {
    int length = 0;
    if (ParseInt(text.substr(6, text.size() - 7), &length) && length > 0) {
      return DataType::Fixed(length);
    }
  }
  return Status::InvalidArgument(
      "unknown type '" + std::string(text) +
      "' (expected boolean, int, long, float, double, decimal(P,S), date, time, timestamp, "
      "timestamptz, string, binary, uuid or fixed[N])");
}

StorageKind StorageOf(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
      return StorageKind::kBool;
    case TypeId::kInt:
    case TypeId::kDate:
      return StorageKind::kInt32;
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return StorageKind::kInt64;
    case TypeId::kFloat:
      return StorageKind::kFloat;
    case TypeId::kDouble:
      return StorageKind::kDouble;
    case TypeId::kDecimal:
      return StorageKind::kInt128;
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kUuid:
    case TypeId::kFixed:
      return StorageKind::kBytes;
  }
  return StorageKind::kBytes;
}

}  // namespace tarn
