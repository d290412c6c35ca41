#include "columnar/column_batch.h"

namespace tarn {

ColumnBatch::ColumnBatch(std::shared_ptr<const Schema> schema) : schema_(std::move(schema)) {
  columns_.reserve(schema_->num_fields());
  for (const Field& field : schema_->fields()) columns_.emplace_back(field.type);
}

void ColumnBatch::Clear() {
  for (Column& column : columns_) column.Clear();
}

Status ColumnBatch::Validate() const {
  size_t rows = num_rows();
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Field& field = schema_->field(i);
    if (columns_[i].size() != rows) {
      return Status::InvalidArgument("column '" + field.name + "' has " +
                                     std::to_string(columns_[i].size()) + " rows, expected " +
                                     std::to_string(rows));
    }
    if (field.required && columns_[i].null_count() > 0) {
      return Status::InvalidArgument("required column '" + field.name + "' holds " +
                                     std::to_string(columns_[i].null_count()) + " null(s)");
    }
  }
  return Status::OK();
}

}  // namespace tarn
