#include "columnar/column.h"

namespace tarn {

Column::Column(DataType type) : type_(type), kind_(StorageOf(type.id)) {
  if (kind_ == StorageKind::kBytes) offsets_.push_back(0);
}

void Column::Reserve(size_t rows) {
  valid_.reserve(rows);
  switch (kind_) {
    case StorageKind::kBool:
      bools_.reserve(rows);
      break;
    case StorageKind::kInt32:
      i32_.reserve(rows);
      break;
    case StorageKind::kInt64:
      i64_.reserve(rows);
      break;
    case StorageKind::kFloat:
      f32_.reserve(rows);
      break;
    case StorageKind::kDouble:
      f64_.reserve(rows);
      break;
    case StorageKind::kInt128:
      i128_.reserve(rows);
      break;
    case StorageKind::kBytes:
      offsets_.reserve(rows + 1);
      break;
  }
}

void Column::Clear() {
  valid_.clear();
  null_count_ = 0;
  bools_.clear();
  i32_.clear();
  i64_.clear();
  f32_.clear();
  f64_.clear();
  i128_.clear();
  bytes_.clear();
  offsets_.clear();
  if (kind_ == StorageKind::kBytes) offsets_.push_back(0);
}

void Column::Truncate(size_t rows) {
  TARN_DCHECK(rows <= size());
  for (size_t i = rows; i < valid_.size(); ++i) null_count_ -= valid_[i] == 0 ? 1 : 0;
  valid_.resize(rows);
  switch (kind_) {
    case StorageKind::kBool:
      bools_.resize(rows);
      break;
    case StorageKind::kInt32:
      i32_.resize(rows);
      break;
    case StorageKind::kInt64:
      i64_.resize(rows);
      break;
    case StorageKind::kFloat:
      f32_.resize(rows);
      break;
    case StorageKind::kDouble:
      f64_.resize(rows);
      break;
    case StorageKind::kInt128:
      i128_.resize(rows);
      break;
    case StorageKind::kBytes:
      bytes_.resize(offsets_[rows]);
      offsets_.resize(rows + 1);
      break;
  }
}

void Column::AppendNull() {
  valid_.push_back(0);
  ++null_count_;
  switch (kind_) {
    case StorageKind::kBool:
      bools_.push_back(0);
      break;
    case StorageKind::kInt32:
      i32_.push_back(0);
      break;
    case StorageKind::kInt64:
      i64_.push_back(0);
      break;
    case StorageKind::kFloat:
      f32_.push_back(0);
      break;
    case StorageKind::kDouble:
      f64_.push_back(0);
      break;
    case StorageKind::kInt128:
      i128_.push_back(0);
      break;
    case StorageKind::kBytes:
      offsets_.push_back(bytes_.size());
      break;
  }
}

void Column::AppendFrom(const Column& other, size_t row) {
  TARN_DCHECK(other.type_ == type_);
  if (!other.IsValid(row)) {
    AppendNull();
    return;
  }
  switch (kind_) {
    case StorageKind::kBool:
      AppendBool(other.GetBool(row));
      break;
    case StorageKind::kInt32:
      AppendInt32(other.GetInt32(row));
      break;
    case StorageKind::kInt64:
      AppendInt64(other.GetInt64(row));
      break;
    case StorageKind::kFloat:
      AppendFloat(other.GetFloat(row));
      break;
    case StorageKind::kDouble:
      AppendDouble(other.GetDouble(row));
      break;
    case StorageKind::kInt128:
      AppendDecimal(other.GetDecimal(row));
      break;
    case StorageKind::kBytes:
      AppendBytes(other.GetBytes(row));
      break;
  }
}

}  // namespace tarn
