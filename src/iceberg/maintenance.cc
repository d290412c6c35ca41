// Row-level deletes and table maintenance: delete by predicate, compaction, snapshot expiry,
// orphan removal. Each builds on the commit path in table.cc.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "base/parallel.h"
#include "base/random.h"
#include "iceberg/scan.h"
#include "iceberg/table.h"
#include "iceberg/table_internal.h"

namespace tarn::iceberg {

using internal::AddedEntries;
using internal::NewSnapshotId;
using internal::PartitionPath;
using internal::SetMetrics;

namespace {
// How many position-delete files a delete writes at once.
constexpr int kDeleteFileWriters = 8;
}  // namespace

Result<Table::DeleteResult> Table::DeleteWhere(const std::string& where) {
  if (where.empty()) return Status::InvalidArgument("a delete needs a predicate");
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
  return WritePositionDeletes(std::move(hits));
}

Result<Table::DeleteResult> Table::DeletePositions(
    const std::map<std::string, std::vector<int64_t>>& positions,
    const std::vector<DataFile>& added) {
  // The live data files named, as the current snapshot describes them.
  ScanOptions options;
  options.file_filter = [&](const DataFile& f) { return positions.count(f.file_path) > 0; };
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<TableScan> scan, TableScan::Open(*this, options));
  std::map<std::string, std::pair<DataFile, std::vector<int64_t>>> hits;
  for (const ScanTask& task : scan->files()) hits[task.file.file_path].first = task.file;
  for (const auto& [path, list] : positions) {
    auto it = hits.find(path);
    if (it == hits.end()) {
      return Status::NotFound(id_.ToString() + " has no live data file '" + path + "'");
    }
    for (int64_t pos : list) {
      if (pos < 0 || pos >= it->second.first.record_count) {
        return Status::InvalidArgument("position " + std::to_string(pos) + " is outside '" + path +
                                       "', which holds " +
                                       std::to_string(it->second.first.record_count) + " rows");
      }
    }
    it->second.second = list;
    std::sort(it->second.second.begin(), it->second.second.end());
    it->second.second.erase(std::unique(it->second.second.begin(), it->second.second.end()),
                            it->second.second.end());
  }
  std::erase_if(hits, [](const auto& hit) { return hit.second.second.empty(); });
  return WritePositionDeletes(std::move(hits), added);
}

Result<Table::DeleteResult> Table::WritePositionDeletes(
    std::map<std::string, std::pair<DataFile, std::vector<int64_t>>> hits,
    const std::vector<DataFile>& added) {
  DeleteResult result;
  if (hits.empty()) {
    if (added.empty()) return result;
    TARN_ASSIGN_OR_RETURN(result.snapshot, AppendFiles(added));
    return result;
  }

  // One position-delete file per data file, in the data file's partition.
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{2147483546, "file_path", DataType{TypeId::kString}, true},
                         {2147483545, "pos", DataType{TypeId::kLong}, true}});
  // Written concurrently: each is small, and the time goes into making it durable (fsync
  // locally, a PUT on S3), not into the CPU.
  std::vector<decltype(hits)::iterator> work;
  work.reserve(hits.size());
  for (auto it = hits.begin(); it != hits.end(); ++it) work.push_back(it);
  std::vector<std::optional<DataFile>> written(work.size());
  std::vector<DataFile> deletes;
  auto discard = [&] {
    for (const std::optional<DataFile>& d : written) {
      if (d) (void)store_.Delete(KeyForUri(store_, d->file_path).value());
    }
  };
  Status status = ParallelFor(work.size(), kDeleteFileWriters, [&](size_t i) -> Status {
    const std::string& path = work[i]->first;
    auto& [file, positions] = work[i]->second;
    std::sort(positions.begin(), positions.end());
    ColumnBatch rows(schema);
    for (int64_t pos : positions) {
      rows.column(0).AppendBytes(path);
      rows.column(1).AppendInt64(pos);
    }
    std::string key = location_key_ + "/data/" + PartitionPath(metadata_.spec(), file.partition) +
                      RandomUuid() + "-deletes.parquet";
    TARN_ASSIGN_OR_RETURN(std::unique_ptr<ParquetWriter> writer,
                          ParquetWriter::Open(store_, key, schema, options_.parquet));
    TARN_RETURN_IF_ERROR(writer->Write(rows));
    TARN_ASSIGN_OR_RETURN(ParquetFileSummary summary, writer->Close());
    DataFile d;
    d.content = FileContent::kPositionDeletes;
    d.file_path = store_.Uri(key);
    d.spec_id = file.spec_id;
    d.partition = file.partition;
    d.referenced_data_file = path;
    SetMetrics(*schema, summary, &d);
    written[i] = std::move(d);
    return Status::OK();
  });
  if (!status.ok()) {
    discard();
    return status.WithContext("writing position-delete files for " + id_.ToString());
  }
  for (size_t i = 0; i < work.size(); ++i) {
    deletes.push_back(*written[i]);
    result.rows += static_cast<int64_t>(work[i]->second.second.size());
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
  std::vector<DataFile> files = added;
  files.insert(files.end(), deletes.begin(), deletes.end());
  Result<Snapshot> snap = CommitNewFiles(files, validate);
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
  auto discard = [&] { RemoveUncommittedFiles(store_, added); };

  std::set<std::string> planned_deletes;
  for (const DataFile& del : plan->delete_files()) planned_deletes.insert(del.file_path);
  // Each attempt: the rewritten files and their position deletes go; a delete file committed
  // since the plan that may touch a rewritten file is a conflict (its rows would come back in
  // the new files), and so is a rewritten file another commit already removed.
  auto remove = [&](const Snapshot& parent, const DataFile& f) -> Result<bool> {
    const std::string& path = f.file_path;
    if (f.content == FileContent::kData) return rewrite.count(path) > 0;
    if (!planned_deletes.count(path) &&
        (!f.referenced_data_file || rewrite.count(*f.referenced_data_file))) {
      return Status::Aborted("compaction of " + id_.ToString() + " conflicts with snapshot " +
                             std::to_string(parent.snapshot_id) + ", which added deletes ('" +
                             path + "') that may touch the files being rewritten; run it again");
    }
    return drop_deletes.count(path) > 0;
  };
  auto check = [&](const Snapshot& parent, const std::set<std::string>& removed) -> Status {
    if (removed.size() == rewrite.size() + drop_deletes.size()) return Status::OK();
    return Status::Aborted("compaction of " + id_.ToString() + " conflicts with snapshot " +
                           std::to_string(parent.snapshot_id) + " (" + parent.operation() +
                           "), which removed files it was rewriting; run it again");
  };
  Result<Snapshot> snap = CommitReplace(added, "replace", remove, check);
  if (!snap.ok()) {
    if (snap.status().code() == StatusCode::kAborted) discard();  // certainly uncommitted
    return snap.status();
  }
  result.files_rewritten = static_cast<int64_t>(rewrite.size());
  result.files_written = static_cast<int64_t>(added.size());
  result.delete_files_removed = static_cast<int64_t>(drop_deletes.size());
  result.snapshot = *snap;
  return result;
}

Result<Snapshot> Table::ReplaceAll(const std::vector<DataFile>& files) {
  for (const DataFile& f : files) {
    if (f.content != FileContent::kData) {
      return Status::InvalidArgument("a table's content is replaced by data files only");
    }
  }
  auto every = [](const Snapshot&, const DataFile&) -> Result<bool> { return true; };
  return CommitReplace(files, "overwrite", every, nullptr);
}

Result<Snapshot> Table::CommitReplace(
    const std::vector<DataFile>& added, const char* operation,
    const std::function<Result<bool>(const Snapshot& parent, const DataFile& file)>& remove,
    const std::function<Status(const Snapshot& parent, const std::set<std::string>& removed)>&
        check) {
  Status last;
  for (int attempt = 0; attempt < options_.commit_attempts; ++attempt) {
    if (attempt > 0) {
      options_.clock->SleepForMicros(internal::RetryPause(attempt));
      TARN_RETURN_IF_ERROR(Refresh());
    }
    const Snapshot* parent = metadata_.current_snapshot();
    const int64_t snapshot_id = NewSnapshotId();
    // Every live entry now, split into kept and removed.
    std::vector<ManifestEntry> entries_of[2];  // data, deletes
    std::set<std::string> removed;
    int64_t deleted_records = 0, removed_size = 0, removed_deletes[2] = {0, 0};
    int64_t removed_delete_files[2] = {0, 0};  // position, equality
    if (parent != nullptr) {
      TARN_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, Manifests(*parent));
      for (const ManifestFile& m : manifests) {
        TARN_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ManifestEntries(m));
        for (ManifestEntry& e : entries) {
          if (e.status == EntryStatus::kDeleted) continue;
          TARN_ASSIGN_OR_RETURN(bool gone, remove(*parent, e.file));
          const bool data = e.file.content == FileContent::kData;
          if (gone) {
            removed.insert(e.file.file_path);
            e.status = EntryStatus::kDeleted;
            e.snapshot_id = snapshot_id;
            removed_size += e.file.file_size_in_bytes;
            if (data) {
              deleted_records += e.file.record_count;
            } else {
              const int kind = e.file.content == FileContent::kPositionDeletes ? 0 : 1;
              removed_deletes[kind] += e.file.record_count;
              ++removed_delete_files[kind];
            }
          } else {
            e.status = EntryStatus::kExisting;
          }
          entries_of[data ? 0 : 1].push_back(std::move(e));
        }
      }
      if (check) TARN_RETURN_IF_ERROR(check(*parent, removed));
    }
    int64_t added_size = 0, added_records = 0;
    for (ManifestEntry& e : AddedEntries(added, snapshot_id)) {
      added_size += e.file.file_size_in_bytes;
      added_records += e.file.record_count;
      entries_of[0].push_back(std::move(e));
    }
    // The new manifests replace every old one: the list names only them.
    std::vector<std::string> written;
    auto cleanup = [&] {
      for (const std::string& key : written) (void)store_.Delete(key);
    };
    std::vector<ManifestFile> listed;
    for (int32_t content = 0; content < 2; ++content) {
      if (entries_of[content].empty()) continue;
      Result<ManifestFile> m =
          WriteManifestFile(entries_of[content], content, snapshot_id, &written);
      if (!m.ok()) {
        cleanup();
        return m.status();
      }
      listed.push_back(*std::move(m));
    }
    auto carried = [&](const char* key) { return parent ? parent->SummaryCount(key) : 0; };
    const int64_t delete_files = removed_delete_files[0] + removed_delete_files[1];
    std::map<std::string, std::string> summary = {
        {"operation", operation},
        {"added-data-files", std::to_string(added.size())},
        {"deleted-data-files", std::to_string(static_cast<int64_t>(removed.size()) - delete_files)},
        {"added-records", std::to_string(added_records)},
        {"deleted-records", std::to_string(deleted_records)},
        {"added-files-size", std::to_string(added_size)},
        {"removed-files-size", std::to_string(removed_size)},
        {"removed-delete-files", std::to_string(delete_files)},
        {"removed-position-delete-files", std::to_string(removed_delete_files[0])},
        {"removed-position-deletes", std::to_string(removed_deletes[0])},
        {"removed-equality-delete-files", std::to_string(removed_delete_files[1])},
        {"removed-equality-deletes", std::to_string(removed_deletes[1])},
        {"total-files-size",
         std::to_string(carried("total-files-size") + added_size - removed_size)},
        {"total-position-deletes",
         std::to_string(carried("total-position-deletes") - removed_deletes[0])},
        {"total-equality-deletes",
         std::to_string(carried("total-equality-deletes") - removed_deletes[1])},
    };
    Result<Snapshot> snap =
        CommitSnapshot(snapshot_id, attempt, listed, std::move(summary), &written);
    if (snap.ok()) {
      spdlog::debug("{}: {} of {} files for {}, as snapshot {}", id_.ToString(), operation,
                    added.size(), removed.size(), snapshot_id);
      return snap;
    }
    last = snap.status();
    if (last.code() != StatusCode::kAborted) return last;  // outcome unknown: keep every file
    cleanup();
    spdlog::info("{}: another writer committed first; retrying the {} ({} of {})", id_.ToString(),
                 operation, attempt + 2, options_.commit_attempts);
  }
  return last.WithContext(std::string(operation) + " on " + id_.ToString() + " lost " +
                          std::to_string(options_.commit_attempts) + " races");
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
