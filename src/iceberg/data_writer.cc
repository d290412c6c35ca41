// DataWriter: rows into partitioned Parquet data files with their metrics; and the metrics of
// Parquet files written elsewhere.
#include <algorithm>
#include <map>

#include "base/random.h"
#include "columnar/schema_json.h"
#include "columnar/value_text.h"
#include "format/parquet/parquet_reader.h"
#include "iceberg/partition.h"
#include "iceberg/table.h"
#include "iceberg/table_internal.h"
#include "iceberg/values.h"

namespace tarn::iceberg {
namespace internal {

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

}  // namespace internal

using internal::PartitionPath;
using internal::SetMetrics;

namespace {

// Whether rows a and b of `column` hold the same value (or are both null).
bool SameValue(const Column& column, size_t a, size_t b) {
  if (column.IsValid(a) != column.IsValid(b)) return false;
  return !column.IsValid(a) || CompareValues(column, a, column, b) == 0;
}

}  // namespace

Result<std::vector<DataFile>> Table::WriteDataFiles(const std::vector<ColumnBatch>& batches) {
  DataWriter writer(*this);
  for (const ColumnBatch& batch : batches) TARN_RETURN_IF_ERROR(writer.Write(batch));
  return writer.Finish();
}

DataWriter::DataWriter(Table& table)
    : table_(table),
      schema_(std::make_shared<const Schema>(table.metadata().schema())),
      placed_(schema_) {
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
    const DataType source_type =
        source < 0 ? DataType{TypeId::kInt} : schema_->field(static_cast<size_t>(source)).type;
    result_types_.push_back(transforms_.back().ResultType(source_type).value_or(source_type));
  }
}

void RemoveUncommittedFiles(ObjectStore& store, const std::vector<DataFile>& files) {
  for (const DataFile& f : files) {
    Result<std::string> key = KeyForUri(store, f.file_path);
    if (key.ok()) (void)store.Delete(*key);
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
  RemoveUncommittedFiles(table_.store(), done_);
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
  // The rows in the table's column order: the input itself when it has the table's schema,
  // else its columns placed by name (whole columns copied, absent ones null).
  const ColumnBatch* rows = &input;
  const size_t n = input.num_rows();
  if (!(*input.schema() == schema)) {
    placed_.Clear();
    for (size_t c = 0; c < schema.num_fields(); ++c) {
      if (from[c] >= 0) {
        placed_.column(c) = input.column(static_cast<size_t>(from[c]));
      } else {
        for (size_t r = 0; r < n; ++r) placed_.column(c).AppendNull();
      }
    }
    rows = &placed_;
  }
  // Each partition field's values, then runs of rows with equal values, grouped by partition
  // (a path is formatted once per run: rows in partition order make few runs).
  std::vector<Column> values;
  values.reserve(transforms_.size());
  for (size_t p = 0; p < transforms_.size(); ++p) {
    values.emplace_back(result_types_[p]);
    values[p].Reserve(n);
    for (size_t r = 0; r < n; ++r) {
      if (sources_[p] < 0) {
        values[p].AppendNull();
      } else {
        transforms_[p].AppendTo(rows->column(static_cast<size_t>(sources_[p])), r, &values[p]);
      }
    }
  }
  struct Group {
    std::vector<std::optional<Column>> partition;
    std::vector<std::pair<size_t, size_t>> runs;
  };
  std::map<std::string, Group> groups;
  for (size_t begin = 0, end = 0; begin < n; begin = end) {
    end = begin + 1;
    while (end < n && std::all_of(values.begin(), values.end(),
                                  [&](const Column& v) { return SameValue(v, begin, end); })) {
      ++end;
    }
    std::vector<std::optional<Column>> partition;
    for (const Column& v : values) {
      std::optional<Column> value;
      if (v.IsValid(begin)) {
        value.emplace(v.type());
        value->AppendFrom(v, begin);
      }
      partition.push_back(std::move(value));
    }
    Group& group = groups[PartitionPath(spec_, partition)];
    if (group.runs.empty()) group.partition = std::move(partition);
    group.runs.emplace_back(begin, end);
  }
  for (auto& [path, group] : groups) {
    auto it = open_.find(path);
    if (it == open_.end()) {
      OpenFile file;
      file.key = KeyForUri(table_.store(), table_.metadata().location).value_or("") + "/data/" +
                 path + RandomUuid() + ".parquet";
      file.partition = group.partition;
      TARN_ASSIGN_OR_RETURN(file.writer,
                            ParquetWriter::Open(table_.store(), file.key, schema_, parquet_));
      it = open_.emplace(path, std::move(file)).first;
    }
    it->second.last_used = ++uses_;
    for (const auto& [begin, end] : group.runs) {
      Status status = it->second.writer->Write(*rows, begin, end);
      if (!status.ok()) return status.WithContext("writing " + table_.id().ToString());
    }
    // Memory is a row group per open file: past the limit, the file written longest ago is
    // finished (rows of its partition that come later go to a new file). Rows that arrive in
    // partition order, as a window read by its cursor does, keep one file per partition.
    if (open_.size() > kMaxOpenFiles) {
      auto oldest = open_.begin();
      for (auto f = open_.begin(); f != open_.end(); ++f) {
        if (f->second.last_used < oldest->second.last_used) oldest = f;
      }
      Status closed = CloseFile(oldest->second);
      open_.erase(oldest);
      TARN_RETURN_IF_ERROR(closed);
    }
  }
  rows_ += static_cast<int64_t>(input.num_rows());
  return Status::OK();
}

Status DataWriter::CloseFile(OpenFile& file) {
  Result<ParquetFileSummary> summary = file.writer->Close();
  file.writer.reset();  // closed, or failed and discarded
  if (!summary.ok()) return summary.status();
  DataFile d;
  d.file_path = table_.store().Uri(file.key);
  d.spec_id = spec_.spec_id;
  d.partition = file.partition;
  SetMetrics(*schema_, *summary, &d);
  done_.push_back(std::move(d));
  return Status::OK();
}

Result<std::vector<DataFile>> DataWriter::Finish() {
  if (finished_) return Status::FailedPrecondition("the data writer is finished");
  for (auto& [path, file] : open_) {
    Status closed = CloseFile(file);
    if (!closed.ok()) {
      Abort();
      return closed;
    }
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

}  // namespace tarn::iceberg
