// TableScan: the rows of an Iceberg table at a snapshot, streamed in batches.
//
// Planning reads the snapshot's manifest list and manifests and keeps the data files whose
// partition values and column bounds might satisfy the predicate, each with the delete files
// that apply to it (spec "Scan Planning": position deletes of the same partition with a sequence
// number at least the data file's, equality deletes of the same partition or unpartitioned
// with a greater one). Reading opens each kept file, skips row groups by their statistics,
// matches columns by field id (a column the file lacks reads as nulls, so added columns work),
// drops deleted rows, applies the predicate and projects. Memory is one batch plus one row
// group's compressed column chunks, plus the deleted positions and keys of the open file.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "expr/predicate.h"
#include "format/parquet/parquet_reader.h"
#include "iceberg/table.h"

namespace tarn::iceberg {

struct ScanOptions {
  std::vector<std::string> columns;    // output columns; empty means all
  std::string where;                   // a predicate (expr/predicate.h); empty means all rows
  std::optional<int64_t> snapshot_id;  // time travel, by id ...
  std::optional<int64_t> as_of_ms;     // ... or as of a time
  size_t batch_rows = 65536;
  bool row_positions = false;  // record each returned row's position in its data file
  // Only the data files this accepts are read (compaction reads the files it rewrites).
  std::function<bool(const DataFile&)> file_filter;
};

// A data file to read, and the delete files that apply to it (indices into the scan's
// delete_files()).
struct ScanTask {
  DataFile file;
  int64_t sequence_number = 0;
  std::vector<size_t> deletes;
};

class TableScan {
 public:
  // Plans the scan. kNotFound for an unknown snapshot or column; kInvalidArgument for a bad
  // predicate (pointing at the position); kNotImplemented for delete files (not yet applied).
  static Result<std::unique_ptr<TableScan>> Open(Table& table, ScanOptions options);

  const std::shared_ptr<const Schema>& schema() const { return output_; }
  // The snapshot read; nullopt for a table without one (no rows).
  std::optional<int64_t> snapshot_id() const { return snapshot_id_; }
  const std::vector<ScanTask>& files() const { return tasks_; }
  const std::vector<DataFile>& delete_files() const { return delete_files_; }
  int64_t files_skipped() const { return files_skipped_; }
  int64_t manifests_skipped() const { return manifests_skipped_; }

  // The next rows into `batch` (replaced; of schema()); false after the last. Every batch
  // comes from one data file.
  Result<bool> Next(ColumnBatch* batch);
  // With ScanOptions::row_positions: the data file of the last batch, and each row's position.
  const DataFile& last_file() const { return tasks_[next_file_ - 1].file; }
  const std::vector<int64_t>& last_positions() const { return positions_; }

 private:
  explicit TableScan(Table& table) : table_(table) {}
  Status OpenFile(const ScanTask& task);
  // The deleted positions of `path` and the keys equality deletes remove, from `task`'s
  // delete files.
  Status LoadDeletes(const ScanTask& task);
  // Reads the next batch of the open file into `read_`; false at the file's end.
  Result<bool> ReadFileBatch();

  Table& table_;
  ScanOptions options_;
  std::optional<int64_t> snapshot_id_;
  std::shared_ptr<const Schema> needed_;  // output columns, then predicate-only columns
  std::shared_ptr<const Schema> output_;
  std::optional<Predicate> where_;
  std::vector<ScanTask> tasks_;
  std::vector<DataFile> delete_files_;
  std::vector<int64_t> delete_sequence_;  // each delete file's data sequence number
  int64_t files_skipped_ = 0;
  int64_t manifests_skipped_ = 0;

  size_t next_file_ = 0;
  std::unique_ptr<ParquetReader> reader_;
  std::vector<int> file_column_;  // for each needed column, its index among the reader's
                                  // selected columns, or -1 when the file lacks it
  size_t group_ = 0;
  bool group_open_ = false;
  int64_t file_row_ = 0;  // the position of the next row read from the open file
  int64_t batch_first_row_ = 0;
  std::vector<int64_t> deleted_;  // the open file's deleted positions, sorted
  // Equality deletes on the open file: field ids, and the deleted keys (SerializeValue of each
  // column, length-prefixed; "\xff" marks null).
  std::vector<std::pair<std::vector<int32_t>, std::set<std::string>>> equality_;
  std::vector<int64_t> positions_;
  ColumnBatch file_batch_{std::make_shared<const Schema>()};
  ColumnBatch read_{std::make_shared<const Schema>()};
};

}  // namespace tarn::iceberg
