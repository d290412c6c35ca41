// Iceberg's single-value binary serialization (spec, Appendix D), used for the lower and upper
// bounds in manifests and for partition values: int and date as 4 bytes little-endian; long,
// time and timestamps as 8 bytes little-endian; float and double as IEEE 754 little-endian;
// boolean as one byte; string as UTF-8; binary and fixed as is; uuid as 16 big-endian bytes;
// decimal as the unscaled value in the fewest big-endian two's-complement bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "columnar/column.h"

namespace tarn::iceberg {

// Row `row` of `column`, which must be valid (not null).
std::string SerializeValue(const Column& column, size_t row);
// A one-row column of `type`; nullopt when the bytes cannot be a value of the type (a bound
// that cannot be read is no bound: planning then keeps the file).
std::optional<Column> DeserializeValue(const DataType& type, std::string_view bytes);

// Orders two one-row columns of the same type by Iceberg's sort order for the type (strings and
// binary as unsigned bytes): <0, 0, >0. NaN sorts after every number.
int CompareValues(const Column& a, const Column& b);
// The same for row `i` of `a` and row `j` of `b`, both valid.
int CompareValues(const Column& a, size_t i, const Column& b, size_t j);

// Whether Iceberg allows a column of type `from` to become `to`: int to long, float to double,
// decimal(P,S) to decimal(P',S) with P' >= P (and any type to itself).
bool CanPromote(const DataType& from, const DataType& to);
// Row `row` of `column` (of a type that CanPromote to `to`) appended to `out`, of type `to`.
void AppendPromoted(const Column& column, size_t row, Column* out);

// Bounds for string and binary columns are kept short, as Iceberg's default metrics mode
// `truncate(16)` does: a lower bound is a prefix of `length` characters (string) or bytes;
// an upper bound is that prefix with its last character (byte) incremented, or nullopt when
// none can be made (all 0xFF, or U+10FFFF). Other types are returned unchanged.
std::string TruncateLowerBound(const DataType& type, std::string_view bound, size_t length = 16);
std::optional<std::string> TruncateUpperBound(const DataType& type, std::string_view bound,
                                              size_t length = 16);

}  // namespace tarn::iceberg
