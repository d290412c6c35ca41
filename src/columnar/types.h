// The value types of tarn's tables, named as Iceberg names them (spec "Schemas and Data Types"),
// so a schema written as text ("id:long,amount:decimal(12,2)?") reads the same in every layer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tarn {

using Int128 = __int128;

enum class TypeId {
  kBoolean,
  kInt,          // 32-bit signed
  kLong,         // 64-bit signed
  kFloat,        // IEEE 754 binary32
  kDouble,       // IEEE 754 binary64
  kDecimal,      // unscaled Int128 with precision (1..38) and scale (0..precision)
  kDate,         // days since 1970-01-01, int32
  kTime,         // microseconds since midnight, int64
  kTimestamp,    // microseconds since the epoch, no time zone, int64
  kTimestampTz,  // microseconds since the epoch, UTC, int64
  kString,       // UTF-8
  kBinary,
  kUuid,   // 16 bytes
  kFixed,  // `length` bytes
};

struct DataType {
  TypeId id = TypeId::kLong;
  int precision = 0;  // kDecimal
  int scale = 0;      // kDecimal
  int length = 0;     // kFixed

  static DataType Decimal(int precision, int scale) {
    return {TypeId::kDecimal, precision, scale, 0};
  }
  static DataType Fixed(int length) { return {TypeId::kFixed, 0, 0, length}; }

  bool operator==(const DataType&) const = default;
  // "long", "decimal(12,2)", "fixed[16]", ...
  std::string ToString() const;
};

inline DataType MakeType(TypeId id) { return DataType{id, 0, 0, 0}; }

// Decimal digits of an Int128, with a leading '-' when negative.
std::string Int128ToString(Int128 value);

// Parses the names ToString writes. kInvalidArgument names the text and the accepted names.
Result<DataType> ParseDataType(std::string_view text);

// How a type is held in memory by Column.
enum class StorageKind { kBool, kInt32, kInt64, kFloat, kDouble, kInt128, kBytes };
StorageKind StorageOf(TypeId id);

}  // namespace tarn
