#include "iceberg/table.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "base/random.h"
#include "columnar/schema_json.h"
#include "columnar/value_text.h"
#include "format/parquet/parquet_reader.h"
#include "iceberg/partition.h"
#include "iceberg/scan.h"
#include "iceberg/values.h"

namespace tarn::iceberg {
namespace {

// "file:///a/b", "file:/a/b" and "/a/b" all name /a/b.
std::string_view LocalPath(std::string_view uri) {
  if (uri.starts_with("file:")) {
    uri.remove_prefix(5);
    while (uri.starts_with("//")) uri.remove_prefix(1);
  }
  return uri;
}

// `files` as the ADDED entries of snapshot `snapshot_id` (sequence numbers left to inherit).
std::vector<ManifestEntry> AddedEntries(const std::vector<DataFile>& files, int64_t snapshot_id) {
  std::vector<ManifestEntry> entries;
  for (const DataFile& f : files) {
    ManifestEntry e;
    e.status = EntryStatus::kAdded;
    e.snapshot_id = snapshot_id;
    e.file = f;
    entries.push_back(std::move(e));
  }
  return entries;
}

int64_t NewSnapshotId() {
  while (true) {
    auto id = static_cast<int64_t>(RandomU64() & INT64_MAX);
    if (id != 0) return id;
  }
}

// A partition value as a path segment: Hive style name=value, with anything but
// [A-Za-z0-9_.-] escaped as %XX.
std::string PartitionPath(const PartitionSpec& spec, const std::vector<std::optional<Column>>& v) {
  std::string path;
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    std::string text = "null";
    if (v[i]) {
      text.clear();
      FormatValue(*v[i], 0, &text);
    }
    path += spec.fields[i].name + "=";
    for (unsigned char c : text) {
      if (std::isalnum(c) || c == '_' || c == '.' || c == '-') {
        path.push_back(static_cast<char>(c));
      } else {
        char hex[4];
        std::snprintf(hex, sizeof(hex), "%%%02X", c);
        path += hex;
      }
    }
    path += "/";
  }
  return path;
}

// Fills the metrics of `file` from what the Parquet writer saw.
void SetMetrics(const Schema& schema, const ParquetFileSummary& summary, DataFile* file) {
  file->record_count = summary.num_rows;
  file->file_size_in_bytes = static_cast<int64_t>(summary.file_size);
  file->split_offsets = summary.row_group_offsets;
  for (size_t c = 0; c < summary.columns.size() && c < schema.num_fields(); ++c) {
    const ParquetColumnSummary& s = summary.columns[c];
    const Field& field = schema.field(c);
    file->column_sizes[s.field_id] = s.compressed_size;
    file->value_counts[s.field_id] = s.value_count;
    file->null_value_counts[s.field_id] = s.null_count;
    if (s.nan_count) file->nan_value_counts[s.field_id] = *s.nan_count;
    if (!s.min || !s.max) continue;
    std::optional<Column> min = ParquetStatisticValue(field, *s.min);
    std::optional<Column> max = ParquetStatisticValue(field, *s.max);
    if (!min || !max) continue;
    file->lower_bounds[s.field_id] = TruncateLowerBound(field.type, SerializeValue(*min, 0));
    std::optional<std::string> upper = TruncateUpperBound(field.type, SerializeValue(*max, 0));
    if (upper) file->upper_bounds[s.field_id] = *upper;
  }
}

}  // namespace

Result<std::string> KeyForUri(const ObjectStore& store, std::string_view uri) {
  std::string root = store.Uri("");
  if (uri.starts_with(root)) return std::string(uri.substr(root.size()));
  if (root.starts_with("file:")) {
    std::string_view a = LocalPath(uri), b = LocalPath(root);
    if (a.starts_with(b)) return std::string(a.substr(b.size()));
  }
  return Status::InvalidArgument("'" + std::string(uri) + "' lies outside the lake at '" + root +
                                 "'");
}

Result<std::unique_ptr<Table>> Table::Create(Catalog& catalog, ObjectStore& store,
                                             const TableIdentifier& id, const Schema& schema,
                                             const PartitionSpec& spec,
                                             std::map<std::string, std::string> properties,
                                             TableOptions options) {
  TARN_RETURN_IF_ERROR(ValidateNamespace(id.ns));
  TARN_RETURN_IF_ERROR(ValidateName(id.name, "table name"));
  TARN_RETURN_IF_ERROR(schema.Validate());
  if (schema.num_fields() == 0) return Status::InvalidArgument("a table needs at least one column");
  TARN_RETURN_IF_ERROR(PartitionTypes(spec, schema).status());
  Result<std::string> existing = catalog.LoadTable(id);
  if (existing.ok()) return Status::AlreadyExists("table '" + id.ToString() + "' already exists");
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();

  std::unique_ptr<Table> table(new Table(catalog, store, id, options));
  TableMetadata& m = table->metadata_;
  m.table_uuid = RandomUuid();
  table->location_key_ = "warehouse/" + id.ns + "/" + id.name;
  m.location = store.Uri(table->location_key_);
  m.last_updated_ms = options.clock->NowMillis();
  for (const Field& f : schema.fields()) m.last_column_id = std::max(m.last_column_id, f.id);
  m.schemas.emplace_back(0, schema);
  PartitionSpec first = spec;
  first.spec_id = 0;
  for (const PartitionField& f : first.fields) {
    m.last_partition_id = std::max(m.last_partition_id, f.field_id);
  }
  m.specs.push_back(first);
  m.properties = std::move(properties);
  m.properties.emplace("write.format.default", "parquet");
  std::string key = table->location_key_ + "/metadata/" + MetadataFileName(0);
  TARN_RETURN_IF_ERROR(store.PutIfAbsent(key, TableMetadataToJson(m)));
  Status created = catalog.CreateTable(id, store.Uri(key));
  if (!created.ok()) {
    // A refusal is certain: the file can go. Other failures leave it for orphan removal.
    if (created.code() == StatusCode::kAlreadyExists || created.code() == StatusCode::kNotFound) {
      (void)store.Delete(key);
    }
    return created;
  }
  table->metadata_location_ = store.Uri(key);
  return table;
}

Result<std::unique_ptr<Table>> Table::Load(Catalog& catalog, ObjectStore& store,
                                           const TableIdentifier& id, TableOptions options) {
  std::unique_ptr<Table> table(new Table(catalog, store, id, std::move(options)));
  TARN_RETURN_IF_ERROR(table->Refresh());
  return table;
}

Status Table::Refresh() {
  TARN_ASSIGN_OR_RETURN(std::string location, catalog_.LoadTable(id_));
  return LoadFrom(location);
}

Status Table::LoadFrom(const std::string& location) {
  TARN_ASSIGN_OR_RETURN(std::string key, KeyForUri(store_, location));
  TARN_ASSIGN_OR_RETURN(std::string json, store_.Get(key));
  TARN_ASSIGN_OR_RETURN(TableMetadata m, ParseTableMetadata(json, location));
  TARN_ASSIGN_OR_RETURN(location_key_, KeyForUri(store_, m.location));
  metadata_ = std::move(m);
  metadata_location_ = location;
  return Status::OK();
}

std::string Table::NewMetadataKey() {
  int64_t version = MetadataFileVersion(metadata_location_);
  return location_key_ + "/metadata/" + MetadataFileName(version < 0 ? 1 : version + 1);
}

Status Table::Commit(const TableMetadata& next, std::vector<std::string>* written) {
  std::string key = NewMetadataKey();
  TARN_RETURN_IF_ERROR(store_.PutIfAbsent(key, TableMetadataToJson(next)));
  written->push_back(key);
  std::string location = store_.Uri(key);
  if (options_.in_commit) {
    // The compare-and-swap and the caller's own rows, in one database transaction.
    const Snapshot* snapshot = next.current_snapshot();
    TARN_RETURN_IF_ERROR(catalog_.db().Transaction([&]() -> Status {
      TARN_RETURN_IF_ERROR(catalog_.CommitTable(id_, metadata_location_, location));
      return options_.in_commit(catalog_.db(), snapshot);
    }));
  } else {
    TARN_RETURN_IF_ERROR(catalog_.CommitTable(id_, metadata_location_, location));
  }
  metadata_ = next;
  metadata_location_ = location;
  return Status::OK();
}

Result<std::vector<DataFile>> Table::WriteDataFiles(const std::vector<ColumnBatch>& batches) {
  DataWriter writer(*this);
  for (const ColumnBatch& batch : batches) TARN_RETURN_IF_ERROR(writer.Write(batch));
  return writer.Finish();
}

DataWriter::DataWriter(Table& table)
    : table_(table), schema_(std::make_shared<const Schema>(table.metadata().schema())) {
  const TableMetadata& m = table.metadata();
  spec_ = m.spec();
  parquet_ = table.options().parquet;
  parquet_.key_value_metadata.emplace_back("iceberg.schema",
                                           SchemaToIcebergJson(*schema_, m.current_schema_id));
  for (const PartitionField& f : spec_.fields) {
    transforms_.push_back(Transform::Parse(f.transform).value_or(Transform{Transform::kVoid, 0}));
    int source = -1;
    for (size_t i = 0; i < schema_->num_fields(); ++i) {
      if (schema_->field(i).id == f.source_id) source = static_cast<int>(i);
    }
    sources_.push_back(source);
  }
}

DataWriter::~DataWriter() {
  if (!finished_) Abort();
}

void DataWriter::Abort() {
  for (auto& [path, file] : open_) {
    if (file.writer != nullptr) file.writer->Abort();
  }
  open_.clear();
  for (const DataFile& d : done_) {
    Result<std::string> key = KeyForUri(table_.store(), d.file_path);
    if (key.ok()) (void)table_.store().Delete(*key);
  }
  done_.clear();
  finished_ = true;
}

Status DataWriter::Write(const ColumnBatch& input) {
  if (finished_) return Status::FailedPrecondition("the data writer is finished");
  Status status = WriteBatch(input);
  if (!status.ok()) Abort();
  return status;
}

Status DataWriter::WriteBatch(const ColumnBatch& input) {
  const Schema& schema = *schema_;
  // The table's columns by name.
  std::vector<int> from;
  for (const Field& f : schema.fields()) {
    int i = input.schema()->FindField(f.name);
    if (i < 0 && f.required) {
      return Status::InvalidArgument("the rows lack required column '" + f.name + "' of " +
                                     table_.id().ToString());
    }
    if (i >= 0 && !(input.schema()->field(static_cast<size_t>(i)).type == f.type)) {
      return Status::InvalidArgument("column '" + f.name + "' is " +
                                     input.schema()->field(static_cast<size_t>(i)).type.ToString() +
                                     ", the table's is " + f.type.ToString());
    }
    from.push_back(i);
  }
  // Rows grouped by partition.
  std::map<std::string, std::pair<std::vector<std::optional<Column>>, std::vector<size_t>>> groups;
  for (size_t r = 0; r < input.num_rows(); ++r) {
    std::vector<std::optional<Column>> values;
    for (size_t p = 0; p < transforms_.size(); ++p) {
      int f = sources_[p] < 0 ? -1 : from[static_cast<size_t>(sources_[p])];
      if (f < 0) {
        values.push_back(std::nullopt);
      } else {
        values.push_back(transforms_[p].Apply(input.column(static_cast<size_t>(f)), r));
      }
    }
    std::string path = PartitionPath(spec_, values);
    auto& group = groups[path];
    if (group.second.empty()) group.first = std::move(values);
    group.second.push_back(r);
  }
  ColumnBatch batch(schema_);
  for (auto& [path, group] : groups) {
    batch.Clear();
    for (size_t c = 0; c < schema.num_fields(); ++c) {
      for (size_t r : group.second) {
        if (from[c] < 0) {
          batch.column(c).AppendNull();
        } else {
          batch.column(c).AppendFrom(input.column(static_cast<size_t>(from[c])), r);
        }
      }
    }
    auto it = open_.find(path);
    if (it == open_.end()) {
      OpenFile file;
      file.key = KeyForUri(table_.store(), table_.metadata().location).value_or("") + "/data/" +
                 path + RandomUuid() + ".parquet";
      file.partition = group.first;
      TARN_ASSIGN_OR_RETURN(file.writer,
                            ParquetWriter::Open(table_.store(), file.key, schema_, parquet_));
      it = open_.emplace(path, std::move(file)).first;
    }
    Status status = it->second.writer->Write(batch);
    if (!status.ok()) return status.WithContext("writing " + table_.id().ToString());
  }
  rows_ += static_cast<int64_t>(input.num_rows());
  return Status::OK();
}

Result<std::vector<DataFile>> DataWriter::Finish() {
  if (finished_) return Status::FailedPrecondition("the data writer is finished");
  for (auto& [path, file] : open_) {
    Result<ParquetFileSummary> summary = file.writer->Close();
    file.writer.reset();  // closed, or failed and discarded
    if (!summary.ok()) {
      Abort();
      return summary.status();
    }
    DataFile d;
    d.file_path = table_.store().Uri(file.key);
    d.spec_id = spec_.spec_id;
    d.partition = file.partition;
    SetMetrics(*schema_, *summary, &d);
    done_.push_back(std::move(d));
  }
  open_.clear();
  finished_ = true;
  return std::move(done_);
}

Result<DataFile> Table::DescribeParquetFile(const std::string& key) {
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader, ParquetReader::Open(store_, key));
  const Schema& schema = metadata_.schema();
  DataFile d;
  d.file_path = store_.Uri(key);
  d.spec_id = metadata_.default_spec_id;
  d.record_count = reader->num_rows();
  d.file_size_in_bytes = static_cast<int64_t>(reader->file_size());
  const Schema& file_schema = *reader->schema();
  for (size_t c = 0; c < file_schema.num_fields(); ++c) {
    const Field& f = file_schema.field(c);
    const Field* table_field = nullptr;
    for (const Field& t : schema.fields()) {
      if (t.id == f.id) table_field = &t;
    }
    if (table_field == nullptr) continue;
    if (!(table_field->type == f.type)) {
      return Status::InvalidArgument("'" + reader->uri() + "' column '" + f.name + "' (id " +
                                     std::to_string(f.id) + ") is " + f.type.ToString() +
                                     ", the table's is " + table_field->type.ToString());
    }
    int64_t size = 0, values = 0, nulls = 0;
    std::optional<Column> min, max;
    bool bounds = true;
    for (size_t g = 0; g < reader->num_row_groups(); ++g) {
      size += reader->ChunkMetaData(g, c).total_compressed_size;
      ParquetReader::Bounds b = reader->ChunkBounds(g, c);
      values += b.value_count < 0 ? 0 : b.value_count;
      nulls += b.null_count < 0 ? 0 : b.null_count;
      if (!b.min || !b.max) {
        bounds = bounds && b.null_count == b.value_count && b.value_count >= 0;
        continue;
      }
      if (!min || CompareValues(*b.min, *min) < 0) min = b.min;
      if (!max || CompareValues(*b.max, *max) > 0) max = b.max;
    }
    d.column_sizes[f.id] = size;
    d.value_counts[f.id] = values;
    d.null_value_counts[f.id] = nulls;
    if (bounds && min && max && f.type.id != TypeId::kFloat && f.type.id != TypeId::kDouble) {
      d.lower_bounds[f.id] = TruncateLowerBound(f.type, SerializeValue(*min, 0));
      std::optional<std::string> upper = TruncateUpperBound(f.type, SerializeValue(*max, 0));
      if (upper) d.upper_bounds[f.id] = *upper;
    }
  }
  for (const auto& group : reader->metadata().row_groups) {
    if (!group.columns.empty()) {
      const auto& meta = group.columns[0].meta_data;
      int64_t offset = meta.data_page_offset;
      if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0) {
        offset = std::min(offset, *meta.dictionary_page_offset);
      }
      d.split_offsets.push_back(offset);
    }
  }
  if (!metadata_.spec().unpartitioned()) {
    return Status::NotImplemented("registering existing Parquet files in partitioned table " +
                                  id_.ToString() + " (write the rows through tarn instead)");
  }
  return d;
}

Result<std::vector<ManifestFile>> Table::Manifests(const Snapshot& snapshot) {
  TARN_ASSIGN_OR_RETURN(std::string key, KeyForUri(store_, snapshot.manifest_list));
  TARN_ASSIGN_OR_RETURN(std::string bytes, store_.Get(key));
  return ReadManifestList(bytes, snapshot.manifest_list);
}

Result<std::vector<ManifestEntry>> Table::ManifestEntries(const ManifestFile& manifest) {
  const PartitionSpec* spec = metadata_.SpecById(manifest.partition_spec_id);
  if (spec == nullptr) {
    return Status::Corruption("manifest '" + manifest.manifest_path + "' names partition spec " +
                              std::to_string(manifest.partition_spec_id) +
                              ", which the table lacks");
  }
  TARN_ASSIGN_OR_RETURN(std::vector<DataType> types, PartitionTypes(*spec, metadata_.schema()));
  TARN_ASSIGN_OR_RETURN(std::string key, KeyForUri(store_, manifest.manifest_path));
  TARN_ASSIGN_OR_RETURN(std::string bytes, store_.Get(key));
  return ReadManifest(bytes, manifest.manifest_path, manifest, types);
}

Result<Snapshot> Table::AppendFiles(const std::vector<DataFile>& files) {
  if (files.empty()) return Status::InvalidArgument("nothing to append");
  return CommitNewFiles(files, nullptr);
}

Result<ManifestFile> Table::WriteManifestFile(const std::vector<ManifestEntry>& entries,
                                              int32_t content, int64_t snapshot_id,
                                              std::vector<std::string>* written) {
  const TableMetadata& base = metadata_;
  const PartitionSpec& spec = base.spec();
  TARN_ASSIGN_OR_RETURN(std::vector<DataType> types, PartitionTypes(spec, base.schema()));
  ManifestContext context{&base.schema(), base.current_schema_id, &spec, types, content};
  ManifestFile listed;
  TARN_ASSIGN_OR_RETURN(std::string bytes, WriteManifest(context, entries, snapshot_id,
                                                         base.last_sequence_number + 1, &listed));
  std::string key =
      location_key_ + "/metadata/" + RandomUuid() + "-m" + std::to_string(content) + ".avro";
  TARN_RETURN_IF_ERROR(store_.PutIfAbsent(key, bytes));
  written->push_back(key);
  listed.manifest_path = store_.Uri(key);
  listed.manifest_length = static_cast<int64_t>(bytes.size());
  return listed;
}

Result<Snapshot> Table::CommitSnapshot(int64_t snapshot_id, int attempt,
                                       const std::vector<ManifestFile>& manifests,
                                       std::map<std::string, std::string> summary,
                                       std::vector<std::string>* written) {
  const TableMetadata& base = metadata_;
  const Snapshot* parent = base.current_snapshot();
  const int64_t sequence = base.last_sequence_number + 1;
  TARN_ASSIGN_OR_RETURN(
      std::string list,
      WriteManifestList(snapshot_id,
                        parent ? std::optional<int64_t>(parent->snapshot_id) : std::nullopt,
                        sequence, manifests));
  std::string list_key = location_key_ + "/metadata/snap-" + std::to_string(snapshot_id) + "-" +
                         std::to_string(attempt + 1) + "-" + RandomUuid() + ".avro";
  TARN_RETURN_IF_ERROR(store_.PutIfAbsent(list_key, list));
  written->push_back(list_key);

  // The totals come from the manifest list itself, so they are right whatever the parent's
  // summary said.
  int64_t total_files = 0, total_records = 0, total_deletes = 0;
  for (const ManifestFile& m : manifests) {
    if (m.content == 0) {
      total_files += m.added_files_count + m.existing_files_count;
      total_records += m.added_rows_count + m.existing_rows_count;
    } else {
      total_deletes += m.added_files_count + m.existing_files_count;
    }
  }
  summary["total-data-files"] = std::to_string(total_files);
  summary["total-records"] = std::to_string(total_records);
  summary["total-delete-files"] = std::to_string(total_deletes);
  summary["engine-name"] = "tarn";

  Snapshot snap;
  snap.snapshot_id = snapshot_id;
  if (parent != nullptr) snap.parent_snapshot_id = parent->snapshot_id;
  snap.sequence_number = sequence;
  snap.timestamp_ms = options_.clock->NowMillis();
  snap.manifest_list = store_.Uri(list_key);
  snap.schema_id = base.current_schema_id;
  snap.summary = std::move(summary);
  TableMetadata next = base;
  next.snapshots.push_back(snap);
  next.current_snapshot_id = snapshot_id;
  next.last_sequence_number = sequence;
  next.last_updated_ms = snap.timestamp_ms;
  next.snapshot_log.emplace_back(snap.timestamp_ms, snapshot_id);
  next.metadata_log.emplace_back(base.last_updated_ms, metadata_location_);
  TARN_RETURN_IF_ERROR(Commit(next, written));
  return snap;
}

Result<Snapshot> Table::CommitNewFiles(const std::vector<DataFile>& files,
                                       const std::function<Status()>& validate) {
  const bool deletes = files.front().content != FileContent::kData;
  const bool positional = files.front().content == FileContent::kPositionDeletes;
  const char* operation = deletes ? "delete" : "append";
  int64_t added_records = 0, added_size = 0;
  for (const DataFile& f : files) {
    if (f.content != files.front().content || f.spec_id != files.front().spec_id) {
      return Status::InvalidArgument("one commit adds files of one kind and one spec");
    }
    added_records += f.record_count;
    added_size += f.file_size_in_bytes;
  }
  Status last;
  for (int attempt = 0; attempt < options_.commit_attempts; ++attempt) {
    if (attempt > 0) {
      TARN_RETURN_IF_ERROR(Refresh());
      if (validate) TARN_RETURN_IF_ERROR(validate());
      options_.clock->SleepForMicros(int64_t{20000} << attempt);
    }
    const Snapshot* parent = metadata_.current_snapshot();
    const int64_t snapshot_id = NewSnapshotId();
    std::vector<std::string> written;
    auto discard = [&] {
      for (const std::string& key : written) (void)store_.Delete(key);
    };
    // The manifest list: a new manifest of the files, then every manifest of the parent.
    Result<ManifestFile> added =
        WriteManifestFile(AddedEntries(files, snapshot_id), deletes ? 1 : 0, snapshot_id, &written);
    if (!added.ok()) {
      discard();
      return added.status();
    }
    std::vector<ManifestFile> manifests = {*added};
    if (parent != nullptr) {
      Result<std::vector<ManifestFile>> kept = Manifests(*parent);
      if (!kept.ok()) {
        discard();
        return kept.status();
      }
      manifests.insert(manifests.end(), kept->begin(), kept->end());
    }
    std::set<std::string> partitions;
    for (const DataFile& f : files) partitions.insert(PartitionPath(metadata_.spec(), f.partition));
    auto carried = [&](const char* key) { return parent ? parent->SummaryCount(key) : 0; };
    std::map<std::string, std::string> summary = {
        {"operation", operation},
        {"added-files-size", std::to_string(added_size)},
        {"changed-partition-count", std::to_string(partitions.size())},
        {"total-files-size", std::to_string(carried("total-files-size") + added_size)},
        {"total-position-deletes",
         std::to_string(carried("total-position-deletes") + (positional ? added_records : 0))},
        {"total-equality-deletes", std::to_string(carried("total-equality-deletes") +
                                                  (deletes && !positional ? added_records : 0))},
    };
    if (deletes) {
      const char* kind = positional ? "position" : "equality";
      summary["added-delete-files"] = std::to_string(files.size());
      summary[std::string("added-") + kind + "-delete-files"] = std::to_string(files.size());
      summary[std::string("added-") + kind + "-deletes"] = std::to_string(added_records);
    } else {
      summary["added-data-files"] = std::to_string(files.size());
      summary["added-records"] = std::to_string(added_records);
    }
    Result<Snapshot> snap =
        CommitSnapshot(snapshot_id, attempt, manifests, std::move(summary), &written);
    if (snap.ok()) {
      spdlog::debug("{}: {} of {} files, {} rows, as snapshot {}", id_.ToString(), operation,
                    files.size(), added_records, snapshot_id);
      return snap;
    }
    last = snap.status();
    if (last.code() != StatusCode::kAborted) return last;  // outcome unknown: keep every file
    discard();  // certainly not committed: nothing references these files
    spdlog::info("{}: another writer committed first; retrying the {} ({} of {})", id_.ToString(),
                 operation, attempt + 2, options_.commit_attempts);
  }
  return last.WithContext(std::string(operation) + " on " + id_.ToString() + " lost " +
                          std::to_string(options_.commit_attempts) + " races");
}

Result<Table::DeleteResult> Table::DeleteWhere(const std::string& where) {
  if (where.empty()) return Status::InvalidArgument("a delete needs a predicate");
  DeleteResult result;
  // The positions of the live rows that match, per data file.
  ScanOptions options;
  options.where = where;
  options.row_positions = true;
  options.columns = {metadata_.schema().field(0).name};
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<TableScan> scan, TableScan::Open(*this, options));
  std::map<std::string, std::pair<DataFile, std::vector<int64_t>>> hits;
  ColumnBatch batch(scan->schema());
  while (true) {
    TARN_ASSIGN_OR_RETURN(bool more, scan->Next(&batch));
    if (!more) break;
    auto& hit = hits[scan->last_file().file_path];
    if (hit.second.empty()) hit.first = scan->last_file();
    hit.second.insert(hit.second.end(), scan->last_positions().begin(),
                      scan->last_positions().end());
  }
  if (hits.empty()) return result;

  // One position-delete file per data file, in the data file's partition.
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{2147483546, "file_path", DataType{TypeId::kString}, true},
                         {2147483545, "pos", DataType{TypeId::kLong}, true}});
  std::vector<DataFile> deletes;
  auto discard = [&] {
    for (const DataFile& d : deletes) (void)store_.Delete(KeyForUri(store_, d.file_path).value());
  };
  for (auto& [path, hit] : hits) {
    std::vector<int64_t>& positions = hit.second;
    std::sort(positions.begin(), positions.end());
    ColumnBatch rows(schema);
    for (int64_t pos : positions) {
      rows.column(0).AppendBytes(path);
      rows.column(1).AppendInt64(pos);
    }
    std::string key = location_key_ + "/data/" +
                      PartitionPath(metadata_.spec(), hit.first.partition) + RandomUuid() +
                      "-deletes.parquet";
    Result<std::unique_ptr<ParquetWriter>> writer =
        ParquetWriter::Open(store_, key, schema, options_.parquet);
    Status status = writer.status();
    ParquetFileSummary summary;
    if (status.ok()) status = (*writer)->Write(rows);
    if (status.ok()) {
      Result<ParquetFileSummary> closed = (*writer)->Close();
      status = closed.status();
      if (closed.ok()) summary = *std::move(closed);
    }
    if (!status.ok()) {
      discard();
      return status.WithContext("writing a position-delete file for '" + path + "'");
    }
    DataFile d;
    d.content = FileContent::kPositionDeletes;
    d.file_path = store_.Uri(key);
    d.spec_id = hit.first.spec_id;
    d.partition = hit.first.partition;
    d.referenced_data_file = path;
    SetMetrics(*schema, summary, &d);
    deletes.push_back(std::move(d));
    result.rows += static_cast<int64_t>(positions.size());
  }
  result.data_files = static_cast<int64_t>(hits.size());

  // On a retry, every data file the delete touches must still be in the table.
  auto validate = [&]() -> Status {
    const Snapshot* current = metadata_.current_snapshot();
    std::set<std::string> live;
    if (current != nullptr) {
      TARN_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, Manifests(*current));
      for (const ManifestFile& m : manifests) {
        if (m.content != 0) continue;
        TARN_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ManifestEntries(m));
        for (const ManifestEntry& e : entries) {
          if (e.status != EntryStatus::kDeleted) live.insert(e.file.file_path);
        }
      }
    }
    for (const auto& [path, hit] : hits) {
      if (!live.count(path)) {
        return Status::Aborted(
            "the delete on " + id_.ToString() + " conflicts with snapshot " +
            (current ? std::to_string(current->snapshot_id) + " (" + current->operation() + ")"
                     : std::string("none")) +
            ", which removed data file '" + path + "'; run the delete again");
      }
    }
    return Status::OK();
  };
  Result<Snapshot> snap = CommitNewFiles(deletes, validate);
  if (!snap.ok()) {
    if (snap.status().code() == StatusCode::kAborted) discard();  // certainly uncommitted
    return snap.status();
  }
  result.snapshot = *snap;
  return result;
}

Result<Table::CompactResult> Table::Compact(bool only_with_deletes, int64_t target_file_bytes) {
  CompactResult result;
  TARN_RETURN_IF_ERROR(Refresh());
  if (metadata_.current_snapshot() == nullptr) return result;
  if (metadata_.specs.size() > 1) {
    return Status::NotImplemented("compacting " + id_.ToString() +
                                  ", which has several partition specs");
  }
  // Choose: per partition, files with deletes, and small files when there are two or more.
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<TableScan> plan, TableScan::Open(*this, {}));
  std::map<std::string, std::vector<const ScanTask*>> small;
  std::set<std::string> rewrite;
  for (const ScanTask& task : plan->files()) {
    if (!task.deletes.empty()) rewrite.insert(task.file.file_path);
    if (!only_with_deletes && task.file.file_size_in_bytes < target_file_bytes) {
      small[PartitionPath(metadata_.spec(), task.file.partition)].push_back(&task);
    }
  }
  for (const auto& [partition, tasks] : small) {
    if (tasks.size() < 2) continue;
    for (const ScanTask* task : tasks) rewrite.insert(task->file.file_path);
  }
  if (rewrite.empty()) return result;
  // Position-delete files that only concern rewritten files go with them.
  std::set<std::string> drop_deletes;
  for (const DataFile& del : plan->delete_files()) {
    if (del.content == FileContent::kPositionDeletes && del.referenced_data_file &&
        rewrite.count(*del.referenced_data_file)) {
      drop_deletes.insert(del.file_path);
    }
  }

  // Rewrite: the live rows of the chosen files, deletes applied, into new files.
  ScanOptions options;
  options.file_filter = [&](const DataFile& f) { return rewrite.count(f.file_path) > 0; };
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<TableScan> scan, TableScan::Open(*this, options));
  DataWriter writer(*this);
  ColumnBatch batch(scan->schema());
  while (true) {
    TARN_ASSIGN_OR_RETURN(bool more, scan->Next(&batch));
    if (!more) break;
    TARN_RETURN_IF_ERROR(writer.Write(batch));
  }
  result.rows = writer.rows();
  TARN_ASSIGN_OR_RETURN(std::vector<DataFile> added, writer.Finish());
  auto discard = [&] {
    for (const DataFile& f : added) (void)store_.Delete(KeyForUri(store_, f.file_path).value());
  };

  std::set<std::string> planned_deletes;
  for (const DataFile& del : plan->delete_files()) planned_deletes.insert(del.file_path);
  Status last;
  for (int attempt = 0; attempt < options_.commit_attempts; ++attempt) {
    if (attempt > 0) TARN_RETURN_IF_ERROR(Refresh());
    const Snapshot* parent = metadata_.current_snapshot();
    // Every live entry now, split into kept, rewritten and dropped.
    TARN_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, Manifests(*parent));
    std::vector<ManifestEntry> data_entries, delete_entries;
    std::set<std::string> seen_rewrite, seen_drop;
    const int64_t snapshot_id = NewSnapshotId();
    int64_t deleted_records = 0, removed_size = 0, removed_position_deletes = 0;
    for (const ManifestFile& m : manifests) {
      TARN_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ManifestEntries(m));
      for (ManifestEntry& e : entries) {
        if (e.status == EntryStatus::kDeleted) continue;
        const std::string& path = e.file.file_path;
        bool gone = e.file.content == FileContent::kData ? rewrite.count(path) > 0
                                                         : drop_deletes.count(path) > 0;
        // A delete file committed since the plan that may touch a rewritten file is a
        // conflict: its rows would come back in the new files.
        if (e.file.content != FileContent::kData && !planned_deletes.count(path) &&
            (!e.file.referenced_data_file || rewrite.count(*e.file.referenced_data_file))) {
          discard();
          return Status::Aborted("compaction of " + id_.ToString() + " conflicts with snapshot " +
                                 std::to_string(parent->snapshot_id) + ", which added deletes ('" +
                                 path +
                                 "') that may touch the files being rewritten; run it "
                                 "again");
        }
        if (gone) {
          (e.file.content == FileContent::kData ? seen_rewrite : seen_drop).insert(path);
          e.status = EntryStatus::kDeleted;
          e.snapshot_id = snapshot_id;
          if (e.file.content == FileContent::kData) {
            deleted_records += e.file.record_count;
          } else {
            removed_position_deletes += e.file.record_count;
          }
          removed_size += e.file.file_size_in_bytes;
        } else {
          e.status = EntryStatus::kExisting;
        }
        (e.file.content == FileContent::kData ? data_entries : delete_entries).push_back(e);
      }
    }
    if (seen_rewrite.size() != rewrite.size() || seen_drop.size() != drop_deletes.size()) {
      discard();
      return Status::Aborted("compaction of " + id_.ToString() + " conflicts with snapshot " +
                             std::to_string(parent->snapshot_id) + " (" + parent->operation() +
                             "), which removed files it was rewriting; run it again");
    }
    int64_t added_size = 0;
    for (ManifestEntry& e : AddedEntries(added, snapshot_id)) {
      added_size += e.file.file_size_in_bytes;
      data_entries.push_back(std::move(e));
    }
    // The new manifests replace every old one: the list names only them.
    std::vector<std::string> written;
    auto cleanup = [&] {
      for (const std::string& key : written) (void)store_.Delete(key);
    };
    std::vector<ManifestFile> listed;
    for (int32_t content = 0; content < 2; ++content) {
      const std::vector<ManifestEntry>& entries = content == 0 ? data_entries : delete_entries;
      if (entries.empty()) continue;
      Result<ManifestFile> m = WriteManifestFile(entries, content, snapshot_id, &written);
      if (!m.ok()) {
        cleanup();
        discard();
        return m.status();
      }
      listed.push_back(*std::move(m));
    }
    std::map<std::string, std::string> summary = {
        {"operation", "replace"},
        {"added-data-files", std::to_string(added.size())},
        {"deleted-data-files", std::to_string(rewrite.size())},
        {"added-records", std::to_string(result.rows)},
        {"deleted-records", std::to_string(deleted_records)},
        {"added-files-size", std::to_string(added_size)},
        {"removed-files-size", std::to_string(removed_size)},
        {"removed-delete-files", std::to_string(drop_deletes.size())},
        {"removed-position-delete-files", std::to_string(drop_deletes.size())},
        {"removed-position-deletes", std::to_string(removed_position_deletes)},
        {"total-files-size",
         std::to_string(parent->SummaryCount("total-files-size") + added_size - removed_size)},
        {"total-position-deletes",
         std::to_string(parent->SummaryCount("total-position-deletes") - removed_position_deletes)},
        {"total-equality-deletes", std::to_string(parent->SummaryCount("total-equality-deletes"))},
    };
    Result<Snapshot> snap =
        CommitSnapshot(snapshot_id, attempt, listed, std::move(summary), &written);
    if (snap.ok()) {
      result.files_rewritten = static_cast<int64_t>(rewrite.size());
      result.files_written = static_cast<int64_t>(added.size());
      result.delete_files_removed = static_cast<int64_t>(drop_deletes.size());
      result.snapshot = *snap;
      return result;
    }
    last = snap.status();
    if (last.code() != StatusCode::kAborted) return last;  // outcome unknown: keep every file
    cleanup();
    spdlog::info("{}: another writer committed first; retrying the compaction", id_.ToString());
  }
  discard();
  return last.WithContext("compaction of " + id_.ToString());
}

namespace {

// `changes` applied to `schema`; new field ids continue from `*last_column_id`.
Result<Schema> Evolve(const Schema& schema, const PartitionSpec& spec,
                      const std::vector<Table::SchemaChange>& changes, int32_t* last_column_id) {
  std::vector<Field> fields = schema.fields();
  auto find = [&](const std::string& name) -> Result<size_t> {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == name) return i;
    }
    return Status::NotFound("no column '" + name + "'");
  };
  for (const Table::SchemaChange& c : changes) {
    switch (c.kind) {
      case Table::SchemaChange::kAdd: {
        if (find(c.column).ok()) {
          return Status::AlreadyExists("column '" + c.column + "' already exists");
        }
        fields.push_back({++*last_column_id, c.column, c.type, /*required=*/false});
        break;
      }
      case Table::SchemaChange::kDrop: {
        TARN_ASSIGN_OR_RETURN(size_t i, find(c.column));
        for (const PartitionField& p : spec.fields) {
          if (p.source_id == fields[i].id) {
            return Status::FailedPrecondition("column '" + c.column + "' feeds partition field '" +
                                              p.name + "' and cannot be dropped");
          }
        }
        if (fields.size() == 1) return Status::FailedPrecondition("a table keeps one column");
        fields.erase(fields.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
      case Table::SchemaChange::kRename: {
        TARN_ASSIGN_OR_RETURN(size_t i, find(c.column));
        if (find(c.new_name).ok()) {
          return Status::AlreadyExists("column '" + c.new_name + "' already exists");
        }
        fields[i].name = c.new_name;
        break;
      }
      case Table::SchemaChange::kWiden: {
        TARN_ASSIGN_OR_RETURN(size_t i, find(c.column));
        if (!CanPromote(fields[i].type, c.type)) {
          return Status::InvalidArgument("column '" + c.column + "' cannot change from " +
                                         fields[i].type.ToString() + " to " + c.type.ToString() +
                                         " (Iceberg widens int to long, float to double, and "
                                         "a decimal's precision)");
        }
        fields[i].type = c.type;
        break;
      }
    }
  }
  Schema out(std::move(fields));
  TARN_RETURN_IF_ERROR(out.Validate());
  return out;
}

}  // namespace

Result<Schema> Table::UpdateSchema(const std::vector<SchemaChange>& changes) {
  if (changes.empty()) return metadata_.schema();
  Status last;
  for (int attempt = 0; attempt < options_.commit_attempts; ++attempt) {
    if (attempt > 0) TARN_RETURN_IF_ERROR(Refresh());
    TableMetadata next = metadata_;
    TARN_ASSIGN_OR_RETURN(
        Schema schema, Evolve(metadata_.schema(), metadata_.spec(), changes, &next.last_column_id));
    int32_t schema_id = 0;
    for (const auto& [id, s] : next.schemas) schema_id = std::max(schema_id, id + 1);
    next.schemas.emplace_back(schema_id, schema);
    next.current_schema_id = schema_id;
    next.last_updated_ms = options_.clock->NowMillis();
    next.metadata_log.emplace_back(metadata_.last_updated_ms, metadata_location_);
    std::vector<std::string> written;
    last = Commit(next, &written);
    if (last.ok()) return schema;
    if (last.code() != StatusCode::kAborted) return last;
    for (const std::string& key : written) (void)store_.Delete(key);
  }
  return last.WithContext("changing the schema of " + id_.ToString());
}

Status Table::CollectFiles(const Snapshot& snapshot, bool tombstones,
                           std::set<std::string>* files) {
  files->insert(snapshot.manifest_list);
  TARN_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, Manifests(snapshot));
  for (const ManifestFile& m : manifests) {
    if (!files->insert(m.manifest_path).second) continue;  // seen through another snapshot
    TARN_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ManifestEntries(m));
    for (const ManifestEntry& e : entries) {
      if (tombstones || e.status != EntryStatus::kDeleted) files->insert(e.file.file_path);
    }
  }
  return Status::OK();
}

Result<Table::ExpireResult> Table::ExpireSnapshots(std::optional<int64_t> older_than_ms,
                                                   int retain_last) {
  ExpireResult result;
  if (retain_last < 1) return Status::InvalidArgument("retain_last must be at least 1");
  const TableMetadata base = metadata_;
  // The current snapshot and its most recent ancestors stay.
  std::set<int64_t> keep;
  const Snapshot* s = base.current_snapshot();
  for (int i = 0; s != nullptr && i < retain_last; ++i) {
    keep.insert(s->snapshot_id);
    s = s->parent_snapshot_id ? base.SnapshotById(*s->parent_snapshot_id) : nullptr;
  }
  std::vector<Snapshot> kept, expired;
  for (const Snapshot& snap : base.snapshots) {
    bool old = !older_than_ms || snap.timestamp_ms < *older_than_ms;
    (old && !keep.count(snap.snapshot_id) ? expired : kept).push_back(snap);
  }
  if (expired.empty()) return result;

  // What the remaining snapshots reach, before anything changes.
  std::set<std::string> live, dead;
  // A DELETED entry is a tombstone, not a use: a file deleted by a kept snapshot goes once the
  // snapshots where it was live expire.
  for (const Snapshot& snap : kept) TARN_RETURN_IF_ERROR(CollectFiles(snap, false, &live));
  for (const Snapshot& snap : kept) TARN_RETURN_IF_ERROR(CollectFiles(snap, true, &dead));
  for (const Snapshot& snap : expired) TARN_RETURN_IF_ERROR(CollectFiles(snap, true, &dead));

  TableMetadata next = base;
  next.snapshots = kept;
  std::set<int64_t> remaining;
  for (const Snapshot& snap : kept) remaining.insert(snap.snapshot_id);
  next.snapshot_log.clear();
  for (const auto& [ts, id] : base.snapshot_log) {
    if (remaining.count(id)) next.snapshot_log.emplace_back(ts, id);
  }
  // A kept snapshot whose parent expired keeps the parent's id, as Java does: it names
  // history, not a file.
  next.last_updated_ms = options_.clock->NowMillis();
  next.metadata_log.emplace_back(base.last_updated_ms, metadata_location_);
  std::vector<std::string> written;
  Status committed = Commit(next, &written);
  if (!committed.ok()) {
    if (committed.code() == StatusCode::kAborted) {
      for (const std::string& key : written) (void)store_.Delete(key);
      return committed.WithContext("expiring snapshots of " + id_.ToString() +
                                   " (the table changed meanwhile; run it again)");
    }
    return committed;
  }
  result.snapshots = static_cast<int64_t>(expired.size());
  std::vector<std::string> keys;
  for (const std::string& uri : dead) {
    if (live.count(uri)) continue;
    Result<std::string> key = KeyForUri(store_, uri);
    if (key.ok()) keys.push_back(*key);
  }
  TARN_RETURN_IF_ERROR(store_.DeleteMany(keys));
  result.files_deleted = static_cast<int64_t>(keys.size());
  spdlog::info("{}: expired {} snapshots, deleted {} files", id_.ToString(), result.snapshots,
               result.files_deleted);
  return result;
}

Result<std::vector<std::string>> Table::RemoveOrphanFiles(int64_t older_than_ms, bool dry_run) {
  TARN_RETURN_IF_ERROR(Refresh());
  std::set<std::string> referenced;
  referenced.insert(metadata_location_);
  for (const auto& [ts, file] : metadata_.metadata_log) referenced.insert(file);
  for (const Snapshot& snap : metadata_.snapshots) {
    TARN_RETURN_IF_ERROR(CollectFiles(snap, true, &referenced));
  }
  std::set<std::string> referenced_keys;
  for (const std::string& uri : referenced) {
    Result<std::string> key = KeyForUri(store_, uri);
    if (key.ok()) referenced_keys.insert(*key);
  }
  std::vector<std::string> orphans;
  TARN_RETURN_IF_ERROR(store_.ListAll(location_key_ + "/", [&](const ObjectInfo& info) {
    if (!referenced_keys.count(info.key) && info.modified_micros / 1000 < older_than_ms) {
      orphans.push_back(info.key);
    }
    return Status::OK();
  }));
  // A commit may have landed since the listing began: look again before deleting.
  if (!dry_run && !orphans.empty()) {
    std::string seen = metadata_location_;
    TARN_RETURN_IF_ERROR(Refresh());
    if (metadata_location_ != seen) {
      return Status::Aborted(id_.ToString() + " changed while orphans were listed; run it again");
    }
    TARN_RETURN_IF_ERROR(store_.DeleteMany(orphans));
  }
  return orphans;
}

}  // namespace tarn::iceberg
