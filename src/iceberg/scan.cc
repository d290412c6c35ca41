#include "iceberg/scan.h"

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
  const Schema* schema = &m.schema();
  if (snapshot != nullptr && snapshot->schema_id && m.SchemaById(*snapshot->schema_id)) {
    schema = m.SchemaById(*snapshot->schema_id);
  }
  scan->schema_ = std::make_shared<const Schema>(*schema);
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

  // Plan: every live data file whose metadata allows a match.
  TARN_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, table.Manifests(*snapshot));
  for (const ManifestFile& manifest : manifests) {
    TARN_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, table.ManifestEntries(manifest));
    for (ManifestEntry& e : entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      if (manifest.content != 0 || e.file.content != FileContent::kData) {
        return Status::NotImplemented(table.id().ToString() +
                                      " has row-level delete files, which tarn does not apply "
                                      "yet: '" +
                                      e.file.file_path + "'");
      }
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
      scan->files_.push_back(std::move(e.file));
    }
  }
  return scan;
}

Status TableScan::OpenFile(const DataFile& file) {
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
    if (!(have.type == f.type)) {
      return Status::NotImplemented("'" + reader_->uri() + "' column '" + have.name + "' is " +
                                    have.type.ToString() + ", the table's is " + f.type.ToString() +
                                    " (type promotion is not read yet)");
    }
    file_column_.push_back(static_cast<int>(select.size()));
    select.push_back(have.name);
  }
  TARN_RETURN_IF_ERROR(reader_->Select(select));
  group_ = 0;
  group_open_ = false;
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
          int c = reader_->schema()->FindField(
              reader_->selected_schema()->field(static_cast<size_t>(file_column_[i])).name);
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
    // In the needed schema's order, nulls for absent columns.
    read_ = ColumnBatch(needed_);
    for (size_t i = 0; i < needed_->num_fields(); ++i) {
      if (file_column_[i] >= 0) {
        read_.column(i) = std::move(file_batch_.column(static_cast<size_t>(file_column_[i])));
      } else {
        for (size_t r = 0; r < rows; ++r) read_.column(i).AppendNull();
      }
    }
    return true;
  }
}

Result<bool> TableScan::Next(ColumnBatch* batch) {
  *batch = ColumnBatch(output_);
  while (true) {
    if (reader_ == nullptr) {
      if (next_file_ >= files_.size()) return false;
      TARN_RETURN_IF_ERROR(OpenFile(files_[next_file_++]));
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
    size_t kept = 0;
    for (uint8_t k : keep) kept += k;
    if (kept == 0) continue;
    for (size_t c = 0; c < output_->num_fields(); ++c) {
      if (kept == rows) {
        batch->column(c) = std::move(read_.column(c));
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
