// Partition transforms (spec "Partition Transforms", Appendix B for bucket hashing): identity,
// year, month, day, hour, bucket[N], truncate[W] and void, their result types, and their values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "columnar/column_batch.h"
#include "iceberg/table_metadata.h"

namespace tarn::iceberg {

struct Transform {
  enum Kind { kIdentity, kYear, kMonth, kDay, kHour, kBucket, kTruncate, kVoid };
  Kind kind = kIdentity;
  int32_t param = 0;  // N of bucket[N], W of truncate[W]

  // kInvalidArgument naming the text when it is no transform.
  static Result<Transform> Parse(std::string_view text);
  std::string ToString() const;
  // The type of the partition values for a source column of `source` type; kInvalidArgument
  // when the transform does not apply to it (day of a string, bucket of a double, ...).
  Result<DataType> ResultType(const DataType& source) const;
  // The partition value of row `row` of `column` (a one-row column of the result type), or
  // nullopt for null (a null source, or void).
  std::optional<Column> Apply(const Column& column, size_t row) const;
  // Apply's value (or null) appended to `out`, a column of ResultType(column.type()).
  void AppendTo(const Column& column, size_t row, Column* out) const;
  // For year/month/day/hour: the smallest and largest source values (of type `source`) whose
  // partition value is `value`; nullopt for other transforms.
  std::optional<std::pair<Column, Column>> SourceRange(const DataType& source,
                                                       const Column& value) const;
};

// Murmur3 x86 32-bit with seed 0, the hash of Iceberg's bucket transform.
int32_t Murmur3Hash32(std::string_view bytes);

// A spec's fields checked against `schema`: each source column exists and takes its
// transform, names are unique. Returns the result types in field order.
Result<std::vector<DataType>> PartitionTypes(const PartitionSpec& spec, const Schema& schema);

// Parses "col, day(ts), bucket(16, id), truncate(4, name)" (also "bucket[16](id)") into a spec
// with field ids from `first_field_id` and Iceberg's default names (col, ts_day, id_bucket_16,
// name_trunc_4).
Result<PartitionSpec> ParsePartitionSpec(std::string_view text, const Schema& schema,
                                         int32_t first_field_id = 1000);

}  // namespace tarn::iceberg
