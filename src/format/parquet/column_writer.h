// ColumnChunkWriter: the pages of one column within one row group. Internal to the Parquet writer.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "columnar/column.h"
#include "columnar/schema.h"
#include "format/parquet/parquet_types.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/statistics.h"

namespace tarn::parquet {

class ColumnChunkWriter {
 public:
  ColumnChunkWriter(const Field& field, const ParquetWriterOptions& options);

  // Encodes rows [begin, end) of `column`; `first_row` numbers rows in error messages.
  Status Append(const Column& column, size_t begin, size_t end, int64_t first_row);
  // Bytes this chunk holds in memory now.
  size_t buffered_bytes() const {
    return chunk_.size() + values_.size() + levels_.size() / 8 + dictionary_plain_.size() +
           indices_.size() * 4;
  }
  // Closes the open page and hands over the chunk, its metadata placed at `file_offset`.
  Status Finish(int64_t file_offset, std::string* bytes, ColumnChunk* meta);

  const SchemaElement& leaf() const { return leaf_; }
  ParquetColumnSummary Summary() const;

 private:
  Status FinishPage();
  // Moves the value PLAIN-encoded at values_[start, end) into the dictionary.
  Status AddToDictionary(size_t start);
  void ResetDictionary();
  void FlushExtremes();
  Status BadValue(int64_t row, const std::string& why) const;

  Field field_;
  SchemaElement leaf_;
  ParquetWriterOptions options_;
  StorageKind kind_;
  Int128 decimal_limit_ = 0;  // 10^precision

  // The open page.
  std::vector<uint32_t> levels_;
  std::vector<uint8_t> bools_;
  std::string values_;
  int32_t page_values_ = 0;

  // Extremes of the values since the last flush into `chunk_stats_`.
  bool have_extremes_ = false;
  int64_t imin_ = 0, imax_ = 0;
  double dmin_ = 0, dmax_ = 0;
  Int128 qmin_ = 0, qmax_ = 0;
  std::string smin_, smax_;

  // The chunk's dictionary: PLAIN bytes of each distinct value -> index.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  bool dictionary_active_ = false;
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> dictionary_;
  std::string dictionary_plain_;   // the dictionary page body, in index order
  std::vector<uint32_t> indices_;  // the open page's indices
  int64_t dictionary_values_ = 0;  // values encoded through the dictionary in this chunk
  bool chunk_dictionary_pages_ = false;
  bool chunk_plain_pages_ = false;

  // The chunk so far.
  std::string chunk_;
  int64_t chunk_values_ = 0;
  int64_t chunk_uncompressed_ = 0;
  StatisticsBuilder chunk_stats_;

  // The whole file, for the summary.
  StatisticsBuilder file_stats_;
  int64_t file_values_ = 0;
  int64_t file_compressed_ = 0;
};

}  // namespace tarn::parquet
