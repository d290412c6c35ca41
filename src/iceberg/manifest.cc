#include "iceberg/manifest.h"

#include <cmath>

#include "columnar/schema_json.h"
#include "format/avro/avro_file.h"
#include "iceberg/values.h"

namespace tarn::iceberg {
namespace {

using Json = nlohmann::ordered_json;

AvroField Required(std::string name, AvroSchemaPtr schema, int32_t id) {
  return {std::move(name), std::move(schema), Json{{"field-id", id}}};
}

AvroField Optional(std::string name, AvroSchemaPtr schema, int32_t id) {
  return {std::move(name), AvroOptional(std::move(schema)),
          Json{{"default", nullptr}, {"field-id", id}}};
}

AvroSchemaPtr P(AvroType type) { return AvroPrimitive(type); }

// An Iceberg map<int, V> in Avro: an array of k<K>_v<V> records marked logicalType map.
AvroSchemaPtr IntMap(int32_t key_id, int32_t value_id, AvroType value) {
  auto entry = AvroRecord(
      "k" + std::to_string(key_id) + "_v" + std::to_string(value_id),
      {Required("key", P(AvroType::kInt), key_id), Required("value", P(value), value_id)});
  return AvroArray(entry, Json{{"logicalType", "map"}});
}

int DecimalBytes(int precision) {
  int bytes = 1;
  long double limit = 1;
  for (int i = 0; i < precision; ++i) limit *= 10;
  while (std::pow(2.0L, 8 * bytes - 1) < limit) ++bytes;
  return bytes;
}

AvroSchemaPtr Annotated(AvroType type, Json attributes) {
  auto s = std::make_shared<AvroSchema>();
  s->type = type;
  s->attributes = std::move(attributes);
  return s;
}

AvroSchemaPtr Fixed(std::string name, int64_t size, Json attributes = Json::object()) {
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kFixed;
  s->name = std::move(name);
  s->size = size;
  s->attributes = std::move(attributes);
  return s;
}

// The Avro type of partition values of `type` (Java's AvroSchemaUtil / TypeToSchema).
AvroSchemaPtr AvroTypeOf(const DataType& type) {
  switch (type.id) {
    case TypeId::kBoolean:
      return P(AvroType::kBoolean);
    case TypeId::kInt:
      return P(AvroType::kInt);
    case TypeId::kLong:
      return P(AvroType::kLong);
    case TypeId::kFloat:
      return P(AvroType::kFloat);
    case TypeId::kDouble:
      return P(AvroType::kDouble);
    case TypeId::kDate:
      return Annotated(AvroType::kInt, {{"logicalType", "date"}});
    case TypeId::kTime:
      return Annotated(AvroType::kLong, {{"logicalType", "time-micros"}});
    case TypeId::kTimestamp:
      return Annotated(AvroType::kLong,
                       {{"logicalType", "timestamp-micros"}, {"adjust-to-utc", false}});
    case TypeId::kTimestampTz:
      return Annotated(AvroType::kLong,
                       {{"logicalType", "timestamp-micros"}, {"adjust-to-utc", true}});
    case TypeId::kString:
      return P(AvroType::kString);
    case TypeId::kBinary:
      return P(AvroType::kBytes);
    case TypeId::kUuid:
      return Fixed("uuid_fixed", 16, {{"logicalType", "uuid"}});
    case TypeId::kFixed:
      return Fixed("fixed_" + std::to_string(type.length), type.length);
    case TypeId::kDecimal:
      return Fixed(
          "decimal_" + std::to_string(type.precision) + "_" + std::to_string(type.scale),
          DecimalBytes(type.precision),
          {{"logicalType", "decimal"}, {"precision", type.precision}, {"scale", type.scale}});
  }
  return P(AvroType::kNull);
}

AvroValue ToAvro(const Column& value, const DataType& type) {
  switch (type.id) {
    case TypeId::kBoolean:
      return AvroValue::Boolean(value.GetBool(0));
    case TypeId::kInt:
    case TypeId::kDate:
      return AvroValue::Int(value.GetInt32(0));
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return AvroValue::Long(value.GetInt64(0));
    case TypeId::kFloat:
      return AvroValue::Float(value.GetFloat(0));
    case TypeId::kDouble:
      return AvroValue::Double(value.GetDouble(0));
    case TypeId::kString:
      return AvroValue::String(std::string(value.GetBytes(0)));
    case TypeId::kBinary:
      return AvroValue::Bytes(std::string(value.GetBytes(0)));
    case TypeId::kUuid:
    case TypeId::kFixed:
      return AvroValue::Fixed(std::string(value.GetBytes(0)));
    case TypeId::kDecimal: {
      std::string minimal = SerializeValue(value, 0);
      size_t size = static_cast<size_t>(DecimalBytes(type.precision));
      char sign = (!minimal.empty() && static_cast<int8_t>(minimal[0]) < 0) ? '\xff' : '\0';
      return AvroValue::Fixed(std::string(size - std::min(size, minimal.size()), sign) + minimal);
    }
  }
  return AvroValue::Null();
}

// A partition value read from any engine's manifest, as a column of `type`.
std::optional<Column> FromAvro(const AvroValue& v, const DataType& type) {
  const AvroValue& value = v.unwrapped();
  if (value.type == AvroType::kNull) return std::nullopt;
  Column out(type);
  switch (type.id) {
    case TypeId::kBoolean:
      out.AppendBool(value.boolean);
      break;
    case TypeId::kInt:
    case TypeId::kDate:
      out.AppendInt32(static_cast<int32_t>(value.integer));
      break;
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      out.AppendInt64(value.integer);
      break;
    case TypeId::kFloat:
      out.AppendFloat(static_cast<float>(value.real));
      break;
    case TypeId::kDouble:
      out.AppendDouble(value.real);
      break;
    case TypeId::kDecimal: {
      std::optional<Column> d = DeserializeValue(type, value.bytes);
      if (!d) return std::nullopt;
      return d;
    }
    default:
      out.AppendBytes(value.bytes);
  }
  return out;
}

AvroValue OptionalLong(std::optional<int64_t> v) {
  return v ? AvroValue::Long(*v) : AvroValue::Null();
}

template <typename V>
AvroValue MapValue(const std::map<int32_t, V>& map) {
  if (map.empty()) return AvroValue::Null();
  std::vector<AvroValue> items;
  for (const auto& [key, value] : map) {
    if constexpr (std::is_same_v<V, std::string>) {
      items.push_back(AvroValue::Record({AvroValue::Int(key), AvroValue::Bytes(value)}));
    } else {
      items.push_back(AvroValue::Record({AvroValue::Int(key), AvroValue::Long(value)}));
    }
  }
  return AvroValue::Array(std::move(items));
}

// The value of field `name` of record `value` with schema `schema`, or nullptr when the field
// does not exist (an older or newer writer).
const AvroValue* FieldOf(const AvroSchema& schema, const AvroValue& value, std::string_view name) {
  int i = schema.FieldIndex(name);
  if (i < 0 || static_cast<size_t>(i) >= value.items.size()) return nullptr;
  return &value.items[static_cast<size_t>(i)].unwrapped();
}

const AvroSchema* FieldSchema(const AvroSchema& schema, std::string_view name) {
  int i = schema.FieldIndex(name);
  if (i < 0) return nullptr;
  const AvroSchema* s = schema.fields[static_cast<size_t>(i)].schema.get();
  if (s->type == AvroType::kUnion && s->NonNullBranch() >= 0) {
    s = s->branches[static_cast<size_t>(s->NonNullBranch())].get();
  }
  return s;
}

int64_t LongOf(const AvroValue* v, int64_t fallback = 0) {
  return v == nullptr || v->type == AvroType::kNull ? fallback : v->integer;
}

template <typename V>
void ReadMap(const AvroValue* v, std::map<int32_t, V>* out) {
  if (v == nullptr || v->type != AvroType::kArray) return;
  for (const AvroValue& entry : v->items) {
    if (entry.items.size() != 2) continue;
    auto key = static_cast<int32_t>(entry.items[0].unwrapped().integer);
    if constexpr (std::is_same_v<V, std::string>) {
      (*out)[key] = entry.items[1].unwrapped().bytes;
    } else {
      (*out)[key] = entry.items[1].unwrapped().integer;
    }
  }
}

}  // namespace

AvroSchemaPtr ManifestEntrySchema(const PartitionSpec& spec,
                                  const std::vector<DataType>& partition_types) {
  std::vector<AvroField> partition_fields;
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    partition_fields.push_back(
        Optional(spec.fields[i].name, AvroTypeOf(partition_types[i]), spec.fields[i].field_id));
  }
  auto data_file = AvroRecord(
      "r2",
      {
          Required("content", P(AvroType::kInt), 134),
          Required("file_path", P(AvroType::kString), 100),
          Required("file_format", P(AvroType::kString), 101),
          Required("partition", AvroRecord("r102", std::move(partition_fields)), 102),
          Required("record_count", P(AvroType::kLong), 103),
          Required("file_size_in_bytes", P(AvroType::kLong), 104),
          Optional("column_sizes", IntMap(117, 118, AvroType::kLong), 108),
          Optional("value_counts", IntMap(119, 120, AvroType::kLong), 109),
          Optional("null_value_counts", IntMap(121, 122, AvroType::kLong), 110),
          Optional("nan_value_counts", IntMap(138, 139, AvroType::kLong), 137),
          Optional("lower_bounds", IntMap(126, 127, AvroType::kBytes), 125),
          Optional("upper_bounds", IntMap(129, 130, AvroType::kBytes), 128),
          Optional("key_metadata", P(AvroType::kBytes), 131),
          Optional("split_offsets", AvroArray(P(AvroType::kLong), {{"element-id", 133}}), 132),
          Optional("equality_ids", AvroArray(P(AvroType::kInt), {{"element-id", 136}}), 135),
          Optional("sort_order_id", P(AvroType::kInt), 140),
          Optional("referenced_data_file", P(AvroType::kString), 143),
      });
  return AvroRecord("manifest_entry", {
                                          Required("status", P(AvroType::kInt), 0),
                                          Optional("snapshot_id", P(AvroType::kLong), 1),
                                          Optional("sequence_number", P(AvroType::kLong), 3),
                                          Optional("file_sequence_number", P(AvroType::kLong), 4),
                                          Required("data_file", data_file, 2),
                                      });
}

AvroSchemaPtr ManifestListSchema() {
  auto summary = AvroRecord("r508", {
                                        Required("contains_null", P(AvroType::kBoolean), 509),
                                        Optional("contains_nan", P(AvroType::kBoolean), 518),
                                        Optional("lower_bound", P(AvroType::kBytes), 510),
                                        Optional("upper_bound", P(AvroType::kBytes), 511),
                                    });
  return AvroRecord("manifest_file",
                    {
                        Required("manifest_path", P(AvroType::kString), 500),
                        Required("manifest_length", P(AvroType::kLong), 501),
                        Required("partition_spec_id", P(AvroType::kInt), 502),
                        Required("content", P(AvroType::kInt), 517),
                        Required("sequence_number", P(AvroType::kLong), 515),
                        Required("min_sequence_number", P(AvroType::kLong), 516),
                        Required("added_snapshot_id", P(AvroType::kLong), 503),
                        Required("added_files_count", P(AvroType::kInt), 504),
                        Required("existing_files_count", P(AvroType::kInt), 505),
                        Required("deleted_files_count", P(AvroType::kInt), 506),
                        Required("added_rows_count", P(AvroType::kLong), 512),
                        Required("existing_rows_count", P(AvroType::kLong), 513),
                        Required("deleted_rows_count", P(AvroType::kLong), 514),
                        Optional("partitions", AvroArray(summary, {{"element-id", 508}}), 507),
                        Optional("key_metadata", P(AvroType::kBytes), 519),
                    });
}

Result<std::string> WriteManifest(const ManifestContext& context,
                                  const std::vector<ManifestEntry>& entries, int64_t snapshot_id,
                                  int64_t sequence_number, ManifestFile* listed) {
  const PartitionSpec& spec = *context.spec;
  AvroSchemaPtr schema = ManifestEntrySchema(spec, context.partition_types);
  AvroFileWriter writer(schema,
                        {{"schema", SchemaToIcebergJson(*context.schema, context.schema_id)},
                         {"schema-id", std::to_string(context.schema_id)},
                         {"partition-spec", PartitionFieldsJson(spec)},
                         {"partition-spec-id", std::to_string(spec.spec_id)},
                         {"format-version", "2"},
                         {"content", context.content == 0 ? "data" : "deletes"}});
  *listed = ManifestFile();
  listed->partition_spec_id = spec.spec_id;
  listed->content = context.content;
  listed->sequence_number = sequence_number;
  listed->min_sequence_number = sequence_number;
  listed->added_snapshot_id = snapshot_id;
  std::vector<FieldSummary> summaries(spec.fields.size());
  std::vector<std::optional<Column>> lows(spec.fields.size()), highs(spec.fields.size());
  for (const ManifestEntry& e : entries) {
    const DataFile& f = e.file;
    if (f.partition.size() != spec.fields.size()) {
      return Status::InvalidArgument(
          "data file '" + f.file_path + "' has " + std::to_string(f.partition.size()) +
          " partition values for a spec of " + std::to_string(spec.fields.size()));
    }
    if ((f.content == FileContent::kData) != (context.content == 0)) {
      return Status::InvalidArgument("a manifest holds data files or delete files, not both");
    }
    std::vector<AvroValue> partition;
    for (size_t i = 0; i < f.partition.size(); ++i) {
      const std::optional<Column>& v = f.partition[i];
      if (!v) {
        partition.push_back(AvroValue::Null());
        summaries[i].contains_null = true;
        continue;
      }
      partition.push_back(ToAvro(*v, context.partition_types[i]));
      if (v->type().id == TypeId::kFloat || v->type().id == TypeId::kDouble) {
        double d = v->type().id == TypeId::kFloat ? v->GetFloat(0) : v->GetDouble(0);
        if (std::isnan(d)) {
          summaries[i].contains_nan = true;
          continue;
        }
        if (!summaries[i].contains_nan) summaries[i].contains_nan = false;
      }
      if (!lows[i] || CompareValues(*v, *lows[i]) < 0) lows[i] = *v;
      if (!highs[i] || CompareValues(*v, *highs[i]) > 0) highs[i] = *v;
    }
    std::vector<AvroValue> split_offsets, equality_ids;
    for (int64_t o : f.split_offsets) split_offsets.push_back(AvroValue::Long(o));
    for (int32_t id : f.equality_ids) equality_ids.push_back(AvroValue::Int(id));
    AvroValue data_file = AvroValue::Record({
        AvroValue::Int(static_cast<int32_t>(f.content)),
        AvroValue::String(f.file_path),
        AvroValue::String(f.file_format),
        AvroValue::Record(std::move(partition)),
        AvroValue::Long(f.record_count),
        AvroValue::Long(f.file_size_in_bytes),
        MapValue(f.column_sizes),
        MapValue(f.value_counts),
        MapValue(f.null_value_counts),
        MapValue(f.nan_value_counts),
        MapValue(f.lower_bounds),
        MapValue(f.upper_bounds),
        AvroValue::Null(),
        split_offsets.empty() ? AvroValue::Null() : AvroValue::Array(std::move(split_offsets)),
        equality_ids.empty() ? AvroValue::Null() : AvroValue::Array(std::move(equality_ids)),
        f.sort_order_id ? AvroValue::Int(*f.sort_order_id) : AvroValue::Null(),
        f.referenced_data_file ? AvroValue::String(*f.referenced_data_file) : AvroValue::Null(),
    });
    TARN_RETURN_IF_ERROR(writer.Append(AvroValue::Record({
        AvroValue::Int(static_cast<int32_t>(e.status)),
        OptionalLong(e.snapshot_id),
        OptionalLong(e.sequence_number),
        OptionalLong(e.file_sequence_number),
        std::move(data_file),
    })));
    switch (e.status) {
      case EntryStatus::kAdded:
        ++listed->added_files_count;
        listed->added_rows_count += f.record_count;
        break;
      case EntryStatus::kExisting:
        ++listed->existing_files_count;
        listed->existing_rows_count += f.record_count;
        break;
      case EntryStatus::kDeleted:
        ++listed->deleted_files_count;
        listed->deleted_rows_count += f.record_count;
        break;
    }
    if (e.status != EntryStatus::kAdded && e.sequence_number) {
      listed->min_sequence_number = std::min(listed->min_sequence_number, *e.sequence_number);
    }
  }
  for (size_t i = 0; i < summaries.size(); ++i) {
    if (lows[i]) summaries[i].lower_bound = SerializeValue(*lows[i], 0);
    if (highs[i]) summaries[i].upper_bound = SerializeValue(*highs[i], 0);
  }
  listed->partitions = std::move(summaries);
  return writer.Finish();
}

Result<std::vector<ManifestEntry>> ReadManifest(const std::string& bytes, const std::string& uri,
                                                const ManifestFile& listed,
                                                const std::vector<DataType>& partition_types) {
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<AvroFileReader> reader, AvroFileReader::Open(bytes, uri));
  const AvroSchema& schema = *reader->schema();
  auto bad = [&](const std::string& what) {
    return Status::Corruption("'" + uri + "': not an Iceberg manifest: " + what);
  };
  if (schema.type != AvroType::kRecord || schema.FieldIndex("data_file") < 0 ||
      schema.FieldIndex("status") < 0) {
    return bad("its records lack status and data_file");
  }
  const AvroSchema* file_schema = FieldSchema(schema, "data_file");
  const AvroSchema* partition_schema =
      file_schema == nullptr ? nullptr : FieldSchema(*file_schema, "partition");
  if (file_schema == nullptr || file_schema->type != AvroType::kRecord ||
      partition_schema == nullptr || partition_schema->type != AvroType::kRecord) {
    return bad("data_file is not a record with a partition record");
  }
  if (partition_schema->fields.size() != partition_types.size()) {
    return bad("its partition tuple has " + std::to_string(partition_schema->fields.size()) +
               " fields, the table's spec " + std::to_string(partition_types.size()));
  }
  std::vector<ManifestEntry> entries;
  AvroValue record;
  while (true) {
    TARN_ASSIGN_OR_RETURN(bool more, reader->Next(&record));
    if (!more) break;
    ManifestEntry e;
    int64_t status = LongOf(FieldOf(schema, record, "status"), -1);
    if (status < 0 || status > 2) return bad("entry status " + std::to_string(status));
    e.status = static_cast<EntryStatus>(status);
    const AvroValue* snapshot = FieldOf(schema, record, "snapshot_id");
    const AvroValue* sequence = FieldOf(schema, record, "sequence_number");
    const AvroValue* file_sequence = FieldOf(schema, record, "file_sequence_number");
    if (snapshot != nullptr && snapshot->type != AvroType::kNull) {
      e.snapshot_id = snapshot->integer;
    } else {
      e.snapshot_id = listed.added_snapshot_id;
    }
    // Inheritance: null sequence numbers (ADDED entries) take the manifest's.
    e.sequence_number = sequence != nullptr && sequence->type != AvroType::kNull
                            ? sequence->integer
                            : listed.sequence_number;
    e.file_sequence_number = file_sequence != nullptr && file_sequence->type != AvroType::kNull
                                 ? file_sequence->integer
                                 : *e.sequence_number;
    const AvroValue* f = FieldOf(schema, record, "data_file");
    DataFile& d = e.file;
    int64_t content = LongOf(FieldOf(*file_schema, *f, "content"), 0);
    if (content < 0 || content > 2) return bad("file content " + std::to_string(content));
    d.content = static_cast<FileContent>(content);
    const AvroValue* path = FieldOf(*file_schema, *f, "file_path");
    if (path == nullptr || path->type != AvroType::kString) return bad("an entry has no file_path");
    d.file_path = path->bytes;
    if (const AvroValue* format = FieldOf(*file_schema, *f, "file_format")) {
      d.file_format = format->bytes;
    }
    d.spec_id = listed.partition_spec_id;
    const AvroValue* partition = FieldOf(*file_schema, *f, "partition");
    for (size_t i = 0; i < partition_types.size(); ++i) {
      d.partition.push_back(FromAvro(partition->items[i], partition_types[i]));
    }
    d.record_count = LongOf(FieldOf(*file_schema, *f, "record_count"));
    d.file_size_in_bytes = LongOf(FieldOf(*file_schema, *f, "file_size_in_bytes"));
    ReadMap(FieldOf(*file_schema, *f, "column_sizes"), &d.column_sizes);
    ReadMap(FieldOf(*file_schema, *f, "value_counts"), &d.value_counts);
    ReadMap(FieldOf(*file_schema, *f, "null_value_counts"), &d.null_value_counts);
    ReadMap(FieldOf(*file_schema, *f, "nan_value_counts"), &d.nan_value_counts);
    ReadMap(FieldOf(*file_schema, *f, "lower_bounds"), &d.lower_bounds);
    ReadMap(FieldOf(*file_schema, *f, "upper_bounds"), &d.upper_bounds);
    if (const AvroValue* v = FieldOf(*file_schema, *f, "split_offsets");
        v != nullptr && v->type == AvroType::kArray) {
      for (const AvroValue& o : v->items) d.split_offsets.push_back(o.integer);
    }
    if (const AvroValue* v = FieldOf(*file_schema, *f, "equality_ids");
        v != nullptr && v->type == AvroType::kArray) {
      for (const AvroValue& id : v->items)
        d.equality_ids.push_back(static_cast<int32_t>(id.integer));
    }
    if (const AvroValue* v = FieldOf(*file_schema, *f, "sort_order_id");
        v != nullptr && v->type != AvroType::kNull) {
      d.sort_order_id = static_cast<int32_t>(v->integer);
    }
    if (const AvroValue* v = FieldOf(*file_schema, *f, "referenced_data_file");
        v != nullptr && v->type == AvroType::kString) {
      d.referenced_data_file = v->bytes;
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

Result<std::string> WriteManifestList(int64_t snapshot_id, std::optional<int64_t> parent_id,
                                      int64_t sequence_number,
                                      const std::vector<ManifestFile>& manifests) {
  AvroFileWriter writer(
      ManifestListSchema(),
      {{"snapshot-id", std::to_string(snapshot_id)},
       {"parent-snapshot-id", parent_id ? std::to_string(*parent_id) : std::string("null")},
       {"sequence-number", std::to_string(sequence_number)},
       {"format-version", "2"}});
  for (const ManifestFile& m : manifests) {
    AvroValue partitions = AvroValue::Null();
    if (m.partitions) {
      std::vector<AvroValue> summaries;
      for (const FieldSummary& s : *m.partitions) {
        summaries.push_back(AvroValue::Record({
            AvroValue::Boolean(s.contains_null),
            s.contains_nan ? AvroValue::Boolean(*s.contains_nan) : AvroValue::Null(),
            s.lower_bound ? AvroValue::Bytes(*s.lower_bound) : AvroValue::Null(),
            s.upper_bound ? AvroValue::Bytes(*s.upper_bound) : AvroValue::Null(),
        }));
      }
      partitions = AvroValue::Array(std::move(summaries));
    }
    TARN_RETURN_IF_ERROR(writer.Append(AvroValue::Record({
        AvroValue::String(m.manifest_path),
        AvroValue::Long(m.manifest_length),
        AvroValue::Int(m.partition_spec_id),
        AvroValue::Int(m.content),
        AvroValue::Long(m.sequence_number),
        AvroValue::Long(m.min_sequence_number),
        AvroValue::Long(m.added_snapshot_id),
        AvroValue::Int(m.added_files_count),
        AvroValue::Int(m.existing_files_count),
        AvroValue::Int(m.deleted_files_count),
        AvroValue::Long(m.added_rows_count),
        AvroValue::Long(m.existing_rows_count),
        AvroValue::Long(m.deleted_rows_count),
        std::move(partitions),
        AvroValue::Null(),
    })));
  }
  return writer.Finish();
}

Result<std::vector<ManifestFile>> ReadManifestList(const std::string& bytes,
                                                   const std::string& uri) {
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<AvroFileReader> reader, AvroFileReader::Open(bytes, uri));
  const AvroSchema& schema = *reader->schema();
  if (schema.type != AvroType::kRecord || schema.FieldIndex("manifest_path") < 0) {
    return Status::Corruption("'" + uri + "': not an Iceberg manifest list");
  }
  std::vector<ManifestFile> manifests;
  AvroValue r;
  while (true) {
    TARN_ASSIGN_OR_RETURN(bool more, reader->Next(&r));
    if (!more) break;
    ManifestFile m;
    m.manifest_path = FieldOf(schema, r, "manifest_path")->bytes;
    m.manifest_length = LongOf(FieldOf(schema, r, "manifest_length"));
    m.partition_spec_id = static_cast<int32_t>(LongOf(FieldOf(schema, r, "partition_spec_id")));
    m.content = static_cast<int32_t>(LongOf(FieldOf(schema, r, "content")));
    m.sequence_number = LongOf(FieldOf(schema, r, "sequence_number"));
    m.min_sequence_number = LongOf(FieldOf(schema, r, "min_sequence_number"));
    m.added_snapshot_id = LongOf(FieldOf(schema, r, "added_snapshot_id"));
    m.added_files_count = static_cast<int32_t>(LongOf(FieldOf(schema, r, "added_files_count")));
    m.existing_files_count =
        static_cast<int32_t>(LongOf(FieldOf(schema, r, "existing_files_count")));
    m.deleted_files_count = static_cast<int32_t>(LongOf(FieldOf(schema, r, "deleted_files_count")));
    m.added_rows_count = LongOf(FieldOf(schema, r, "added_rows_count"));
    m.existing_rows_count = LongOf(FieldOf(schema, r, "existing_rows_count"));
    m.deleted_rows_count = LongOf(FieldOf(schema, r, "deleted_rows_count"));
    if (const AvroValue* p = FieldOf(schema, r, "partitions");
        p != nullptr && p->type == AvroType::kArray) {
      m.partitions.emplace();
      for (const AvroValue& s : p->items) {
        FieldSummary f;
        if (s.items.size() >= 4) {
          f.contains_null = s.items[0].unwrapped().boolean;
          if (!s.items[1].is_null()) f.contains_nan = s.items[1].unwrapped().boolean;
          if (!s.items[2].is_null()) f.lower_bound = s.items[2].unwrapped().bytes;
          if (!s.items[3].is_null()) f.upper_bound = s.items[3].unwrapped().bytes;
        }
        m.partitions->push_back(std::move(f));
      }
    }
    manifests.push_back(std::move(m));
  }
  return manifests;
}

}  // namespace tarn::iceberg
