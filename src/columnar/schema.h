// A flat schema: fields with Iceberg field ids, names, types and nullability.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "columnar/types.h"

namespace tarn {

struct Field {
  int32_t id = 0;  // Iceberg field id, > 0, unique in the schema
  std::string name;
  DataType type;
  bool required = false;

  bool operator==(const Field&) const = default;
};

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  const std::vector<Field>& fields() const { return fields_; }
  size_t num_fields() const { return fields_.size(); }
  const Field& field(size_t i) const { return fields_[i]; }
  // Index of the field named `name`, or -1.
  int FindField(std::string_view name) const;

  // kInvalidArgument for an empty or duplicate name, a duplicate or non-positive id, or a bad
  // decimal / fixed type.
  Status Validate() const;

  // Parses "name:type[?],..." where a trailing '?' marks an optional column; ids are 1..N.
  static Result<Schema> Parse(std::string_view spec);
  // The same text form.
  std::string ToString() const;

  bool operator==(const Schema&) const = default;

 private:
  std::vector<Field> fields_;
};

}  // namespace tarn
