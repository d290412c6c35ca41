#include "iceberg/scan.h"

#include <algorithm>
#include <functional>

#include "iceberg/partition.h"
#include "iceberg/values.h"

namespace tarn::iceberg {
namespace {

// What a data file's metadata says of each column, for Predicate::MightMatch.
struct FileStats {
  std::map<std::string, Column> mins, maxes;
  std::map<std::string, Predicate::ColumnStats> stats;
};

FileStats StatsOf(const DataFile& file, const Schema& schema, const PartitionSpec* spec) {
  FileStats out;
  for (const Field& field : schema.fields()) {
    Predicate::ColumnStats s;
    if (auto it = file.value_counts.find(field.id); it != file.value_counts.end()) {
      s.value_count = it->second;
    }
    if (auto it = file.null_value_counts.find(field.id); it != file.null_value_counts.end()) {
      s.null_count = it->second;
    }
    auto lower = file.lower_bounds.find(field.id);
    auto upper = file.upper_bounds.find(field.id);
    if (lower != file.lower_bounds.end() && upper != file.upper_bounds.end() &&
        field.type.id != TypeId::kFloat && field.type.id != TypeId::kDouble) {
      std::optional<Column> lo = DeserializeValue(field.type, lower->second);
      std::optional<Column> hi = DeserializeValue(field.type, upper->second);
      if (lo && hi) {
        out.mins.emplace(field.name, std::move(*lo));
        out.maxes.emplace(field.name, std::move(*hi));
      }
    }
    // A partition value bounds its source column too (identity exactly, time transforms by
    // the range of their unit).
    if (spec != nullptr && !out.mins.count(field.name)) {
      for (size_t p = 0; p < spec->fields.size() && p < file.partition.size(); ++p) {
        if (spec->fields[p].source_id != field.id || !file.partition[p]) continue;
        Result<Transform> t = Transform::Parse(spec->fields[p].transform);
        if (!t.ok()) continue;
        if (t->kind == Transform::kIdentity) {
          out.mins.emplace(field.name, *file.partition[p]);
          out.maxes.emplace(field.name, *file.partition[p]);
        } else if (auto range = t->SourceRange(field.type, *file.partition[p])) {
          out.mins.emplace(field.name, std::move(range->first));
          out.maxes.emplace(field.name, std::move(range->second));
        }
      }
    }
    out.stats[field.name] = s;
  }
  for (auto& [name, s] : out.stats) {
    if (auto it = out.mins.find(name); it != out.mins.end()) {
      s.min = &it->second;
      s.max = &out.maxes.at(name);
    }
  }
  return out;
}

// What a manifest's partition summaries say of the source columns of its partition fields:
// identity fields bound their column, time fields bound it by their unit's range.
FileStats ManifestStats(const ManifestFile& manifest, const PartitionSpec& spec,
                        const Schema& schema) {
  FileStats out;
  if (!manifest.partitions || manifest.partitions->size() != spec.fields.size()) return out;
  Result<std::vector<DataType>> types = PartitionTypes(spec, schema);
  if (!types.ok()) return out;
  for (size_t p = 0; p < spec.fields.size(); ++p) {
    const FieldSummary& summary = (*manifest.partitions)[p];
    if (!summary.lower_bound || !summary.upper_bound) continue;
    const Field* source = nullptr;
    for (const Field& f : schema.fields()) {
      if (f.id == spec.fields[p].source_id) source = &f;
    }
    Result<Transform> t = Transform::Parse(spec.fields[p].transform);
    if (source == nullptr || !t.ok() || out.mins.count(source->name)) continue;
    std::optional<Column> lo = DeserializeValue((*types)[p], *summary.lower_bound);
    std::optional<Column> hi = DeserializeValue((*types)[p], *summary.upper_bound);
    if (!lo || !hi) continue;
    if (t->kind == Transform::kIdentity) {
      out.mins.emplace(source->name, std::move(*lo));
      out.maxes.emplace(source->name, std::move(*hi));
    } else {
      auto low = t->SourceRange(source->type, *lo);
      auto high = t->SourceRange(source->type, *hi);
      if (!low || !high) continue;
      out.mins.emplace(source->name, std::move(low->first));
      out.maxes.emplace(source->name, std::move(high->second));
    }
  }
  for (const auto& [name, min] : out.mins) {
    Predicate::ColumnStats s;
    s.min = &min;
    s.max = &out.maxes.at(name);
    out.stats[name] = s;
  }
  return out;
}

constexpr int32_t kFilePathId = 2147483546;  // position delete files: file_path
constexpr int32_t kPosId = 2147483545;       // and pos

bool SamePartition(const DataFile& a, const DataFile& b) {
  if (a.spec_id != b.spec_id || a.partition.size() != b.partition.size()) return false;
  for (size_t i = 0; i < a.partition.size(); ++i) {
    if (a.partition[i].has_value() != b.partition[i].has_value()) return false;
    if (a.partition[i] && CompareValues(*a.partition[i], *b.partition[i]) != 0) return false;
  }
  return true;
}

// Whether position delete file `del` may hold positions of the data file at `path`.
bool MayReference(const DataFile& del, const std::string& path) {
  if (del.referenced_data_file) return *del.referenced_data_file == path;
  auto lower = del.lower_bounds.find(kFilePathId);
  auto upper = del.upper_bounds.find(kFilePathId);
  if (lower != del.lower_bounds.end() && path < lower->second) return false;
  if (upper != del.upper_bounds.end() && path.substr(0, upper->second.size()) > upper->second) {
    return false;
  }
  return true;
}

// A key of the values of `columns` at `row`: each length-prefixed, "\xff" for null.
std::string RowKey(const ColumnBatch& batch, const std::vector<size_t>& columns, size_t row) {
  std::string key;
  for (size_t c : columns) {
    const Column& column = batch.column(c);
    if (!column.IsValid(row)) {
      key.push_back('\xff');
      continue;
    }
    std::string v = SerializeValue(column, row);
    uint32_t n = static_cast<uint32_t>(v.size());
    key.append(reinterpret_cast<const char*>(&n), 4);
    key += v;
  }
  return key;
}

// Every row of the columns with field ids `ids` of a Parquet file, in that order.
Status ReadColumnsById(ObjectStore& store, const std::string& uri, const std::vector<int32_t>& ids,
                       const std::function<Status(const ColumnBatch&)>& fn) {
  TARN_ASSIGN_OR_RETURN(std::string key, KeyForUri(store, uri));
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader, ParquetReader::Open(store, key));
  std::vector<std::string> names;
  for (int32_t id : ids) {
    std::string name;
    for (const Field& f : reader->schema()->fields()) {
      if (f.id == id) name = f.name;
    }
    if (name.empty()) {
      return Status::Corruption("delete file '" + uri + "' lacks the column of field id " +
                                std::to_string(id));
    }
    names.push_back(name);
  }
  TARN_RETURN_IF_ERROR(reader->Select(names));
  ColumnBatch batch(reader->selected_schema());
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    TARN_RETURN_IF_ERROR(reader->StartRowGroup(g));
    while (true) {
      TARN_ASSIGN_OR_RETURN(size_t rows, reader->ReadBatch(65536, &batch));
      if (rows == 0) break;
      TARN_RETURN_IF_ERROR(fn(batch));
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<TableScan>> TableScan::Open(Table& table, ScanOptions options) {
  std::unique_ptr<TableScan> scan(new TableScan(table));
  scan->options_ = std::move(options);
  const TableMetadata& m = table.metadata();
  const Snapshot* snapshot = m.current_snapshot();
  if (scan->options_.snapshot_id) {
    snapshot = m.SnapshotById(*scan->options_.snapshot_id);
    if (snapshot == nullptr) {
      return Status::NotFound(table.id().ToString() + " has no snapshot " +
                              std::to_string(*scan->options_.snapshot_id) +
                              " (see tarn table history)");
    }
  } else if (scan->options_.as_of_ms) {
    snapshot = m.SnapshotAsOf(*scan->options_.as_of_ms);
    if (snapshot == nullptr) {
      return Status::NotFound(table.id().ToString() + " had no snapshot yet at that time");
    }
  }
  // The current schema, or for time travel the schema the snapshot was written with.
  const Schema* schema = &m.schema();
  bool travel = scan->options_.snapshot_id || scan->options_.as_of_ms;
  if (travel && snapshot->schema_id && m.SchemaById(*snapshot->schema_id)) {
    schema = m.SchemaById(*snapshot->schema_id);
  }
  if (snapshot != nullptr) scan->snapshot_id_ = snapshot->snapshot_id;

  // Output columns, then the predicate's other columns.
  std::vector<Field> output, needed;
  if (scan->options_.columns.empty()) {
    output = schema->fields();
  } else {
    for (const std::string& name : scan->options_.columns) {
      int i = schema->FindField(name);
      if (i < 0) return Status::NotFound(table.id().ToString() + " has no column '" + name + "'");
      output.push_back(schema->field(static_cast<size_t>(i)));
    }
  }
  needed = output;
  if (!scan->options_.where.empty()) {
    TARN_ASSIGN_OR_RETURN(Predicate where, Predicate::Parse(scan->options_.where, *schema));
    for (const std::string& name : where.columns()) {
      bool have = false;
      for (const Field& f : needed) have = have || f.name == name;
      if (!have) needed.push_back(schema->field(static_cast<size_t>(schema->FindField(name))));
    }
    scan->where_ = std::move(where);
  }
  scan->output_ = std::make_shared<const Schema>(output);
  scan->needed_ = std::make_shared<const Schema>(needed);
  if (snapshot == nullptr) return scan;

  // Plan: every live data file whose metadata allows a match, and every live delete file.
  TARN_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, table.Manifests(*snapshot));
  for (const ManifestFile& manifest : manifests) {
    // A data manifest whose partition range rules the predicate out is not even read.
    const PartitionSpec* manifest_spec = m.SpecById(manifest.partition_spec_id);
    if (scan->where_ && manifest.content == 0 && manifest_spec != nullptr &&
        !manifest_spec->unpartitioned()) {
      FileStats stats = ManifestStats(manifest, *manifest_spec, *schema);
      bool might =
          scan->where_->MightMatch([&](const std::string& column) -> const Predicate::ColumnStats* {
            auto it = stats.stats.find(column);
            return it == stats.stats.end() ? nullptr : &it->second;
          });
      if (!might) {
        ++scan->manifests_skipped_;
        scan->files_skipped_ += manifest.added_files_count + manifest.existing_files_count;
        continue;
      }
    }
    TARN_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, table.ManifestEntries(manifest));
    for (ManifestEntry& e : entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      if (e.file.content != FileContent::kData) {
        scan->delete_sequence_.push_back(e.sequence_number.value_or(0));
        scan->delete_files_.push_back(std::move(e.file));
        continue;
      }
      if (scan->options_.file_filter && !scan->options_.file_filter(e.file)) continue;
      if (scan->where_) {
        FileStats stats = StatsOf(e.file, *schema, m.SpecById(manifest.partition_spec_id));
        bool might = scan->where_->MightMatch(
            [&](const std::string& column) -> const Predicate::ColumnStats* {
              auto it = stats.stats.find(column);
              return it == stats.stats.end() ? nullptr : &it->second;
            });
        if (!might) {
          ++scan->files_skipped_;
          continue;
        }
      }
      scan->tasks_.push_back({std::move(e.file), e.sequence_number.value_or(0), {}});
    }
  }
  // Which deletes apply to which data file.
  std::set<int32_t> equality_ids;
  for (ScanTask& task : scan->tasks_) {
    for (size_t d = 0; d < scan->delete_files_.size(); ++d) {
      const DataFile& del = scan->delete_files_[d];
      int64_t seq = scan->delete_sequence_[d];
      bool applies = false;
      if (del.content == FileContent::kPositionDeletes) {
        applies = seq >= task.sequence_number && SamePartition(del, task.file) &&
                  MayReference(del, task.file.file_path);
      } else {
        const PartitionSpec* spec = m.SpecById(del.spec_id);
        bool global = spec == nullptr || spec->unpartitioned();
        applies = seq > task.sequence_number && (global || SamePartition(del, task.file));
        if (applies) equality_ids.insert(del.equality_ids.begin(), del.equality_ids.end());
      }
      if (applies) task.deletes.push_back(d);
    }
  }
  // Equality deletes compare columns that the output may not include: read them too.
  for (int32_t id : equality_ids) {
    bool have = false;
    for (const Field& f : needed) have = have || f.id == id;
    if (have) continue;
    const Field* field = nullptr;
    for (const Field& f : schema->fields()) {
      if (f.id == id) field = &f;
    }
    if (field == nullptr) {
      return Status::NotImplemented(table.id().ToString() + ": an equality delete file compares " +
                                    "field id " + std::to_string(id) +
                                    ", which the schema no longer has");
    }
    needed.push_back(*field);
  }
  scan->needed_ = std::make_shared<const Schema>(needed);
  return scan;
}

Status TableScan::LoadDeletes(const ScanTask& task) {
  deleted_.clear();
  equality_.clear();
  for (size_t d : task.deletes) {
    const DataFile& del = delete_files_[d];
    if (del.content == FileContent::kPositionDeletes) {
      TARN_RETURN_IF_ERROR(ReadColumnsById(
          table_.store(), del.file_path, {kFilePathId, kPosId}, [&](const ColumnBatch& b) {
            for (size_t r = 0; r < b.num_rows(); ++r) {
              if (b.column(0).IsValid(r) && b.column(1).IsValid(r) &&
                  b.column(0).GetBytes(r) == task.file.file_path) {
                deleted_.push_back(b.column(1).GetInt64(r));
              }
            }
            return Status::OK();
          }));
      continue;
    }
    std::set<std::string> keys;
    std::vector<size_t> all;
    for (size_t i = 0; i < del.equality_ids.size(); ++i) all.push_back(i);
    TARN_RETURN_IF_ERROR(
        ReadColumnsById(table_.store(), del.file_path, del.equality_ids, [&](const ColumnBatch& b) {
          for (size_t r = 0; r < b.num_rows(); ++r) keys.insert(RowKey(b, all, r));
          return Status::OK();
        }));
    equality_.emplace_back(del.equality_ids, std::move(keys));
  }
  std::sort(deleted_.begin(), deleted_.end());
  deleted_.erase(std::unique(deleted_.begin(), deleted_.end()), deleted_.end());
  return Status::OK();
}

Status TableScan::OpenFile(const ScanTask& task) {
  const DataFile& file = task.file;
  TARN_RETURN_IF_ERROR(LoadDeletes(task));
  TARN_ASSIGN_OR_RETURN(std::string key, KeyForUri(table_.store(), file.file_path));
  TARN_ASSIGN_OR_RETURN(reader_, ParquetReader::Open(table_.store(), key));
  // Columns by field id; a file written before a column was added lacks it.
  const Schema& in_file = *reader_->schema();
  std::vector<std::string> select;
  file_column_.clear();
  for (const Field& f : needed_->fields()) {
    int found = -1;
    for (size_t c = 0; c < in_file.num_fields(); ++c) {
      if (in_file.field(c).id == f.id) found = static_cast<int>(c);
    }
    if (found < 0) {
      file_column_.push_back(-1);
      continue;
    }
    const Field& have = in_file.field(static_cast<size_t>(found));
    if (!CanPromote(have.type, f.type)) {
      return Status::Corruption("'" + reader_->uri() + "' column '" + have.name + "' is " +
                                have.type.ToString() + ", which cannot be the table's " +
                                f.type.ToString());
    }
    file_column_.push_back(static_cast<int>(select.size()));
    select.push_back(have.name);
  }
  TARN_RETURN_IF_ERROR(reader_->Select(select));
  group_ = 0;
  group_open_ = false;
  file_row_ = 0;
  return Status::OK();
}

Result<bool> TableScan::ReadFileBatch() {
  while (true) {
    if (!group_open_) {
      if (group_ >= reader_->num_row_groups()) return false;
      if (where_) {  // skip the group when its statistics rule the predicate out
        std::map<std::string, ParquetReader::Bounds> bounds;
        std::map<std::string, Predicate::ColumnStats> stats;
        for (size_t i = 0; i < needed_->num_fields(); ++i) {
          if (file_column_[i] < 0) continue;
          const std::string& name = needed_->field(i).name;
          const Field& in_file =
              reader_->selected_schema()->field(static_cast<size_t>(file_column_[i]));
          if (!(in_file.type == needed_->field(i).type)) continue;  // widened since: no bounds
          int c = reader_->schema()->FindField(in_file.name);
          ParquetReader::Bounds& b = bounds[name] =
              reader_->ChunkBounds(group_, static_cast<size_t>(c));
          stats[name] = {b.min ? &*b.min : nullptr, b.max ? &*b.max : nullptr, b.null_count,
                         b.value_count};
        }
        bool might = where_->MightMatch([&](const std::string& column) {
          auto it = stats.find(column);
          return it == stats.end() ? nullptr : &it->second;
        });
        if (!might) {
          file_row_ += reader_->metadata().row_groups[group_].num_rows;
          ++group_;
          continue;
        }
      }
      TARN_RETURN_IF_ERROR(reader_->StartRowGroup(group_));
      group_open_ = true;
    }
    TARN_ASSIGN_OR_RETURN(size_t rows, reader_->ReadBatch(options_.batch_rows, &file_batch_));
    if (rows == 0) {
      group_open_ = false;
      ++group_;
      continue;
    }
    batch_first_row_ = file_row_;
    file_row_ += static_cast<int64_t>(rows);
    // In the needed schema's order, nulls for absent columns. Columns are swapped, not moved,
    // so that their buffers go round (reader, read_, the caller's batch) instead of being
    // allocated afresh for every batch.
    if (read_.schema() != needed_) read_ = ColumnBatch(needed_);
    read_.Clear();
    for (size_t i = 0; i < needed_->num_fields(); ++i) {
      if (file_column_[i] >= 0) {
        Column& from = file_batch_.column(static_cast<size_t>(file_column_[i]));
        if (from.type() == needed_->field(i).type) {
          std::swap(read_.column(i), from);
        } else {  // written before the column's type widened
          for (size_t r = 0; r < rows; ++r) AppendPromoted(from, r, &read_.column(i));
        }
      } else {
        for (size_t r = 0; r < rows; ++r) read_.column(i).AppendNull();
      }
    }
    return true;
  }
}

Result<bool> TableScan::Next(ColumnBatch* batch) {
  if (batch->schema() == output_) {
    batch->Clear();
  } else {
    *batch = ColumnBatch(output_);
  }
  positions_.clear();
  while (true) {
    if (reader_ == nullptr) {
      if (next_file_ >= tasks_.size()) return false;
      TARN_RETURN_IF_ERROR(OpenFile(tasks_[next_file_++]));
    }
    TARN_ASSIGN_OR_RETURN(bool more, ReadFileBatch());
    if (!more) {
      reader_.reset();
      continue;
    }
    size_t rows = read_.num_rows();
    std::vector<uint8_t> keep(rows, 1);
    if (where_) {
      TARN_ASSIGN_OR_RETURN(keep, where_->Evaluate(read_));
    }
    if (!deleted_.empty()) {
      auto it = std::lower_bound(deleted_.begin(), deleted_.end(), batch_first_row_);
      for (; it != deleted_.end() && *it < batch_first_row_ + static_cast<int64_t>(rows); ++it) {
        keep[static_cast<size_t>(*it - batch_first_row_)] = 0;
      }
    }
    for (const auto& [ids, keys] : equality_) {
      std::vector<size_t> columns;
      for (int32_t id : ids) {
        for (size_t c = 0; c < needed_->num_fields(); ++c) {
          if (needed_->field(c).id == id) columns.push_back(c);
        }
      }
      for (size_t r = 0; r < rows; ++r) {
        if (keep[r] && keys.count(RowKey(read_, columns, r))) keep[r] = 0;
      }
    }
    size_t kept = 0;
    for (uint8_t k : keep) kept += k;
    if (kept == 0) continue;
    if (options_.row_positions) {
      for (size_t r = 0; r < rows; ++r) {
        if (keep[r]) positions_.push_back(batch_first_row_ + static_cast<int64_t>(r));
      }
    }
    for (size_t c = 0; c < output_->num_fields(); ++c) {
      if (kept == rows) {
        std::swap(batch->column(c), read_.column(c));
        continue;
      }
      for (size_t r = 0; r < rows; ++r) {
        if (keep[r]) batch->column(c).AppendFrom(read_.column(c), r);
      }
    }
    return true;
  }
}

}  // namespace tarn::iceberg
