// How tarn's types map onto Parquet (following Iceberg's spec, Appendix A):
//   boolean BOOLEAN; int INT32; long INT64; float FLOAT; double DOUBLE;
//   decimal(P,S) INT32 when P <= 9, INT64 when P <= 18, else FIXED_LEN_BYTE_ARRAY of the fewest
//     bytes that hold P digits, annotated DECIMAL(P,S);
//   date INT32 DATE; time INT64 TIME(micros); timestamp INT64 TIMESTAMP(micros, not UTC);
//   timestamptz INT64 TIMESTAMP(micros, UTC); string BYTE_ARRAY STRING; binary BYTE_ARRAY;
//   uuid FIXED_LEN_BYTE_ARRAY(16) UUID; fixed[N] FIXED_LEN_BYTE_ARRAY(N).
// Every leaf carries the Iceberg field id.
#pragma once

#include "columnar/schema.h"
#include "format/parquet/parquet_types.h"

namespace tarn::parquet {

SchemaElement LeafFor(const Field& field);

// How a leaf's physical values become a column's values when reading.
enum class Conversion {
  kNone,
  kMillisToMicros,     // TIMESTAMP(MILLIS), TIME(MILLIS) (INT32)
  kNanosToMicros,      // TIMESTAMP(NANOS), TIME(NANOS)
  kInt96ToMicros,      // legacy INT96 timestamps: nanoseconds of the day, then the Julian day
  kUnsignedToLong,     // UINT_32
  kUnsignedToDecimal,  // UINT_64, read as decimal(20,0)
  kIntToDecimal,       // INT32 / INT64 decimals
  kBytesToDecimal,     // BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY decimals (big-endian two's complement)
};

struct ReadLeaf {
  Field field;
  Conversion conversion = Conversion::kNone;
};

// The tarn field for a flat Parquet leaf (`position` numbers fields when the file has no field
// ids). kNotImplemented for a type tarn cannot hold, naming the column.
Result<ReadLeaf> FieldFor(const SchemaElement& leaf, int32_t position);
// Bytes of a FIXED_LEN_BYTE_ARRAY decimal of `precision` digits.
int DecimalFixedLength(int precision);

}  // namespace tarn::parquet
