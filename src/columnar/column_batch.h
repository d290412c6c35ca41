// ColumnBatch: a run of rows of one schema, held column by column.
#pragma once

#include <memory>
#include <vector>

#include "columnar/column.h"
#include "columnar/schema.h"

namespace tarn {

class ColumnBatch {
 public:
  // An empty batch with one column per field.
  explicit ColumnBatch(std::shared_ptr<const Schema> schema);

  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  size_t num_rows() const { return columns_.empty() ? 0 : columns_[0].size(); }
  size_t num_columns() const { return columns_.size(); }
  Column& column(size_t i) { return columns_[i]; }
  const Column& column(size_t i) const { return columns_[i]; }
  void Clear();

  // OK when every column has num_rows() rows and no required column holds a null;
  // kInvalidArgument naming the column otherwise.
  Status Validate() const;

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<Column> columns_;
};

}  // namespace tarn
