// An Iceberg table in the SQL catalog: create, load, append, scan.
//
// Commit protocol (docs/iceberg.md): a writer writes every new file under the table's location
// first (data files, a manifest, a manifest list, then metadata file N+1, each with a unique
// name, never overwriting), then swaps the catalog pointer from metadata file N to N+1 in one
// compare-and-swap. Readers follow the pointer, so they see the table before or after, never
// between. When the swap finds another writer got there first (kAborted), an append re-reads
// the table and tries again (bounded); the files of the lost attempt are removed, since
// nothing can reference them. When the outcome is unknown (the database went away mid-commit),
// nothing is removed: orphan removal reclaims what no metadata references.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "columnar/column_batch.h"
#include "format/parquet/parquet_writer.h"
#include "iceberg/catalog.h"
#include "iceberg/manifest.h"
#include "iceberg/partition.h"
#include "iceberg/table_metadata.h"
#include "store/object_store.h"

namespace tarn::iceberg {

// The object key of `uri` in `store`, which must lie under the store's root; kInvalidArgument
// otherwise. Accepts file:/path, file:///path and s3://bucket/key forms.
Result<std::string> KeyForUri(const ObjectStore& store, std::string_view uri);

// Deletes written-but-uncommitted files from `store`, best effort: what cannot be deleted is
// an orphan that `RemoveOrphanFiles` reclaims.
void RemoveUncommittedFiles(ObjectStore& store, const std::vector<DataFile>& files);

struct TableOptions {
  ParquetWriterOptions parquet;  // for data files tarn writes
  int commit_attempts = 4;       // an append retries a lost compare-and-swap
  // Runs inside the database transaction that swaps the catalog pointer, after the swap, with
  // the snapshot being committed (null for metadata-only commits): tarn's own rows (an
  // ingestion window, a run's history, the subject index) commit with the table or not at all
  // (DESIGN.md, "The one idea"). An error rolls the swap back; the commit then fails with it.
  std::function<Status(Database& db, const Snapshot* snapshot)> in_commit;
  Clock* clock = Clock::Real();
};

class Table {
 public:
  // Creates the table: metadata file 0 under <root>/warehouse/<ns>/<name>, then the catalog row.
  // `schema` field ids are kept; `spec` must refer to them.
  static Result<std::unique_ptr<Table>> Create(Catalog& catalog, ObjectStore& store,
                                               const TableIdentifier& id, const Schema& schema,
                                               const PartitionSpec& spec,
                                               std::map<std::string, std::string> properties = {},
                                               TableOptions options = {});
  static Result<std::unique_ptr<Table>> Load(Catalog& catalog, ObjectStore& store,
                                             const TableIdentifier& id, TableOptions options = {});
  // Re-reads the catalog pointer and the metadata it names.
  Status Refresh();

  const TableIdentifier& id() const { return id_; }
  const TableMetadata& metadata() const { return metadata_; }
  const std::string& metadata_location() const { return metadata_location_; }
  ObjectStore& store() { return store_; }
  const TableOptions& options() const { return options_; }

  // Writes `batches` (of the table's current schema, matched by name) as Parquet data files,
  // one or more per partition, and returns them, uncommitted.
  Result<std::vector<DataFile>> WriteDataFiles(const std::vector<ColumnBatch>& batches);
  // Describes a Parquet file already in the store (written by anyone) as a data file of this
  // table: its columns must carry the table's field ids. For unpartitioned tables, or when
  // every row of the file falls in one partition.
  Result<DataFile> DescribeParquetFile(const std::string& key);
  // Commits the files as one append snapshot; retries when another writer commits first.
  Result<Snapshot> AppendFiles(const std::vector<DataFile>& files);

  // Deletes the rows matching `where` (merge-on-read): one position-delete file per data file
  // that has matching rows, committed as one `delete` snapshot. When another writer commits
  // first, the delete is re-applied if every data file it touches is still live, and fails with
  // kAborted naming the file otherwise (safe to run again).
  struct DeleteResult {
    int64_t rows = 0;
    int64_t data_files = 0;            // data files with deleted rows
    std::optional<Snapshot> snapshot;  // none when nothing matched
  };
  Result<DeleteResult> DeleteWhere(const std::string& where);
  // The same by explicit positions: data file URI -> 0-based row positions in it. kNotFound
  // for a file that is not live in the table, kInvalidArgument for a position past its end.
  // A position already deleted is deleted again, harmlessly. With `added`, those data files
  // commit in the same snapshot (operation `overwrite`): rows re-read replace their earlier
  // versions atomically. Nothing to delete and nothing added commits nothing.
  Result<DeleteResult> DeletePositions(const std::map<std::string, std::vector<int64_t>>& positions,
                                       const std::vector<DataFile>& added = {});

  // Replaces the table's rows with those of `files` (data files) in one `overwrite` snapshot:
  // every live data and delete file is removed, whoever committed it, so the table then holds
  // exactly `files` (a full reload). Retries lost races.
  Result<Snapshot> ReplaceAll(const std::vector<DataFile>& files);

  // Expires snapshots older than `older_than_ms` (all but the current when unset), keeping at
  // least the current snapshot and its `retain_last` - 1 most recent ancestors, commits, then
  // deletes the manifest lists, manifests, data and delete files that only expired snapshots
  // referenced. When the commit's outcome is unknown, nothing is deleted.
  struct ExpireResult {
    int64_t snapshots = 0;
    int64_t files_deleted = 0;
  };
  Result<ExpireResult> ExpireSnapshots(std::optional<int64_t> older_than_ms, int retain_last = 1);

  // Files under the table's location that no metadata references (current metadata, the
  // metadata log, and everything reachable from any snapshot), last modified before
  // `older_than_ms`. Deleted unless `dry_run`. Returns their keys.
  Result<std::vector<std::string>> RemoveOrphanFiles(int64_t older_than_ms, bool dry_run);

  // Compaction: rewrites data files, bin-packing the small files of each partition (those under
  // `target_file_bytes`, when a partition has two or more) and every file with row-level
  // deletes, so that deleted rows are physically gone; with `only_with_deletes`, just the
  // latter. The position-delete files of rewritten files are removed in the same `replace`
  // commit. A concurrent change to the same files fails the commit with kAborted saying what
  // changed (safe to run again); other concurrent commits are kept.
  struct CompactResult {
    int64_t files_rewritten = 0;
    int64_t files_written = 0;
    int64_t delete_files_removed = 0;
    int64_t rows = 0;  // rows written
    std::optional<Snapshot> snapshot;
  };
  Result<CompactResult> Compact(bool only_with_deletes = false,
                                int64_t target_file_bytes = int64_t{128} << 20);

  // Schema evolution, committed as a new current schema (no data file changes): new columns
  // are optional and read as null in older files; dropped and renamed columns keep their field
  // ids; types widen only as Iceberg allows (int to long, float to double, a decimal's
  // precision up with the same scale). A column a partition field reads cannot be dropped.
  struct SchemaChange {
    enum Kind { kAdd, kDrop, kRename, kWiden };
    Kind kind = kAdd;
    std::string column;
    std::string new_name;  // kRename
    DataType type;         // kAdd, kWiden
  };
  Result<Schema> UpdateSchema(const std::vector<SchemaChange>& changes);

  // Every file a snapshot reaches: its manifest list, manifests, data and delete files (URIs);
  // with `tombstones`, also the files its manifests list as DELETED.
  Status CollectFiles(const Snapshot& snapshot, bool tombstones, std::set<std::string>* files);

  // Reads the manifests of `snapshot` (data and delete manifests).
  Result<std::vector<ManifestFile>> Manifests(const Snapshot& snapshot);
  Result<std::vector<ManifestEntry>> ManifestEntries(const ManifestFile& manifest);

 private:
  Table(Catalog& catalog, ObjectStore& store, TableIdentifier id, TableOptions options)
      : catalog_(catalog), store_(store), id_(std::move(id)), options_(std::move(options)) {}
  Status LoadFrom(const std::string& location);
  std::string NewMetadataKey();
  // Commits `files` (data, or position deletes) as one snapshot, with bounded retries;
  // `validate` (optional) runs against the refreshed table before each retry.
  Result<Snapshot> CommitNewFiles(const std::vector<DataFile>& files,
                                  const std::function<Status()>& validate);
  // Writes a manifest of `entries` (content 0 data, 1 deletes) for snapshot `snapshot_id` of the
  // current metadata; the file's key goes to `written`.
  Result<ManifestFile> WriteManifestFile(const std::vector<ManifestEntry>& entries, int32_t content,
                                         int64_t snapshot_id, std::vector<std::string>* written);
  // Iceberg's manifest merging: when a snapshot would list `commit.manifest.min-count-to-merge`
  // (100) or more manifests of one content and spec, those of `manifests` from index `first`
  // on that are smaller than `commit.manifest.target-size-bytes` (8 MiB) are rewritten into
  // manifests of about that size, their live entries as EXISTING with their sequence numbers
  // (entries deleted by earlier snapshots are dropped). Off with `commit.manifest-merge.enabled`
  // = false. New manifests' keys go to `written`.
  Result<std::vector<ManifestFile>> MergeManifests(std::vector<ManifestFile> manifests,
                                                   size_t first, int64_t snapshot_id,
                                                   std::vector<std::string>* written);
  // Writes the manifest list of `manifests` and commits snapshot `snapshot_id` on top of the
  // current metadata. `summary` holds the operation and its counts; the totals of files and
  // records are taken from the manifests. Written keys go to `written`.
  Result<Snapshot> CommitSnapshot(int64_t snapshot_id, int attempt,
                                  const std::vector<ManifestFile>& manifests,
                                  std::map<std::string, std::string> summary,
                                  std::vector<std::string>* written);
  // Writes one position-delete file per data file of `hits` (data file URI -> the file and its
  // sorted positions) and commits them, with the `added` data files, as one snapshot.
  Result<DeleteResult> WritePositionDeletes(
      std::map<std::string, std::pair<DataFile, std::vector<int64_t>>> hits,
      const std::vector<DataFile>& added = {});
  // Commits one snapshot that adds the `added` data files and removes the live files (data and
  // delete files) that `remove` chooses, listing every entry in new manifests. `remove` sees
  // each live file at each attempt and may refuse the commit (a conflict); `check` (optional)
  // then sees all the removed files. Retries lost races; never removes `added`.
  Result<Snapshot> CommitReplace(
      const std::vector<DataFile>& added, const char* operation,
      const std::function<Result<bool>(const Snapshot& parent, const DataFile& file)>& remove,
      const std::function<Status(const Snapshot& parent, const std::set<std::string>& removed)>&
          check);
  // Writes `next` as the next metadata file and swaps the catalog pointer to it.
  Status Commit(const TableMetadata& next, std::vector<std::string>* written);

  Catalog& catalog_;
  ObjectStore& store_;
  TableIdentifier id_;
  TableOptions options_;
  TableMetadata metadata_;
  std::string metadata_location_;
  std::string location_key_;  // the table location as a store key
};

// Writes rows as Parquet data files of a table's current schema and partition spec, one file
// per partition, in memory bounded by a row group per open file; at most kMaxOpenFiles are
// open (the one written longest ago is finished first, so rows in partition order make one file
// per partition). Nothing is committed: pass the files to Table::AppendFiles. Destroying an
// unfinished writer removes its files.
class DataWriter {
 public:
  static constexpr size_t kMaxOpenFiles = 8;

  explicit DataWriter(Table& table);
  ~DataWriter();
  DataWriter(const DataWriter&) = delete;
  DataWriter& operator=(const DataWriter&) = delete;

  // Columns match the table's by name (extra columns are ignored, missing optional ones are
  // null). kInvalidArgument for a type mismatch or a missing required column; after an error
  // the writer has removed its files.
  Status Write(const ColumnBatch& batch);
  int64_t rows() const { return rows_; }
  // Closes every file and describes each with its metrics.
  Result<std::vector<DataFile>> Finish();
  // Removes every file written so far.
  void Abort();

 private:
  struct OpenFile {
    std::unique_ptr<ParquetWriter> writer;
    std::string key;
    std::vector<std::optional<Column>> partition;
    uint64_t last_used = 0;
  };
  Status WriteBatch(const ColumnBatch& batch);
  // Closes the file and describes it into done_.
  Status CloseFile(OpenFile& file);

  Table& table_;
  std::shared_ptr<const Schema> schema_;
  PartitionSpec spec_;
  ParquetWriterOptions parquet_;
  std::vector<Transform> transforms_;
  std::vector<int> sources_;              // each partition field's source column in schema_, or -1
  std::vector<DataType> result_types_;    // each partition field's value type
  ColumnBatch placed_;                    // a batch's columns in schema_'s order (see WriteBatch)
  std::map<std::string, OpenFile> open_;  // by partition path
  std::vector<DataFile> done_;
  int64_t rows_ = 0;
  uint64_t uses_ = 0;
  bool finished_ = false;
};

}  // namespace tarn::iceberg
