// The rows of a column batch as text, for tests comparing what a reader returned.
#pragma once

#include <string>
#include <vector>

#include "columnar/column_batch.h"
#include "columnar/value_text.h"

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

}  // namespace tarn::testing
