// Column: the values of one field for a run of rows, typed storage plus validity.
//
// Storage follows the type (StorageOf): booleans as bytes, int/date as int32, long/time/
// timestamps as int64, float, double, decimals as unscaled Int128, and string/binary/uuid/fixed
// as one byte buffer with offsets. A null row holds a zero value, so row i is always at index i.
// Appending a value of the wrong storage kind is a bug (TARN_DCHECK), not a Status: converters
// check user data before they append. Not thread-safe for writing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/types.h"

namespace tarn {

class Column {
 public:
  explicit Column(DataType type);

  const DataType& type() const { return type_; }
  size_t size() const { return valid_.size(); }
  size_t null_count() const { return null_count_; }
  bool IsValid(size_t row) const { return valid_[row] != 0; }
  void Reserve(size_t rows);
  void Clear();
  // Drops the rows from `rows` on (undoes a partly appended row). REQUIRES: rows <= size().
  void Truncate(size_t rows);

  void AppendNull();
  void AppendBool(bool value);
  void AppendInt32(int32_t value);
  void AppendInt64(int64_t value);
  void AppendFloat(float value);
  void AppendDouble(double value);
  void AppendDecimal(Int128 unscaled);
  void AppendBytes(std::string_view value);
  // Appends row `row` of `other`, which has the same type.
  void AppendFrom(const Column& other, size_t row);

  bool GetBool(size_t row) const { return bools_[row] != 0; }
  int32_t GetInt32(size_t row) const { return i32_[row]; }
  int64_t GetInt64(size_t row) const { return i64_[row]; }
  float GetFloat(size_t row) const { return f32_[row]; }
  double GetDouble(size_t row) const { return f64_[row]; }
  Int128 GetDecimal(size_t row) const { return i128_[row]; }
  std::string_view GetBytes(size_t row) const {
    return std::string_view(bytes_).substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  // Total bytes of variable-length values (for sizing pages).
  size_t bytes_size() const { return bytes_.size(); }

 private:
  void AppendValid() { valid_.push_back(1); }

  DataType type_;
  StorageKind kind_;
  std::vector<uint8_t> valid_;
  size_t null_count_ = 0;
  std::vector<uint8_t> bools_;
  std::vector<int32_t> i32_;
  std::vector<int64_t> i64_;
  std::vector<float> f32_;
  std::vector<double> f64_;
  std::vector<Int128> i128_;
  std::vector<uint64_t> offsets_;  // size() + 1 entries for kBytes
  std::string bytes_;
};

}  // namespace tarn
