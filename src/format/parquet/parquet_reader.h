// ParquetReader: reads flat columns of a Parquet file on an ObjectStore, a row group at a time,
// through ranged reads only (the footer first, then each selected column chunk).
//
// Reads what DuckDB and other writers produce: data pages v1 and v2; PLAIN, PLAIN_DICTIONARY,
// RLE_DICTIONARY, RLE (booleans), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
// DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT; snappy, gzip, zstd or no compression; legacy INT96
// timestamps; millisecond and nanosecond units (converted to microseconds). Nested columns
// are listed in nested_columns() and refused by name with kNotImplemented; flat columns beside
// them read normally.
//
// Every length in the file is checked before use, so a corrupt or hostile file yields
// kCorruption naming the file, never a crash or a huge allocation. Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "columnar/column_batch.h"
#include "format/parquet/parquet_types.h"
#include "store/object_store.h"

namespace tarn {

// A bound in ParquetColumnSummary (the PLAIN bytes of a statistic, as the writer keeps them for
// `field`) as a one-row column of the field's type; nullopt if the bytes do not decode.
std::optional<Column> ParquetStatisticValue(const Field& field, std::string_view plain);

namespace parquet {
struct ReadLeaf;
// The same for a file's leaf as the reader maps it.
std::optional<Column> DecodeStatistic(const SchemaElement& element, const ReadLeaf& leaf,
                                      std::string_view plain);
}  // namespace parquet

class ParquetReader {
 public:
  // Reads and checks the footer. kNotFound for a missing object; kCorruption for anything that
  // is not a well-formed Parquet footer.
  static Result<std::unique_ptr<ParquetReader>> Open(ObjectStore& store, const std::string& key);
  ~ParquetReader();

  const std::string& uri() const { return uri_; }
  uint64_t file_size() const { return file_size_; }
  // Every flat column tarn can read, with field ids (from the file, else numbered 1..N).
  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  // Top-level columns that are groups or repeated, which tarn does not read yet.
  const std::vector<std::string>& nested_columns() const { return nested_; }
  const parquet::FileMetaData& metadata() const { return metadata_; }
  int64_t num_rows() const { return metadata_.num_rows; }
  size_t num_row_groups() const { return metadata_.row_groups.size(); }

  // Chooses the columns later reads return, in this order. kNotFound for an unknown name,
  // kNotImplemented for a nested one. By default every column of schema() is selected.
  Status Select(const std::vector<std::string>& names);
  const std::shared_ptr<const Schema>& selected_schema() const { return selected_schema_; }

  // The selected columns of row group `index`.
  Result<ColumnBatch> ReadRowGroup(size_t index);
  // The same into `batch`, whose memory is reused.
  Status ReadRowGroup(size_t index, ColumnBatch* batch);

  // Streaming, in bounded memory: StartRowGroup fetches the selected column chunks of group
  // `index`; each ReadBatch then replaces `batch`'s rows with the group's next `max_rows` rows
  // (fewer at its end) and returns how many, 0 once the group is done. Batches of a few
  // thousand rows stay in the CPU's caches and scan fastest.
  Status StartRowGroup(size_t index);
  Result<size_t> ReadBatch(size_t max_rows, ColumnBatch* batch);
  // The chunk metadata of schema() column `column` in row group `row_group`.
  const parquet::ColumnMetaData& ChunkMetaData(size_t row_group, size_t column) const;

  // What a chunk's statistics say, as values of the column's type: what row-group skipping
  // needs. `min` and `max` are empty when the file gives no usable bounds (INT96, legacy
  // statistics, or all nulls); counts are -1 when unknown.
  struct Bounds {
    std::optional<Column> min;
    std::optional<Column> max;
    int64_t null_count = -1;
    int64_t value_count = -1;
  };
  Bounds ChunkBounds(size_t row_group, size_t column) const;

 private:
  struct Leaf;
  ParquetReader(ObjectStore& store, std::string key, std::string uri, uint64_t file_size);
  Status BuildSchema();
  Status Corrupt(const std::string& what) const;
  std::string Where(size_t group, const Leaf& leaf) const;

  ObjectStore& store_;
  std::string key_;
  std::string uri_;
  uint64_t file_size_;
  uint64_t footer_start_ = 0;
  parquet::FileMetaData metadata_;
  std::vector<Leaf> leaves_;  // one per schema() field
  std::vector<std::string> nested_;
  size_t leaf_count_ = 0;  // all leaves, nested included (= chunks per row group)
  std::shared_ptr<const Schema> schema_;
  std::vector<size_t> selected_;  // indices into leaves_
  std::shared_ptr<const Schema> selected_schema_;
  size_t group_ = 0;  // the group StartRowGroup began, and its rows not yet read
  int64_t group_rows_left_ = 0;
};

}  // namespace tarn
