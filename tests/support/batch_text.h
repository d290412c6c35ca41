// The rows of a column batch as text, for tests comparing what a reader returned.
#pragma once

#include <string>
#include <vector>

#include "columnar/column_batch.h"
#include "columnar/value_text.h"
#include "iceberg/scan.h"
#include "status_matchers.h"

namespace tarn::testing {

// Appends each row of `batch` to `rows` as its values' text forms joined by '|', NULL as
// `null_text`.
inline void AppendRowsAsText(const ColumnBatch& batch, const std::string& null_text,
                             std::vector<std::string>* rows) {
  for (size_t r = 0; r < batch.num_rows(); ++r) {
    std::string row;
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      if (c > 0) row += '|';
      if (batch.column(c).IsValid(r)) {
        FormatValue(batch.column(c), r, &row);
      } else {
        row += null_text;
      }
    }
    rows->push_back(std::move(row));
  }
}

// Every row a scan of `table` returns, as AppendRowsAsText writes them, in scan order. A failed
// open or read fails the test and ends the rows there.
inline std::vector<std::string> ScanRowsAsText(iceberg::Table& table,
                                               const iceberg::ScanOptions& options,
                                               const std::string& null_text) {
  std::vector<std::string> rows;
  auto scan = iceberg::TableScan::Open(table, options);
  EXPECT_THAT(scan, IsOk());
  if (!scan.ok()) return rows;
  ColumnBatch batch((*scan)->schema());
  while (true) {
    Result<bool> more = (*scan)->Next(&batch);
    EXPECT_THAT(more, IsOk());
    if (!more.ok() || !*more) break;
    AppendRowsAsText(batch, null_text, &rows);
  }
  return rows;
}

}  // namespace tarn::testing
