#include "iceberg/table.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "base/random.h"
#include "iceberg/partition.h"
#include "iceberg/table_internal.h"
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

}  // namespace

namespace internal {

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

int64_t RetryPause(int attempt) {
  // 20 ms doubling up to 1 s, then a random point in its upper half, so that writers that
  // lost together do not retry together.
  const int64_t ceiling = std::min<int64_t>(int64_t{20000} << std::min(attempt, 6), 1000000);
  return ceiling / 2 + static_cast<int64_t>(RandomU64() % static_cast<uint64_t>(ceiling / 2 + 1));
}

int64_t NewSnapshotId() {
  while (true) {
    auto id = static_cast<int64_t>(RandomU64() & INT64_MAX);
    if (id != 0) return id;
  }
}

}  // namespace internal

using internal::AddedEntries;
using internal::NewSnapshotId;
using internal::PartitionPath;

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

namespace {

int64_t IntProperty(const TableMetadata& metadata, const std::string& name, int64_t fallback) {
  auto it = metadata.properties.find(name);
  if (it == metadata.properties.end()) return fallback;
  char* end = nullptr;
  long long value = std::strtoll(it->second.c_str(), &end, 10);
  if (end == it->second.c_str() || *end != '\0' || value <= 0) {
    spdlog::warn("table property {} = '{}' is not a positive integer; using {}", name, it->second,
                 fallback);
    return fallback;
  }
  return value;
}

}  // namespace

Result<std::vector<ManifestFile>> Table::MergeManifests(std::vector<ManifestFile> manifests,
                                                        size_t first, int64_t snapshot_id,
                                                        std::vector<std::string>* written) {
  const TableMetadata& base = metadata_;
  auto enabled = base.properties.find("commit.manifest-merge.enabled");
  if (enabled != base.properties.end() && enabled->second == "false") return manifests;
  const int64_t min_count = IntProperty(base, "commit.manifest.min-count-to-merge", 100);
  const int64_t target = IntProperty(base, "commit.manifest.target-size-bytes", 8 << 20);
  std::vector<ManifestFile> result(manifests.begin(),
                                   manifests.begin() + static_cast<std::ptrdiff_t>(first));
  std::vector<bool> merged(manifests.size(), false);
  for (int32_t content = 0; content < 2; ++content) {
    // The candidates: this content, the current spec (merged manifests are written with it).
    int64_t count = 0;
    std::vector<size_t> small;
    for (size_t i = 0; i < manifests.size(); ++i) {
      const ManifestFile& m = manifests[i];
      if (m.content != content || m.partition_spec_id != base.default_spec_id) continue;
      ++count;
      if (i >= first && m.manifest_length < target) small.push_back(i);
    }
    if (count < min_count || small.size() < 2) continue;
    // Bins of about `target` bytes of input manifests, in list order (newest first).
    std::vector<ManifestEntry> bin;
    int64_t bin_bytes = 0;
    auto flush = [&]() -> Status {
      if (bin.empty()) return Status::OK();
      TARN_ASSIGN_OR_RETURN(ManifestFile m, WriteManifestFile(bin, content, snapshot_id, written));
      result.push_back(std::move(m));
      bin.clear();
      bin_bytes = 0;
      return Status::OK();
    };
    for (size_t i : small) {
      TARN_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ManifestEntries(manifests[i]));
      for (ManifestEntry& e : entries) {
        if (e.status == EntryStatus::kDeleted) continue;
        e.status = EntryStatus::kExisting;  // snapshot id and sequence numbers were inherited
        bin.push_back(std::move(e));
      }
      bin_bytes += manifests[i].manifest_length;
      merged[i] = true;
      if (bin_bytes >= target) TARN_RETURN_IF_ERROR(flush());
    }
    TARN_RETURN_IF_ERROR(flush());
    spdlog::debug("{}: merged {} {} manifests", id_.ToString(), small.size(),
                  content == 0 ? "data" : "delete");
  }
  for (size_t i = first; i < manifests.size(); ++i) {
    if (!merged[i]) result.push_back(std::move(manifests[i]));
  }
  return result;
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
  // Data files go to one new manifest, delete files to another; a commit of both is an
  // `overwrite`.
  std::vector<DataFile> added[2];
  int64_t added_records = 0, added_size = 0, position_deletes = 0, equality_deletes = 0;
  int64_t position_files = 0, equality_files = 0;
  for (const DataFile& f : files) {
    if (f.spec_id != files.front().spec_id) {
      return Status::InvalidArgument("one commit adds files of one partition spec");
    }
    added[f.content == FileContent::kData ? 0 : 1].push_back(f);
    added_size += f.file_size_in_bytes;
    if (f.content == FileContent::kData) {
      added_records += f.record_count;
    } else if (f.content == FileContent::kPositionDeletes) {
      position_deletes += f.record_count;
      ++position_files;
    } else {
      equality_deletes += f.record_count;
      ++equality_files;
    }
  }
  const char* operation = added[1].empty() ? "append" : added[0].empty() ? "delete" : "overwrite";
  Status last;
  for (int attempt = 0; attempt < options_.commit_attempts; ++attempt) {
    if (attempt > 0) {
      TARN_RETURN_IF_ERROR(Refresh());
      if (validate) TARN_RETURN_IF_ERROR(validate());
      options_.clock->SleepForMicros(internal::RetryPause(attempt));
    }
    const Snapshot* parent = metadata_.current_snapshot();
    const int64_t snapshot_id = NewSnapshotId();
    std::vector<std::string> written;
    auto discard = [&] {
      for (const std::string& key : written) (void)store_.Delete(key);
    };
    // The manifest list: a new manifest of each kind of file, then every manifest of the parent.
    std::vector<ManifestFile> manifests;
    for (int32_t content = 0; content < 2; ++content) {
      if (added[content].empty()) continue;
      Result<ManifestFile> m = WriteManifestFile(AddedEntries(added[content], snapshot_id), content,
                                                 snapshot_id, &written);
      if (!m.ok()) {
        discard();
        return m.status();
      }
      manifests.push_back(*std::move(m));
    }
    const size_t new_manifests = manifests.size();
    if (parent != nullptr) {
      Result<std::vector<ManifestFile>> kept = Manifests(*parent);
      if (!kept.ok()) {
        discard();
        return kept.status();
      }
      manifests.insert(manifests.end(), kept->begin(), kept->end());
      Result<std::vector<ManifestFile>> merged =
          MergeManifests(std::move(manifests), new_manifests, snapshot_id, &written);
      if (!merged.ok()) {
        discard();
        return merged.status();
      }
      manifests = *std::move(merged);
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
         std::to_string(carried("total-position-deletes") + position_deletes)},
        {"total-equality-deletes",
         std::to_string(carried("total-equality-deletes") + equality_deletes)},
    };
    if (!added[0].empty()) {
      summary["added-data-files"] = std::to_string(added[0].size());
      summary["added-records"] = std::to_string(added_records);
    }
    if (!added[1].empty()) summary["added-delete-files"] = std::to_string(added[1].size());
    if (position_files > 0) {
      summary["added-position-delete-files"] = std::to_string(position_files);
      summary["added-position-deletes"] = std::to_string(position_deletes);
    }
    if (equality_files > 0) {
      summary["added-equality-delete-files"] = std::to_string(equality_files);
      summary["added-equality-deletes"] = std::to_string(equality_deletes);
    }
    Result<Snapshot> snap =
        CommitSnapshot(snapshot_id, attempt, manifests, std::move(summary), &written);
    if (snap.ok()) {
      spdlog::debug("{}: {} of {} files, {} rows, {} deletes, as snapshot {}", id_.ToString(),
                    operation, files.size(), added_records, position_deletes + equality_deletes,
                    snapshot_id);
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

}  // namespace tarn::iceberg
