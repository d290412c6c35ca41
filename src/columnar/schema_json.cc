#include "columnar/schema_json.h"

#include <nlohmann/json.hpp>

namespace tarn {

Result<Schema> SchemaFromIcebergJson(std::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument("schema JSON is not a JSON object");
  }
  if (doc.value("type", "") != "struct" || !doc.contains("fields") || !doc["fields"].is_array()) {
    return Status::InvalidArgument("schema JSON must be {\"type\": \"struct\", \"fields\": [...]}");
  }
  std::vector<Field> fields;
  for (const nlohmann::json& f : doc["fields"]) {
    if (!f.is_object() || !f.contains("id") || !f["id"].is_number_integer() ||
        !f.contains("name") || !f["name"].is_string() || !f.contains("type")) {
      return Status::InvalidArgument("schema JSON field " + f.dump() +
                                     " needs an integer id, a name and a type");
    }
    std::string name = f["name"].get<std::string>();
    if (!f["type"].is_string()) {
      return Status::NotImplemented("schema field '" + name +
                                    "' is nested, which tarn does not support yet");
    }
    Result<DataType> type = ParseDataType(f["type"].get<std::string>());
    if (!type.ok()) return type.status().WithContext("schema field '" + name + "'");
    bool required =
        f.contains("required") && f["required"].is_boolean() && f["required"].get<bool>();
    fields.push_back({static_cast<int32_t>(f["id"].get<int64_t>()), name, *type, required});
  }
  Schema schema(std::move(fields));
  TARN_RETURN_IF_ERROR(schema.Validate());
  return schema;
}

std::string SchemaToIcebergJson(const Schema& schema, int schema_id) {
  nlohmann::ordered_json doc;
  doc["type"] = "struct";
  if (schema_id >= 0) doc["schema-id"] = schema_id;
  doc["fields"] = nlohmann::ordered_json::array();
  for (const Field& f : schema.fields()) {
    doc["fields"].push_back(
        {{"id", f.id}, {"name", f.name}, {"required", f.required}, {"type", f.type.ToString()}});
  }
  return doc.dump();
}

}  // namespace tarn
