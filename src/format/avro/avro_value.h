// AvroValue: one Avro datum of any type, as a small tree. Meant for metadata files (Iceberg
// manifests and manifest lists hold thousands of entries, not billions of rows), so it favours
// plainness over compactness.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "format/avro/avro_schema.h"

namespace tarn {

struct AvroValue {
  AvroType type = AvroType::kNull;
  bool boolean = false;
  int64_t integer = 0;            // int, long, and an enum's symbol index
  double real = 0;                // float, double
  std::string bytes;              // string, bytes, fixed
  std::vector<AvroValue> items;   // record fields in order, array items, map values, union: 1
  std::vector<std::string> keys;  // map keys, one per item
  size_t branch = 0;              // union: the branch of items[0]

  static AvroValue Null() { return {}; }
  static AvroValue Boolean(bool v) {
    AvroValue a;
    a.type = AvroType::kBoolean;
    a.boolean = v;
    return a;
  }
  static AvroValue Int(int32_t v) { return Number(AvroType::kInt, v); }
  static AvroValue Long(int64_t v) { return Number(AvroType::kLong, v); }
  static AvroValue Float(float v) { return Real(AvroType::kFloat, v); }
  static AvroValue Double(double v) { return Real(AvroType::kDouble, v); }
  static AvroValue String(std::string v) { return Text(AvroType::kString, std::move(v)); }
  static AvroValue Bytes(std::string v) { return Text(AvroType::kBytes, std::move(v)); }
  static AvroValue Fixed(std::string v) { return Text(AvroType::kFixed, std::move(v)); }
  static AvroValue Record(std::vector<AvroValue> fields) {
    return Items(AvroType::kRecord, std::move(fields));
  }
  static AvroValue Array(std::vector<AvroValue> items) {
    return Items(AvroType::kArray, std::move(items));
  }
  static AvroValue Union(size_t branch, AvroValue value) {
    AvroValue a = Items(AvroType::kUnion, {});
    a.items.push_back(std::move(value));
    a.branch = branch;
    return a;
  }

  // For unions: the value inside (the value itself otherwise).
  const AvroValue& unwrapped() const { return type == AvroType::kUnion ? items[0] : *this; }
  bool is_null() const { return unwrapped().type == AvroType::kNull; }

 private:
  static AvroValue Number(AvroType type, int64_t v) {
    AvroValue a;
    a.type = type;
    a.integer = v;
    return a;
  }
  static AvroValue Real(AvroType type, double v) {
    AvroValue a;
    a.type = type;
    a.real = v;
    return a;
  }
  static AvroValue Text(AvroType type, std::string v) {
    AvroValue a;
    a.type = type;
    a.bytes = std::move(v);
    return a;
  }
  static AvroValue Items(AvroType type, std::vector<AvroValue> items) {
    AvroValue a;
    a.type = type;
    a.items = std::move(items);
    return a;
  }
};

}  // namespace tarn
