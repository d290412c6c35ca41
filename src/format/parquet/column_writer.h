// ColumnChunkWriter: the pages of one column within one row group. Internal to the Parquet writer.
#pragma once

#include <string>
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
  size_t buffered_bytes() const { return chunk_.size() + values_.size() + levels_.size() / 8; }
  // Closes the open page and hands over the chunk, its metadata placed at `file_offset`.
  Status Finish(int64_t file_offset, std::string* bytes, ColumnChunk* meta);

  const SchemaElement& leaf() const { return leaf_; }
  ParquetColumnSummary Summary() const;

 private:
  Status FinishPage();
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
