// ColumnChunkReader: decodes the pages of one flat column chunk into a Column. Internal to the
// Parquet reader. Handles dictionary pages, data pages v1 and v2, every encoding in
// decoding.h, and the conversions of schema_mapping.h.
#pragma once

#include <string_view>

#include "columnar/column.h"
#include "format/compression.h"
#include "format/parquet/decoding.h"
#include "format/parquet/schema_mapping.h"

namespace tarn::parquet {

// Appends physical value `index` of `values`, converted as `leaf` says, to `out`.
Status AppendPhysicalValue(const SchemaElement& element, const ReadLeaf& leaf,
                           const PhysicalValues& values, size_t index, Column* out);

class ColumnChunkReader {
 public:
  ColumnChunkReader(const SchemaElement& element, ReadLeaf leaf, CompressionCodec codec)
      : element_(element), leaf_(std::move(leaf)), codec_(codec) {}

  // Decodes `num_values` values from `chunk` (the chunk's bytes, from its first page) into `out`.
  Status Read(std::string_view chunk, int64_t num_values, Column* out);

 private:
  Status ReadDictionary(const PageHeader& header, std::string_view page);
  Status ReadDataPage(const PageHeader& header, std::string_view page, Column* out);
  Status AppendDecoded(const std::vector<uint32_t>& levels, size_t count, Encoding encoding,
                       std::string_view values, Column* out);
  Status Append(const PhysicalValues& values, size_t index, Column* out) const {
    return AppendPhysicalValue(element_, leaf_, values, index, out);
  }

  SchemaElement element_;
  ReadLeaf leaf_;
  CompressionCodec codec_;
  bool has_dictionary_ = false;
  std::string dictionary_buffer_;
  PhysicalValues dictionary_;
  PhysicalValues page_values_;
  std::string page_buffer_;
};

}  // namespace tarn::parquet
