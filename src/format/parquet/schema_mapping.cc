#include "format/parquet/schema_mapping.h"

#include <cmath>

namespace tarn::parquet {

int DecimalFixedLength(int precision) {
  // The fewest bytes n with 2^(8n - 1) > 10^precision.
  int n = 1;
  while ((8.0 * n - 1) * std::log10(2.0) < precision) ++n;
  return n;
}

SchemaElement LeafFor(const Field& field) {
  SchemaElement e;
  e.name = field.name;
  e.field_id = field.id;
  e.repetition = field.required ? Repetition::kRequired : Repetition::kOptional;
  const DataType& t = field.type;
  switch (t.id) {
    case TypeId::kBoolean:
      e.type = PhysicalType::kBoolean;
      break;
    case TypeId::kInt:
      e.type = PhysicalType::kInt32;
      break;
    case TypeId::kLong:
      e.type = PhysicalType::kInt64;
      break;
    case TypeId::kFloat:
      e.type = PhysicalType::kFloat;
      break;
    case TypeId::kDouble:
      e.type = PhysicalType::kDouble;
      break;
    case TypeId::kDecimal:
      if (t.precision <= 9) {
        e.type = PhysicalType::kInt32;
      } else if (t.precision <= 18) {
        e.type = PhysicalType::kInt64;
      } else {
        e.type = PhysicalType::kFixedLenByteArray;
        e.type_length = DecimalFixedLength(t.precision);
      }
      e.converted_type = ConvertedType::kDecimal;
      e.scale = t.scale;
      e.precision = t.precision;
      e.logical_type = {LogicalKind::kDecimal, t.scale, t.precision, false};
      break;
    case TypeId::kDate:
      e.type = PhysicalType::kInt32;
      e.converted_type = ConvertedType::kDate;
      e.logical_type.kind = LogicalKind::kDate;
      break;
    case TypeId::kTime:
      e.type = PhysicalType::kInt64;
      e.converted_type = ConvertedType::kTimeMicros;
      e.logical_type = {LogicalKind::kTime, 0, 0, false};
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      e.type = PhysicalType::kInt64;
      e.converted_type = ConvertedType::kTimestampMicros;
      e.logical_type = {LogicalKind::kTimestamp, 0, 0, t.id == TypeId::kTimestampTz};
      break;
    case TypeId::kString:
      e.type = PhysicalType::kByteArray;
      e.converted_type = ConvertedType::kUtf8;
      e.logical_type.kind = LogicalKind::kString;
      break;
    case TypeId::kBinary:
      e.type = PhysicalType::kByteArray;
      break;
    case TypeId::kUuid:
      e.type = PhysicalType::kFixedLenByteArray;
      e.type_length = 16;
      e.logical_type.kind = LogicalKind::kUuid;
      break;
    case TypeId::kFixed:
      e.type = PhysicalType::kFixedLenByteArray;
      e.type_length = t.length;
      break;
  }
  return e;
}

}  // namespace tarn::parquet
