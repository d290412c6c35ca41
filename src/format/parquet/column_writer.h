// ColumnChunkWriter: the pages of one column within one row group. Internal to the Parquet writer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "columnar/column.h"
#include "columnar/schema.h"
#include "format/parquet/parquet_types.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/statistics.h"

namespace tarn::parquet {

// The distinct PLAIN-encoded values of a chunk, in first-seen order, behind an open-addressing
// hash table; their concatenation is the dictionary page. Each slot holds a value's index and
// 32 bits of its hash, so a probe touches the stored value only when those bits match; values
// of a fixed width (set_width) are found by index alone.
class PlainDictionary {
 public:
  // Every value will be `width` bytes (0: any length).
  void set_width(size_t width) { width_ = width; }
  // The index of `plain`, which is added when new.
  uint32_t Insert(std::string_view plain);
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::string_view at(uint32_t index) const {
    if (width_ > 0) return std::string_view(page_).substr(index * width_, width_);
    size_t end = index + 1 < starts_.size() ? starts_[index + 1] : page_.size();
    return std::string_view(page_).substr(starts_[index], end - starts_[index]);
  }
  // The dictionary page body.
  const std::string& page() const { return page_; }
  void Clear();

 private:
  void Grow();

  size_t width_ = 0;
  size_t count_ = 0;
  std::string page_;
  std::vector<size_t> starts_;   // where each value begins in page_ (variable width only)
  std::vector<uint64_t> slots_;  // 0 when empty, else (hash bits << 32) | (index + 1)
};

class ColumnChunkWriter {
 public:
  ColumnChunkWriter(const Field& field, const ParquetWriterOptions& options);

  // Encodes rows [begin, end) of `column`; `first_row` numbers rows in error messages.
  Status Append(const Column& column, size_t begin, size_t end, int64_t first_row);
  // Bytes this chunk holds in memory now.
  size_t buffered_bytes() const {
    return chunk_.size() + values_.size() + levels_.size() / 8 + dictionary_.page().size() +
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

  // The chunk's dictionary.
  bool dictionary_active_ = false;
  PlainDictionary dictionary_;
  std::vector<uint32_t> indices_;       // the open page's indices
  int64_t dictionary_values_ = 0;       // values encoded through the dictionary in this chunk
  int64_t dictionary_input_bytes_ = 0;  // their PLAIN size
  // The values after which the dictionary must show that it pays off (DictionaryPaysOff).
  static constexpr int64_t kDictionaryProbe = 32768;
  // Sooner for numbers (fixed-width values): when the first kDictionaryEarlyProbe are all
  // distinct, the column is a key, a timestamp or a measure, and DELTA or PLAIN suits it.
  static constexpr int64_t kDictionaryEarlyProbe = 1024;
  // Whether dictionary encoding of `values` values is clearly smaller than PLAIN.
  bool DictionaryPaysOff(int64_t values) const;
  // Turns the current page, still the chunk's first, back into PLAIN and stops using the
  // dictionary for the rest of the chunk.
  void RevertToPlain();
  bool chunk_dictionary_pages_ = false;
  bool chunk_plain_pages_ = false;
  // Appends the open page's values as DELTA_BINARY_PACKED when the column is INT32 or INT64
  // and that is at most half of PLAIN; false (and PLAIN for the rest of the chunk) otherwise.
  bool TryDeltaEncoding(std::string* page);
  bool chunk_delta_pages_ = false;
  bool chunk_delta_refused_ = false;

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
