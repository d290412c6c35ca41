// Avro schemas (Avro 1.11 specification, "Schema Declaration"), parsed from and written back to
// JSON with every attribute kept: Iceberg puts its ids in `field-id`, `element-id`, `key-id` and
// `value-id` attributes and its maps in arrays marked `"logicalType": "map"`, and readers such
// as Spark, PyIceberg and icebird look for them there.
//
// Named types (records, enums, fixed) may be referenced by name after their definition. A type
// that refers to itself (a recursive record) is refused with kNotImplemented: no format tarn
// reads uses one, and refusing it keeps every schema a tree.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tarn {

enum class AvroType {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed,
};

// "null", "boolean", ..., "record", "union", "fixed".
std::string_view AvroTypeName(AvroType type);

struct AvroSchema;
using AvroSchemaPtr = std::shared_ptr<const AvroSchema>;

struct AvroField {
  std::string name;
  AvroSchemaPtr schema;
  // The field's other attributes, in the order written: "field-id", "default", "doc", ...
  nlohmann::ordered_json attributes = nlohmann::ordered_json::object();

  // The integer attribute `key` ("field-id"), if present.
  std::optional<int64_t> IntAttribute(const std::string& key) const;
};

struct AvroSchema {
  AvroType type = AvroType::kNull;
  std::string name;                     // record, enum, fixed: the full name
  std::vector<AvroField> fields;        // record
  std::vector<std::string> symbols;     // enum
  AvroSchemaPtr items;                  // array items, map values
  std::vector<AvroSchemaPtr> branches;  // union
  int64_t size = 0;                     // fixed
  // Other attributes of a complex type ("logicalType", "element-id", "doc", ...), as written.
  nlohmann::ordered_json attributes = nlohmann::ordered_json::object();

  std::optional<int64_t> IntAttribute(const std::string& key) const;
  // The index of field `name` of a record, or -1.
  int FieldIndex(std::string_view field_name) const;
  // For a union of null and one other type: that type's branch index; else -1.
  int NonNullBranch() const;
};

// Parses a schema; kInvalidArgument names what is wrong and where (a JSON path).
Result<AvroSchemaPtr> ParseAvroSchema(std::string_view json);
// The schema as JSON; names are written in full at their first use and by name afterwards.
std::string AvroSchemaToJson(const AvroSchema& schema);

// Builders for code that writes Avro (Iceberg manifests).
AvroSchemaPtr AvroPrimitive(AvroType type);
AvroSchemaPtr AvroOptional(AvroSchemaPtr schema);  // ["null", schema]
AvroSchemaPtr AvroArray(AvroSchemaPtr items, nlohmann::ordered_json attributes = {});
AvroSchemaPtr AvroRecord(std::string name, std::vector<AvroField> fields,
                         nlohmann::ordered_json attributes = {});

}  // namespace tarn
