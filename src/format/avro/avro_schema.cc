#include "format/avro/avro_schema.h"

#include <map>
#include <set>

namespace tarn {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kMaxDepth = 64;  // nesting deeper than this is refused, not recursed into

constexpr std::pair<std::string_view, AvroType> kPrimitives[] = {
    {"null", AvroType::kNull},   {"boolean", AvroType::kBoolean}, {"int", AvroType::kInt},
    {"long", AvroType::kLong},   {"float", AvroType::kFloat},     {"double", AvroType::kDouble},
    {"bytes", AvroType::kBytes}, {"string", AvroType::kString},
};

std::optional<int64_t> IntOf(const Json& attributes, const std::string& key) {
  auto it = attributes.find(key);
  if (it == attributes.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

class Parser {
 public:
  Result<AvroSchemaPtr> Parse(const Json& json, const std::string& path, const std::string& space,
                              int depth) {
    if (depth > kMaxDepth) return Bad(path, "nests deeper than " + std::to_string(kMaxDepth));
    if (json.is_string()) return Named(json.get<std::string>(), path, space);
    if (json.is_array()) return Union(json, path, space, depth);
    if (!json.is_object()) return Bad(path, "is not a type (a name, an object or an array)");
    auto type = json.find("type");
    if (type == json.end()) return Bad(path, "has no \"type\"");
    if (!type->is_string()) {
      // {"type": {...}} or {"type": [...]}: a type wrapped in an object, as fields write it.
      return Parse(*type, path + ".type", space, depth + 1);
    }
    std::string kind = type->get<std::string>();
    auto schema = std::make_shared<AvroSchema>();
    for (const auto& [name, primitive] : kPrimitives) {
      if (kind == name) {
        schema->type = primitive;
        schema->attributes = Attributes(json, {"type"});
        return AvroSchemaPtr(schema);
      }
    }
    if (kind == "record" || kind == "error") return Record(json, path, space, depth, schema);
    if (kind == "enum") {
      schema->type = AvroType::kEnum;
      TARN_RETURN_IF_ERROR(Define(json, path, space, schema));
      auto symbols = json.find("symbols");
      if (symbols == json.end() || !symbols->is_array()) return Bad(path, "enum has no symbols");
      for (const Json& symbol : *symbols) {
        if (!symbol.is_string()) return Bad(path, "enum symbol is not a string");
        schema->symbols.push_back(symbol.get<std::string>());
      }
      schema->attributes = Attributes(json, {"type", "name", "namespace", "symbols"});
      return AvroSchemaPtr(schema);
    }
    if (kind == "fixed") {
      schema->type = AvroType::kFixed;
      TARN_RETURN_IF_ERROR(Define(json, path, space, schema));
      auto size = json.find("size");
      if (size == json.end() || !size->is_number_integer() || size->get<int64_t>() < 0 ||
          size->get<int64_t>() > (int64_t{1} << 20)) {
        return Bad(path, "fixed needs a size from 0 to 1 MiB");
      }
      schema->size = size->get<int64_t>();
      schema->attributes = Attributes(json, {"type", "name", "namespace", "size"});
      return AvroSchemaPtr(schema);
    }
    if (kind == "array" || kind == "map") {
      schema->type = kind == "array" ? AvroType::kArray : AvroType::kMap;
      const char* key = kind == "array" ? "items" : "values";
      auto items = json.find(key);
      if (items == json.end()) return Bad(path, kind + " has no \"" + key + "\"");
      TARN_ASSIGN_OR_RETURN(schema->items, Parse(*items, path + "." + key, space, depth + 1));
      schema->attributes = Attributes(json, {"type", key});
      return AvroSchemaPtr(schema);
    }
    // A named type used as {"type": "name"}.
    return Named(kind, path, space);
  }

 private:
  static Status Bad(const std::string& path, const std::string& what) {
    return Status::InvalidArgument("Avro schema: " + path + " " + what);
  }

  static Json Attributes(const Json& json, std::initializer_list<std::string_view> known) {
    Json out = Json::object();
    for (const auto& [key, value] : json.items()) {
      bool skip = false;
      for (std::string_view k : known) skip = skip || key == k;
      if (!skip) out[key] = value;
    }
    return out;
  }

  static std::string FullName(const std::string& name, const std::string& space) {
    if (name.find('.') != std::string::npos || space.empty()) return name;
    return space + "." + name;
  }

  Status Define(const Json& json, const std::string& path, const std::string& space,
                const std::shared_ptr<AvroSchema>& schema) {
    auto name = json.find("name");
    if (name == json.end() || !name->is_string() || name->get<std::string>().empty()) {
      return Bad(path, "has no name");
    }
    std::string ns = space;
    if (auto n = json.find("namespace"); n != json.end() && n->is_string()) {
      ns = n->get<std::string>();
    }
    schema->name = FullName(name->get<std::string>(), ns);
    if (defined_.count(schema->name) || open_.count(schema->name)) {
      return Bad(path, "defines '" + schema->name + "' a second time");
    }
    return Status::OK();
  }

  Result<AvroSchemaPtr> Named(const std::string& name, const std::string& path,
                              const std::string& space) {
    for (const auto& [primitive, type] : kPrimitives) {
      if (name == primitive) return AvroPrimitive(type);
    }
    for (const std::string& candidate : {FullName(name, space), name}) {
      if (open_.count(candidate)) {
        return Status::NotImplemented("Avro schema: " + path + " refers to '" + candidate +
                                      "' inside its own definition (recursive types)");
      }
      if (auto it = defined_.find(candidate); it != defined_.end()) return it->second;
    }
    return Bad(path, "names an unknown type '" + name + "'");
  }

  Result<AvroSchemaPtr> Union(const Json& json, const std::string& path, const std::string& space,
                              int depth) {
    auto schema = std::make_shared<AvroSchema>();
    schema->type = AvroType::kUnion;
    if (json.empty()) return Bad(path, "is an empty union");
    std::set<std::string> seen;
    for (size_t i = 0; i < json.size(); ++i) {
      std::string at = path + "[" + std::to_string(i) + "]";
      TARN_ASSIGN_OR_RETURN(AvroSchemaPtr branch, Parse(json[i], at, space, depth + 1));
      if (branch->type == AvroType::kUnion) return Bad(at, "is a union inside a union");
      std::string key =
          branch->name.empty() ? std::string(AvroTypeName(branch->type)) : branch->name;
      if (!seen.insert(key).second) return Bad(at, "repeats '" + key + "' in a union");
      schema->branches.push_back(std::move(branch));
    }
    return AvroSchemaPtr(schema);
  }

  Result<AvroSchemaPtr> Record(const Json& json, const std::string& path, const std::string& space,
                               int depth, const std::shared_ptr<AvroSchema>& schema) {
    schema->type = AvroType::kRecord;
    TARN_RETURN_IF_ERROR(Define(json, path, space, schema));
    std::string ns = schema->name.rfind('.') == std::string::npos
                         ? ""
                         : schema->name.substr(0, schema->name.rfind('.'));
    auto fields = json.find("fields");
    if (fields == json.end() || !fields->is_array()) return Bad(path, "record has no fields");
    open_.insert(schema->name);
    std::set<std::string> names;
    for (size_t i = 0; i < fields->size(); ++i) {
      const Json& f = (*fields)[i];
      std::string at = path + ".fields[" + std::to_string(i) + "]";
      if (!f.is_object()) return Bad(at, "is not an object");
      auto name = f.find("name");
      if (name == f.end() || !name->is_string()) return Bad(at, "has no name");
      auto type = f.find("type");
      if (type == f.end()) return Bad(at, "has no type");
      AvroField field;
      field.name = name->get<std::string>();
      if (!names.insert(field.name).second) return Bad(at, "repeats field '" + field.name + "'");
      TARN_ASSIGN_OR_RETURN(field.schema, Parse(*type, at + "(" + field.name + ")", ns, depth + 1));
      field.attributes = Attributes(f, {"name", "type"});
      schema->fields.push_back(std::move(field));
    }
    open_.erase(schema->name);
    defined_[schema->name] = schema;
    schema->attributes = Attributes(json, {"type", "name", "namespace", "fields"});
    return AvroSchemaPtr(schema);
  }

  std::map<std::string, AvroSchemaPtr> defined_;
  std::set<std::string> open_;  // records being defined
};

class Writer {
 public:
  Json Write(const AvroSchema& s) {
    if (!s.name.empty()) {
      if (!written_.insert(s.name).second) return s.name;
    }
    switch (s.type) {
      case AvroType::kUnion: {
        Json out = Json::array();
        for (const AvroSchemaPtr& b : s.branches) out.push_back(Write(*b));
        return out;
      }
      case AvroType::kRecord: {
        Json out = {{"type", "record"}, {"name", s.name}};
        Json fields = Json::array();
        for (const AvroField& f : s.fields) {
          Json field = {{"name", f.name}, {"type", Write(*f.schema)}};
          for (const auto& [k, v] : f.attributes.items()) field[k] = v;
          fields.push_back(std::move(field));
        }
        out["fields"] = std::move(fields);
        return Merge(std::move(out), s);
      }
      case AvroType::kEnum:
        return Merge({{"type", "enum"}, {"name", s.name}, {"symbols", s.symbols}}, s);
      case AvroType::kFixed:
        return Merge({{"type", "fixed"}, {"name", s.name}, {"size", s.size}}, s);
      case AvroType::kArray:
        return Merge({{"type", "array"}, {"items", Write(*s.items)}}, s);
      case AvroType::kMap:
        return Merge({{"type", "map"}, {"values", Write(*s.items)}}, s);
      default:
        if (s.attributes.empty()) return std::string(AvroTypeName(s.type));
        return Merge({{"type", AvroTypeName(s.type)}}, s);
    }
  }

 private:
  static Json Merge(Json out, const AvroSchema& s) {
    for (const auto& [k, v] : s.attributes.items()) out[k] = v;
    return out;
  }
  std::set<std::string> written_;
};

}  // namespace

std::string_view AvroTypeName(AvroType type) {
  switch (type) {
    case AvroType::kRecord:
      return "record";
    case AvroType::kEnum:
      return "enum";
    case AvroType::kArray:
      return "array";
    case AvroType::kMap:
      return "map";
    case AvroType::kUnion:
      return "union";
    case AvroType::kFixed:
      return "fixed";
    default:
      for (const auto& [name, primitive] : kPrimitives) {
        if (primitive == type) return name;
      }
      return "unknown";
  }
}

std::optional<int64_t> AvroField::IntAttribute(const std::string& key) const {
  return IntOf(attributes, key);
}

std::optional<int64_t> AvroSchema::IntAttribute(const std::string& key) const {
  return IntOf(attributes, key);
}

int AvroSchema::FieldIndex(std::string_view field_name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return static_cast<int>(i);
  }
  return -1;
}

int AvroSchema::NonNullBranch() const {
  if (type != AvroType::kUnion || branches.size() != 2) return -1;
  if (branches[0]->type == AvroType::kNull) return 1;
  if (branches[1]->type == AvroType::kNull) return 0;
  return -1;
}

Result<AvroSchemaPtr> ParseAvroSchema(std::string_view json) {
  Json parsed = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Status::InvalidArgument("Avro schema: not valid JSON");
  Parser parser;
  return parser.Parse(parsed, "$", "", 0);
}

std::string AvroSchemaToJson(const AvroSchema& schema) { return Writer().Write(schema).dump(); }

AvroSchemaPtr AvroPrimitive(AvroType type) {
  auto schema = std::make_shared<AvroSchema>();
  schema->type = type;
  return schema;
}

AvroSchemaPtr AvroOptional(AvroSchemaPtr schema) {
  auto u = std::make_shared<AvroSchema>();
  u->type = AvroType::kUnion;
  u->branches = {AvroPrimitive(AvroType::kNull), std::move(schema)};
  return u;
}

AvroSchemaPtr AvroArray(AvroSchemaPtr items, nlohmann::ordered_json attributes) {
  auto a = std::make_shared<AvroSchema>();
  a->type = AvroType::kArray;
  a->items = std::move(items);
  if (attributes.is_object()) a->attributes = std::move(attributes);
  return a;
}

AvroSchemaPtr AvroRecord(std::string name, std::vector<AvroField> fields,
                         nlohmann::ordered_json attributes) {
  auto r = std::make_shared<AvroSchema>();
  r->type = AvroType::kRecord;
  r->name = std::move(name);
  r->fields = std::move(fields);
  if (attributes.is_object()) r->attributes = std::move(attributes);
  return r;
}

}  // namespace tarn
