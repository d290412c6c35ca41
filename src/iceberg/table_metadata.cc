#include "iceberg/table_metadata.h"

#include <cstdio>

#include "base/random.h"
#include "columnar/schema_json.h"

namespace tarn::iceberg {
namespace {

using Json = nlohmann::ordered_json;

class Reader {
 public:
  Reader(const Json& doc, std::string name) : doc_(doc), name_(std::move(name)) {}

  Status Bad(const std::string& what) const {
    return Status::Corruption("'" + name_ + "': table metadata " + what);
  }

  template <typename T>
  Status Required(const Json& object, const char* key, T* out, const std::string& where = "") {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return Bad(where + "lacks \"" + key + "\"");
    return As(*it, key, out, where);
  }

  template <typename T>
  Status Optional(const Json& object, const char* key, std::optional<T>* out,
                  const std::string& where = "") {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return Status::OK();
    T value;
    TARN_RETURN_IF_ERROR(As(*it, key, &value, where));
    *out = value;
    return Status::OK();
  }

  template <typename T>
  Status As(const Json& value, const char* key, T* out, const std::string& where) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (!value.is_string()) return Bad(where + "\"" + key + "\" is not a string");
      *out = value.get<std::string>();
    } else {
      if (!value.is_number_integer()) return Bad(where + "\"" + key + "\" is not an integer");
      *out = value.get<T>();
    }
    return Status::OK();
  }

 private:
  const Json& doc_;
  std::string name_;
};

Json SpecJson(const PartitionSpec& spec) {
  return {{"spec-id", spec.spec_id}, {"fields", Json::parse(PartitionFieldsJson(spec))}};
}

}  // namespace

std::string PartitionFieldsJson(const PartitionSpec& spec) {
  Json fields = Json::array();
  for (const PartitionField& f : spec.fields) {
    fields.push_back({{"name", f.name},
                      {"transform", f.transform},
                      {"source-id", f.source_id},
                      {"field-id", f.field_id}});
  }
  return fields.dump();
}

std::string Snapshot::operation() const {
  auto it = summary.find("operation");
  return it == summary.end() ? "" : it->second;
}

int64_t Snapshot::SummaryCount(const std::string& key) const {
  auto it = summary.find(key);
  if (it == summary.end()) return 0;
  char* end = nullptr;
  long long v = std::strtoll(it->second.c_str(), &end, 10);
  return end != nullptr && *end == '\0' ? v : 0;
}

const Schema& TableMetadata::schema() const { return *SchemaById(current_schema_id); }

const Schema* TableMetadata::SchemaById(int32_t id) const {
  for (const auto& [schema_id, schema] : schemas) {
    if (schema_id == id) return &schema;
  }
  return nullptr;
}

const PartitionSpec& TableMetadata::spec() const { return *SpecById(default_spec_id); }

const PartitionSpec* TableMetadata::SpecById(int32_t id) const {
  for (const PartitionSpec& s : specs) {
    if (s.spec_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::current_snapshot() const {
  return current_snapshot_id ? SnapshotById(*current_snapshot_id) : nullptr;
}

const Snapshot* TableMetadata::SnapshotById(int64_t id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::SnapshotAsOf(int64_t timestamp_ms) const {
  const Snapshot* found = nullptr;
  for (const auto& [ts, id] : snapshot_log) {
    if (ts <= timestamp_ms) found = SnapshotById(id);
  }
  return found;
}

Result<TableMetadata> ParseTableMetadata(std::string_view text, const std::string& name) {
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  Reader r(doc, name);
  if (doc.is_discarded() || !doc.is_object()) return r.Bad("is not a JSON object");
  TableMetadata m;
  TARN_RETURN_IF_ERROR(r.Required(doc, "format-version", &m.format_version));
  if (m.format_version != 1 && m.format_version != 2) {
    return Status::NotImplemented("'" + name + "': Iceberg format version " +
                                  std::to_string(m.format_version) + " (tarn reads 1 and 2)");
  }
  TARN_RETURN_IF_ERROR(r.Required(doc, "location", &m.location));
  while (m.location.ends_with('/')) m.location.pop_back();
  std::optional<std::string> uuid;
  TARN_RETURN_IF_ERROR(r.Optional(doc, "table-uuid", &uuid));
  m.table_uuid = uuid.value_or("");
  std::optional<int64_t> n;
  TARN_RETURN_IF_ERROR(r.Optional(doc, "last-sequence-number", &n));
  m.last_sequence_number = n.value_or(0);
  TARN_RETURN_IF_ERROR(r.Required(doc, "last-updated-ms", &m.last_updated_ms));
  TARN_RETURN_IF_ERROR(r.Required(doc, "last-column-id", &m.last_column_id));

  // Schemas (v1 may have only "schema").
  if (auto schemas = doc.find("schemas"); schemas != doc.end() && schemas->is_array()) {
    for (const Json& s : *schemas) {
      int32_t id = s.value("schema-id", 0);
      Result<Schema> schema = SchemaFromIcebergJson(s.dump());
      if (!schema.ok())
        return schema.status().WithContext("'" + name + "' schema " + std::to_string(id));
      m.schemas.emplace_back(id, *std::move(schema));
    }
    TARN_RETURN_IF_ERROR(r.Required(doc, "current-schema-id", &m.current_schema_id));
  } else if (auto schema = doc.find("schema"); schema != doc.end()) {
    Result<Schema> parsed = SchemaFromIcebergJson(schema->dump());
    if (!parsed.ok()) return parsed.status().WithContext("'" + name + "'");
    m.schemas.emplace_back(schema->value("schema-id", 0), *std::move(parsed));
    m.current_schema_id = m.schemas[0].first;
  }
  if (m.SchemaById(m.current_schema_id) == nullptr) {
    return r.Bad("has no schema with the current-schema-id " + std::to_string(m.current_schema_id));
  }

  // Partition specs (v1 may have only "partition-spec", the fields of spec 0).
  auto read_fields = [&](const Json& fields, PartitionSpec* spec) -> Status {
    if (!fields.is_array()) return r.Bad("partition spec fields are not a list");
    for (const Json& f : fields) {
      PartitionField field;
      std::string where = "partition field " + f.dump() + " ";
      TARN_RETURN_IF_ERROR(r.Required(f, "source-id", &field.source_id, where));
      std::optional<int32_t> field_id;
      TARN_RETURN_IF_ERROR(r.Optional(f, "field-id", &field_id, where));
      field.field_id = field_id.value_or(1000 + static_cast<int32_t>(spec->fields.size()));
      TARN_RETURN_IF_ERROR(r.Required(f, "name", &field.name, where));
      TARN_RETURN_IF_ERROR(r.Required(f, "transform", &field.transform, where));
      spec->fields.push_back(std::move(field));
    }
    return Status::OK();
  };
  if (auto specs = doc.find("partition-specs"); specs != doc.end() && specs->is_array()) {
    for (const Json& s : *specs) {
      PartitionSpec spec;
      TARN_RETURN_IF_ERROR(r.Required(s, "spec-id", &spec.spec_id, "partition spec "));
      TARN_RETURN_IF_ERROR(read_fields(s.value("fields", Json::array()), &spec));
      m.specs.push_back(std::move(spec));
    }
    TARN_RETURN_IF_ERROR(r.Required(doc, "default-spec-id", &m.default_spec_id));
  } else {
    PartitionSpec spec;
    if (auto fields = doc.find("partition-spec"); fields != doc.end()) {
      TARN_RETURN_IF_ERROR(read_fields(*fields, &spec));
    }
    m.specs.push_back(std::move(spec));
  }
  if (m.SpecById(m.default_spec_id) == nullptr) {
    return r.Bad("has no partition spec with the default-spec-id " +
                 std::to_string(m.default_spec_id));
  }
  std::optional<int32_t> last_partition_id;
  TARN_RETURN_IF_ERROR(r.Optional(doc, "last-partition-id", &last_partition_id));
  m.last_partition_id = last_partition_id.value_or(999);
  for (const PartitionSpec& s : m.specs) {
    for (const PartitionField& f : s.fields)
      m.last_partition_id = std::max(m.last_partition_id, f.field_id);
  }

  if (auto orders = doc.find("sort-orders"); orders != doc.end()) m.sort_orders = *orders;
  m.default_sort_order_id = doc.value("default-sort-order-id", int64_t{0});
  if (auto props = doc.find("properties"); props != doc.end() && props->is_object()) {
    for (const auto& [k, v] : props->items()) {
      m.properties[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  std::optional<int64_t> current;
  TARN_RETURN_IF_ERROR(r.Optional(doc, "current-snapshot-id", &current));
  if (current && *current != -1) m.current_snapshot_id = current;

  if (auto snapshots = doc.find("snapshots"); snapshots != doc.end() && snapshots->is_array()) {
    for (const Json& s : *snapshots) {
      Snapshot snap;
      const std::string where = "snapshot ";
      TARN_RETURN_IF_ERROR(r.Required(s, "snapshot-id", &snap.snapshot_id, where));
      TARN_RETURN_IF_ERROR(r.Optional(s, "parent-snapshot-id", &snap.parent_snapshot_id, where));
      std::optional<int64_t> sequence;
      TARN_RETURN_IF_ERROR(r.Optional(s, "sequence-number", &sequence, where));
      snap.sequence_number = sequence.value_or(0);
      TARN_RETURN_IF_ERROR(r.Required(s, "timestamp-ms", &snap.timestamp_ms, where));
      TARN_RETURN_IF_ERROR(r.Required(s, "manifest-list", &snap.manifest_list,
                                      where + std::to_string(snap.snapshot_id) + " "));
      if (auto summary = s.find("summary"); summary != s.end() && summary->is_object()) {
        for (const auto& [k, v] : summary->items()) {
          snap.summary[k] = v.is_string() ? v.get<std::string>() : v.dump();
        }
      }
      TARN_RETURN_IF_ERROR(r.Optional(s, "schema-id", &snap.schema_id, where));
      m.snapshots.push_back(std::move(snap));
    }
  }
  if (m.current_snapshot_id && m.current_snapshot() == nullptr) {
    return r.Bad("names current snapshot " + std::to_string(*m.current_snapshot_id) +
                 ", which it does not list");
  }
  if (auto log = doc.find("snapshot-log"); log != doc.end() && log->is_array()) {
    for (const Json& e : *log) {
      int64_t ts = 0, id = 0;
      TARN_RETURN_IF_ERROR(r.Required(e, "timestamp-ms", &ts, "snapshot-log "));
      TARN_RETURN_IF_ERROR(r.Required(e, "snapshot-id", &id, "snapshot-log "));
      m.snapshot_log.emplace_back(ts, id);
    }
  }
  if (auto log = doc.find("metadata-log"); log != doc.end() && log->is_array()) {
    for (const Json& e : *log) {
      int64_t ts = 0;
      std::string file;
      TARN_RETURN_IF_ERROR(r.Required(e, "timestamp-ms", &ts, "metadata-log "));
      TARN_RETURN_IF_ERROR(r.Required(e, "metadata-file", &file, "metadata-log "));
      m.metadata_log.emplace_back(ts, std::move(file));
    }
  }
  if (auto refs = doc.find("refs"); refs != doc.end() && refs->is_object()) m.refs = *refs;
  static const char* kModelled[] = {"format-version",
                                    "table-uuid",
                                    "location",
                                    "last-sequence-number",
                                    "last-updated-ms",
                                    "last-column-id",
                                    "schemas",
                                    "schema",
                                    "current-schema-id",
                                    "partition-specs",
                                    "partition-spec",
                                    "default-spec-id",
                                    "last-partition-id",
                                    "sort-orders",
                                    "default-sort-order-id",
                                    "properties",
                                    "current-snapshot-id",
                                    "snapshots",
                                    "snapshot-log",
                                    "metadata-log",
                                    "refs"};
  for (const auto& [k, v] : doc.items()) {
    bool known = false;
    for (const char* key : kModelled) known = known || k == key;
    if (!known) m.extra[k] = v;
  }
  m.format_version = 2;  // tarn writes back v2; a v1 table is upgraded on its next commit
  return m;
}

std::string TableMetadataToJson(const TableMetadata& m) {
  Json doc;
  doc["format-version"] = m.format_version;
  doc["table-uuid"] = m.table_uuid;
  doc["location"] = m.location;
  doc["last-sequence-number"] = m.last_sequence_number;
  doc["last-updated-ms"] = m.last_updated_ms;
  doc["last-column-id"] = m.last_column_id;
  Json schemas = Json::array();
  for (const auto& [id, schema] : m.schemas) {
    schemas.push_back(Json::parse(SchemaToIcebergJson(schema, id)));
  }
  doc["schemas"] = std::move(schemas);
  doc["current-schema-id"] = m.current_schema_id;
  Json specs = Json::array();
  for (const PartitionSpec& s : m.specs) specs.push_back(SpecJson(s));
  doc["partition-specs"] = std::move(specs);
  doc["default-spec-id"] = m.default_spec_id;
  doc["last-partition-id"] = m.last_partition_id;
  doc["sort-orders"] = m.sort_orders.empty()
                           ? Json::array({{{"order-id", 0}, {"fields", Json::array()}}})
                           : m.sort_orders;
  doc["default-sort-order-id"] = m.default_sort_order_id;
  Json props = Json::object();
  for (const auto& [k, v] : m.properties) props[k] = v;
  doc["properties"] = std::move(props);
  doc["current-snapshot-id"] = m.current_snapshot_id.value_or(-1);
  Json snapshots = Json::array();
  for (const Snapshot& s : m.snapshots) {
    Json snap;
    snap["snapshot-id"] = s.snapshot_id;
    if (s.parent_snapshot_id) snap["parent-snapshot-id"] = *s.parent_snapshot_id;
    snap["sequence-number"] = s.sequence_number;
    snap["timestamp-ms"] = s.timestamp_ms;
    snap["manifest-list"] = s.manifest_list;
    Json summary;
    summary["operation"] = s.operation();
    for (const auto& [k, v] : s.summary) {
      if (k != "operation") summary[k] = v;
    }
    snap["summary"] = std::move(summary);
    if (s.schema_id) snap["schema-id"] = *s.schema_id;
    snapshots.push_back(std::move(snap));
  }
  doc["snapshots"] = std::move(snapshots);
  Json snapshot_log = Json::array();
  for (const auto& [ts, id] : m.snapshot_log) {
    snapshot_log.push_back({{"timestamp-ms", ts}, {"snapshot-id", id}});
  }
  doc["snapshot-log"] = std::move(snapshot_log);
  Json metadata_log = Json::array();
  for (const auto& [ts, file] : m.metadata_log) {
    metadata_log.push_back({{"timestamp-ms", ts}, {"metadata-file", file}});
  }
  doc["metadata-log"] = std::move(metadata_log);
  Json refs = m.refs.is_object() ? m.refs : Json::object();
  if (m.current_snapshot_id) {
    refs["main"] = {{"snapshot-id", *m.current_snapshot_id}, {"type", "branch"}};
  } else {
    refs.erase("main");
  }
  doc["refs"] = std::move(refs);
  for (const auto& [k, v] : m.extra.items()) doc[k] = v;
  return doc.dump(2);
}

std::string MetadataFileName(int64_t version) {
  char prefix[32];
  std::snprintf(prefix, sizeof(prefix), "%05lld-", static_cast<long long>(version));
  return prefix + RandomUuid() + ".metadata.json";
}

int64_t MetadataFileVersion(std::string_view file_name) {
  size_t slash = file_name.rfind('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  size_t dash = file_name.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash > 18) return -1;
  int64_t v = 0;
  for (char c : file_name.substr(0, dash)) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace tarn::iceberg
