#include "columnar/schema.h"

#include <set>

namespace tarn {

int Schema::FindField(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Status Schema::Validate() const {
  std::set<std::string> names;
  std::set<int32_t> ids;
  for (const Field& f : fields_) {
    if (f.name.empty()) return Status::InvalidArgument("schema has a field with an empty name");
    if (!names.insert(f.name).second) {
      return Status::InvalidArgument("schema has two fields named '" + f.name + "'");
    }
    if (f.id <= 0 || !ids.insert(f.id).second) {
      return Status::InvalidArgument("field '" + f.name + "' has id " + std::to_string(f.id) +
                                     ", which is not positive or not unique");
    }
    if (f.type.id == TypeId::kDecimal && (f.type.precision < 1 || f.type.precision > 38 ||
                                          f.type.scale < 0 || f.type.scale > f.type.precision)) {
      return Status::InvalidArgument("field '" + f.name + "' has invalid type " +
                                     f.type.ToString());
    }
    if (f.type.id == TypeId::kFixed && f.type.length <= 0) {
      return Status::InvalidArgument("field '" + f.name + "' has invalid type " +
                                     f.type.ToString());
    }
  }
  return Status::OK();
}

Result<Schema> Schema::Parse(std::string_view spec) {
  std::vector<Field> fields;
  size_t start = 0;
  while (start <= spec.size()) {
    // Commas inside decimal(p,s) do not separate fields.
    size_t end = start;
    int depth = 0;
    while (end < spec.size() && (spec[end] != ',' || depth > 0)) {
      if (spec[end] == '(') ++depth;
      if (spec[end] == ')') --depth;
      ++end;
    }
    std::string_view item = spec.substr(start, end - start);
    size_t colon = item.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Status::InvalidArgument("schema '" + std::string(spec) + "': '" + std::string(item) +
                                     "' is not name:type");
    }
    Field field;
    field.id = static_cast<int32_t>(fields.size() + 1);
    field.name = std::string(item.substr(0, colon));
    std::string_view type = item.substr(colon + 1);
    field.required = !type.ends_with('?');
    if (!field.required) type.remove_suffix(1);
    Result<DataType> parsed = ParseDataType(type);
    if (!parsed.ok()) return parsed.status().WithContext("schema field '" + field.name + "'");
    field.type = *parsed;
    fields.push_back(std::move(field));
    start = end + 1;
  }
  Schema schema(std::move(fields));
  TARN_RETURN_IF_ERROR(schema.Validate());
  return schema;
}

std::string Schema::ToString() const {
  std::string out;
  for (const Field& f : fields_) {
    if (!out.empty()) out += ",";
    out += f.name + ":" + f.type.ToString() + (f.required ? "" : "?");
  }
  return out;
}

}  // namespace tarn
