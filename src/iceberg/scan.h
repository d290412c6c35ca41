// TableScan: the rows of an Iceberg table at a snapshot, streamed in batches.
//
// Planning reads the snapshot's manifest list and manifests and keeps the data files whose
// partition values and column bounds might satisfy the predicate; reading opens each kept
// file, skips row groups by their statistics, matches columns by field id (a column the file
// lacks reads as nulls, so added columns work), applies the predicate and projects. Memory is
// one batch plus one row group's compressed column chunks.
#pragma once

#include <memory>
#include <optional>
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
};

class TableScan {
 public:
  // Plans the scan. kNotFound for an unknown snapshot or column; kInvalidArgument for a bad
  // predicate (pointing at the position); kNotImplemented for delete files (not yet applied).
  static Result<std::unique_ptr<TableScan>> Open(Table& table, ScanOptions options);

  const std::shared_ptr<const Schema>& schema() const { return output_; }
  // The snapshot read; nullopt for a table without one (no rows).
  std::optional<int64_t> snapshot_id() const { return snapshot_id_; }
  const std::vector<DataFile>& files() const { return files_; }
  int64_t files_skipped() const { return files_skipped_; }

  // The next rows into `batch` (replaced; of schema()); false after the last.
  Result<bool> Next(ColumnBatch* batch);

 private:
  explicit TableScan(Table& table) : table_(table) {}
  Status OpenFile(const DataFile& file);
  // Reads the next batch of the open file into `read_`; false at the file's end.
  Result<bool> ReadFileBatch();

  Table& table_;
  ScanOptions options_;
  std::optional<int64_t> snapshot_id_;
  std::shared_ptr<const Schema> schema_;  // the snapshot's schema
  std::shared_ptr<const Schema> needed_;  // output columns, then predicate-only columns
  std::shared_ptr<const Schema> output_;
  std::optional<Predicate> where_;
  std::vector<DataFile> files_;
  int64_t files_skipped_ = 0;

  size_t next_file_ = 0;
  std::unique_ptr<ParquetReader> reader_;
  std::vector<int> file_column_;  // for each needed column, its index among the reader's
                                  // selected columns, or -1 when the file lacks it
  size_t group_ = 0;
  bool group_open_ = false;
  ColumnBatch file_batch_{std::make_shared<const Schema>()};
  ColumnBatch read_{std::make_shared<const Schema>()};
};

}  // namespace tarn::iceberg
