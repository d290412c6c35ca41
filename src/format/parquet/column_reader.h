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

// Streams one column chunk after another: Reset with a chunk's bytes, then Read any number of
// values at a time. Pages are decoded one at a time into buffers reused for the reader's life,
// so memory is one chunk's compressed bytes plus one page.
class ColumnChunkReader {
 public:
  ColumnChunkReader(const SchemaElement& element, ReadLeaf leaf)
      : element_(element), leaf_(std::move(leaf)) {}

  // Starts on a chunk: its bytes from its first page on, `num_values` values, compressed with
  // `codec`.
  void Reset(std::string chunk, int64_t num_values, CompressionCodec codec);
  // Appends the chunk's next `rows` values to `out`. REQUIRES rows <= remaining().
  Status Read(size_t rows, Column* out);
  int64_t remaining() const { return remaining_; }

 private:
  // Reads page headers until a data page with values is decoded (dictionary pages on the way).
  Status NextPage();
  Status ReadDictionary(const PageHeader& header, std::string_view page);
  Status ReadDataPage(const PageHeader& header, std::string_view page);
  // Decodes a page's values (levels_ already hold its definition levels, when optional).
  Status DecodePage(size_t count, Encoding encoding, std::string_view values);
  // Appends up to `rows` rows of the current page through a fast path; 0 when the column's
  // conversion has none.
  size_t Emit(size_t rows, Column* out);
  Status Append(const PhysicalValues& values, size_t index, Column* out) const {
    return AppendPhysicalValue(element_, leaf_, values, index, out);
  }

  SchemaElement element_;
  ReadLeaf leaf_;
  // The chunk being read.
  std::string chunk_;
  size_t pos_ = 0;
  int64_t remaining_ = 0;
  CompressionCodec codec_ = CompressionCodec::kNone;
  bool has_dictionary_ = false;
  std::string dictionary_buffer_;
  PhysicalValues dictionary_;
  // The current data page: its rows, how many are consumed, and the next defined value.
  std::string page_buffer_;
  PhysicalValues page_values_;
  std::vector<uint32_t> levels_;   // empty for a required column
  std::vector<uint32_t> indices_;  // dictionary pages
  bool dictionary_page_ = false;
  size_t page_rows_ = 0;
  size_t page_row_ = 0;
  size_t next_value_ = 0;
};

}  // namespace tarn::parquet
