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

Result<ReadLeaf> FieldFor(const SchemaElement& e, int32_t position) {
  ReadLeaf out;
  out.field.name = e.name;
  out.field.id = e.field_id.value_or(position);
  out.field.required = e.repetition.value_or(Repetition::kOptional) == Repetition::kRequired;
  const LogicalType& logical = e.logical_type;
  auto converted = [&](ConvertedType c) { return e.converted_type && *e.converted_type == c; };
  auto unsupported = [&](const std::string& what) {
    return Status::NotImplemented("column '" + e.name + "' has " + what +
                                  ", which tarn cannot read yet");
  };
  bool decimal = logical.kind == LogicalKind::kDecimal || converted(ConvertedType::kDecimal);
  int precision =
      logical.kind == LogicalKind::kDecimal ? logical.precision : e.precision.value_or(0);
  int scale = logical.kind == LogicalKind::kDecimal ? logical.scale : e.scale.value_or(0);
  if (decimal && (precision < 1 || precision > 38 || scale < 0 || scale > precision)) {
    return Status::Corruption("column '" + e.name + "' has decimal(" + std::to_string(precision) +
                              "," + std::to_string(scale) + ")");
  }
  if (!e.type) return Status::Corruption("column '" + e.name + "' has no physical type");
  switch (*e.type) {
    case PhysicalType::kBoolean:
      out.field.type = MakeType(TypeId::kBoolean);
      break;
    case PhysicalType::kInt32:
      if (decimal) {
        out.field.type = DataType::Decimal(precision, scale);
        out.conversion = Conversion::kIntToDecimal;
      } else if (logical.kind == LogicalKind::kDate || converted(ConvertedType::kDate)) {
        out.field.type = MakeType(TypeId::kDate);
      } else if (logical.kind == LogicalKind::kTime || converted(ConvertedType::kTimeMillis)) {
        out.field.type = MakeType(TypeId::kTime);
        out.conversion = Conversion::kMillisToMicros;
      } else if ((logical.kind == LogicalKind::kInteger && !logical.is_signed &&
                  logical.bit_width == 32) ||
                 converted(ConvertedType::kUint32)) {
        out.field.type = MakeType(TypeId::kLong);
        out.conversion = Conversion::kUnsignedToLong;
      } else {
        out.field.type = MakeType(TypeId::kInt);
      }
      break;
    case PhysicalType::kInt64: {
      bool timestamp = logical.kind == LogicalKind::kTimestamp ||
                       converted(ConvertedType::kTimestampMillis) ||
                       converted(ConvertedType::kTimestampMicros);
      bool time = logical.kind == LogicalKind::kTime || converted(ConvertedType::kTimeMicros);
      TimeUnit unit = logical.kind == LogicalKind::kTimestamp || logical.kind == LogicalKind::kTime
                          ? logical.unit
                          : (converted(ConvertedType::kTimestampMillis) ? TimeUnit::kMillis
                                                                        : TimeUnit::kMicros);
      if (decimal) {
        out.field.type = DataType::Decimal(precision, scale);
        out.conversion = Conversion::kIntToDecimal;
      } else if (timestamp) {
        // Legacy TIMESTAMP_* converted types mean UTC-adjusted instants.
        bool utc = logical.kind == LogicalKind::kTimestamp ? logical.adjusted_to_utc : true;
        out.field.type = MakeType(utc ? TypeId::kTimestampTz : TypeId::kTimestamp);
      } else if (time) {
        out.field.type = MakeType(TypeId::kTime);
      } else if ((logical.kind == LogicalKind::kInteger && !logical.is_signed) ||
                 converted(ConvertedType::kUint64)) {
        out.field.type = DataType::Decimal(20, 0);
        out.conversion = Conversion::kUnsignedToDecimal;
      } else {
        out.field.type = MakeType(TypeId::kLong);
      }
      if ((timestamp || time) && !decimal) {
        if (unit == TimeUnit::kMillis) out.conversion = Conversion::kMillisToMicros;
        if (unit == TimeUnit::kNanos) out.conversion = Conversion::kNanosToMicros;
      }
      break;
    }
    case PhysicalType::kInt96:
      out.field.type = MakeType(TypeId::kTimestamp);
      out.conversion = Conversion::kInt96ToMicros;
      break;
    case PhysicalType::kFloat:
      out.field.type = MakeType(TypeId::kFloat);
      break;
    case PhysicalType::kDouble:
      out.field.type = MakeType(TypeId::kDouble);
      break;
    case PhysicalType::kByteArray:
      if (decimal) {
        out.field.type = DataType::Decimal(precision, scale);
        out.conversion = Conversion::kBytesToDecimal;
      } else if (logical.kind == LogicalKind::kString || logical.kind == LogicalKind::kEnum ||
                 logical.kind == LogicalKind::kJson || converted(ConvertedType::kUtf8) ||
                 converted(ConvertedType::kEnum) || converted(ConvertedType::kJson)) {
        out.field.type = MakeType(TypeId::kString);
      } else {
        out.field.type = MakeType(TypeId::kBinary);
      }
      break;
    case PhysicalType::kFixedLenByteArray: {
      int length = e.type_length.value_or(0);
      if (length <= 0) return Status::Corruption("column '" + e.name + "' has no fixed length");
      if (decimal) {
        if (length > 16) return unsupported("a " + std::to_string(length) + "-byte decimal");
        out.field.type = DataType::Decimal(precision, scale);
        out.conversion = Conversion::kBytesToDecimal;
      } else if (logical.kind == LogicalKind::kUuid && length == 16) {
        out.field.type = MakeType(TypeId::kUuid);
      } else {
        out.field.type = DataType::Fixed(length);
      }
      break;
    }
    default:
      return Status::Corruption("column '" + e.name + "' has unknown physical type " +
                                std::to_string(static_cast<int>(*e.type)));
  }
  return out;
}

}  // namespace tarn::parquet
