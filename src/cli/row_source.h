// Rows from a file named on the command line (CSV, JSON lines or Parquet; local or s3://), a
// batch at a time: what `tarn convert` and `tarn table append` read.
#pragma once

#include <memory>
#include <string>

#include "cli/file_location.h"
#include "columnar/column_batch.h"
#include "format/text_table.h"

namespace tarn {

enum class FileFormat { kCsv, kJsonLines, kParquet };

// By `flag` (csv, jsonl, parquet) when given, else by the file's extension.
Result<FileFormat> FormatOf(const std::string& path, const std::string& flag);
// "name:type[?],..." or "@file.json" (Iceberg's schema JSON); null for an empty spec.
Result<std::shared_ptr<const Schema>> LoadSchema(const std::string& spec);

class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual std::shared_ptr<const Schema> schema() const = 0;
  // The next rows into `batch` (replaced); false at the end.
  virtual Result<bool> Next(ColumnBatch* batch) = 0;
  // Text rows sent to the reject sink so far.
  virtual int64_t rows_rejected() const { return 0; }
};

inline constexpr size_t kRowSourceBatchRows = 65536;

// Opens `in` (kept open by the source). `schema` applies to text input (null: inferred);
// Parquet input refuses one.
Result<std::unique_ptr<RowSource>> OpenRowSource(FileLocation in, FileFormat format,
                                                 const TextOptions& text,
                                                 std::shared_ptr<const Schema> schema,
                                                 RejectSink rejects = nullptr);

}  // namespace tarn
