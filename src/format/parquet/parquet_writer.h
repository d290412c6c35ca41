// ParquetWriter: streams ColumnBatches of a flat schema into one Parquet file on an ObjectStore.
//
// Layout: data page v1; RLE_DICTIONARY values while a chunk's dictionary pays off, else
// DELTA_BINARY_PACKED for integers whose neighbours are close, else PLAIN; RLE definition levels
// for optional columns, one compression codec for every page (zstd by default), chunk statistics
// under each type's sort order, a field_id on every column and the key/value metadata asked for.
// Pages close when they reach `page_size` bytes; row groups when the buffered pages reach
// `row_group_size` bytes, so memory stays bounded by one row group whatever the file's size.
// Nothing is visible under the key until Close() returns OK (the store's writer publishes
// atomically).
//
// Not thread-safe. See docs/parquet.md for the subset written and read.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "columnar/column_batch.h"
#include "format/compression.h"
#include "store/object_store.h"

namespace tarn {

struct ParquetWriterOptions {
  CompressionCodec compression = CompressionCodec::kZstd;
  int compression_level = 0;               // 0: the codec's default
  size_t page_size = 1 << 20;              // bytes of encoded values per page
  size_t row_group_size = 128 << 20;       // buffered bytes per row group
  int64_t max_row_group_rows = 1 << 20;    // and at most this many rows
  size_t statistics_truncate_length = 64;  // bytes kept of long string / binary bounds
  bool dictionary = true;                  // RLE_DICTIONARY pages while the dictionary is small
  size_t dictionary_size_limit = 1 << 20;  // PLAIN bytes of a chunk's dictionary before the rest
                                           // of the chunk falls back to PLAIN pages
  bool delta_integers = true;  // DELTA_BINARY_PACKED for integers where it halves PLAIN or more
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

// What a finished file holds, per column; what an Iceberg manifest entry needs.
struct ParquetColumnSummary {
  int32_t field_id = 0;
  int64_t compressed_size = 0;  // bytes of the column's chunks, headers included
  int64_t value_count = 0;      // nulls included
  int64_t null_count = 0;
  std::optional<int64_t> nan_count;  // float and double columns only
  std::optional<std::string> min;    // PLAIN bytes of the exact minimum, if any value
  std::optional<std::string> max;
};

struct ParquetFileSummary {
  uint64_t file_size = 0;
  int64_t num_rows = 0;
  std::vector<int64_t> row_group_offsets;
  std::vector<ParquetColumnSummary> columns;
};

namespace parquet {
class ColumnChunkWriter;
}

class ParquetWriter {
 public:
  // Checks the schema and options and opens the object for writing.
  static Result<std::unique_ptr<ParquetWriter>> Open(ObjectStore& store, const std::string& key,
                                                     std::shared_ptr<const Schema> schema,
                                                     ParquetWriterOptions options = {});
  ~ParquetWriter();

  // kInvalidArgument for a batch of another schema, a null in a required column, or a value the
  // type cannot hold (naming column and row). After an error the writer is aborted.
  Status Write(const ColumnBatch& batch) { return Write(batch, 0, batch.num_rows()); }
  // Rows [begin, end) of `batch`.
  Status Write(const ColumnBatch& batch, size_t begin, size_t end);
  // Writes the last row group and the footer, then publishes the file.
  Result<ParquetFileSummary> Close();
  // Discards everything; nothing appears under the key.
  void Abort();

  int64_t rows_written() const { return rows_; }

 private:
  ParquetWriter(std::string uri, std::shared_ptr<const Schema> schema, ParquetWriterOptions options,
                std::unique_ptr<ObjectWriter> out);
  Status FlushRowGroup();
  Status Emit(std::string_view bytes);

  std::string uri_;
  std::shared_ptr<const Schema> schema_;
  ParquetWriterOptions options_;
  std::unique_ptr<ObjectWriter> out_;
  std::vector<std::unique_ptr<parquet::ColumnChunkWriter>> columns_;
  struct Footer;
  std::unique_ptr<Footer> footer_;
  int64_t offset_ = 0;
  int64_t rows_ = 0;
  int64_t row_group_rows_ = 0;
  bool finished_ = false;
};

}  // namespace tarn
