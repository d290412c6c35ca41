// Column: the values of one field for a run of rows, typed storage plus validity.
//
// Storage follows the type (StorageOf): booleans as bytes, int/date as int32, long/time/
// timestamps as int64, float, double, decimals as unscaled Int128, and string/binary/uuid/fixed
// as one byte buffer with offsets. A null row holds a zero value, so row i is always at index i.
// Appending a value of the wrong storage kind is a bug (TARN_DCHECK), not a Status: converters
// check user data before they append. Not thread-safe for writing.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
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
  void AppendBool(bool value) { Push(StorageKind::kBool, bools_, value ? 1 : 0); }
  void AppendInt32(int32_t value) { Push(StorageKind::kInt32, i32_, value); }
  void AppendInt64(int64_t value) { Push(StorageKind::kInt64, i64_, value); }
  void AppendFloat(float value) { Push(StorageKind::kFloat, f32_, value); }
  void AppendDouble(double value) { Push(StorageKind::kDouble, f64_, value); }
  void AppendDecimal(Int128 unscaled) { Push(StorageKind::kInt128, i128_, unscaled); }
  void AppendBytes(std::string_view value) {
    TARN_DCHECK(kind_ == StorageKind::kBytes);
    AppendValid();
    bytes_.append(value);
    offsets_.push_back(bytes_.size());
  }
  // Appends row `row` of `other`, which has the same type.
  void AppendFrom(const Column& other, size_t row);

  // For decoders that fill many rows at once. AppendSlots appends `count` valid rows and returns
  // their first value; the caller must write every one of them (zero for a row it then makes
  // null). T is the storage type of the column's kind (uint8_t for booleans, int32_t, int64_t,
  // float, double, Int128). MarkNull makes one of those rows null.
  template <typename T>
  T* AppendSlots(size_t count);
  void MarkNull(size_t row) {
    TARN_DCHECK(valid_[row] != 0);
    valid_[row] = 0;
    ++null_count_;
  }
  // The same for variable-length values: appends `count` rows, null where `levels` (null for
  // "all defined") holds 0, else the next of `get(0)`, `get(1)`, ... (string_views).
  template <typename Get>
  void AppendBytesRun(const uint32_t* levels, size_t count, Get get);

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
  template <typename Vector, typename V>
  void Push([[maybe_unused]] StorageKind kind, Vector& values, V value) {
    TARN_DCHECK(kind_ == kind);
    AppendValid();
    values.push_back(value);
  }

  DataType type_;
  StorageKind kind_;
  std::vector<uint8_t> valid_;
  size_t null_count_ = 0;
  // Value vectors that resize() leaves uninitialized (AppendSlots writes every slot).
  template <typename T>
  struct NoInitAllocator : std::allocator<T> {
    template <typename U>
    struct rebind {  // NOLINT(readability-identifier-naming): the allocator protocol
      using other = NoInitAllocator<U>;
    };
    template <typename U>
    void construct(U* p) noexcept {
      ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  };
  template <typename T>
  using Values = std::vector<T, NoInitAllocator<T>>;
  template <typename T>
  Values<T>& Slots();

  Values<uint8_t> bools_;
  Values<int32_t> i32_;
  Values<int64_t> i64_;
  Values<float> f32_;
  Values<double> f64_;
  Values<Int128> i128_;
  std::vector<uint64_t> offsets_;  // size() + 1 entries for kBytes
  std::string bytes_;
};

template <>
inline Column::Values<uint8_t>& Column::Slots() {
  return bools_;
}
template <>
inline Column::Values<int32_t>& Column::Slots() {
  return i32_;
}
template <>
inline Column::Values<int64_t>& Column::Slots() {
  return i64_;
}
template <>
inline Column::Values<float>& Column::Slots() {
  return f32_;
}
template <>
inline Column::Values<double>& Column::Slots() {
  return f64_;
}
template <>
inline Column::Values<Int128>& Column::Slots() {
  return i128_;
}

template <typename T>
T* Column::AppendSlots(size_t count) {
  auto& values = Slots<T>();
  TARN_DCHECK(values.size() == valid_.size());
  size_t first = values.size();
  values.resize(first + count);
  valid_.resize(first + count, 1);
  return values.data() + first;
}

template <typename Get>
void Column::AppendBytesRun(const uint32_t* levels, size_t count, Get get) {
  TARN_DCHECK(kind_ == StorageKind::kBytes);
  size_t base = valid_.size();
  valid_.resize(base + count, 1);
  offsets_.resize(base + 1 + count);
  uint64_t* end = offsets_.data() + base;  // end[i + 1] is where row base + i ends
  size_t k = 0;
  for (size_t i = 0; i < count; ++i) {
    if (levels != nullptr && levels[i] == 0) {
      valid_[base + i] = 0;
      ++null_count_;
      end[i + 1] = end[i];
    } else {
      end[i + 1] = end[i] + get(k++).size();
    }
  }
  bytes_.resize(end[count]);
  char* dest = bytes_.data();
  k = 0;
  for (size_t i = 0; i < count; ++i) {
    if (end[i + 1] != end[i]) {
      std::string_view value = get(k);
      std::memcpy(dest + end[i], value.data(), value.size());
    }
    if (levels == nullptr || levels[i] != 0) ++k;
  }
}

}  // namespace tarn
