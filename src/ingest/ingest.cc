#include "ingest/ingest.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

#include "base/config.h"
#include "base/parallel.h"
#include "base/random.h"
#include "base/time_util.h"
#include "columnar/value_text.h"
#include "iceberg/scan.h"
#include "iceberg/table.h"
#include "iceberg/values.h"

namespace tarn::ingest {
namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
constexpr int64_t kMaxPartitions = 256;

bool IsInteger(const DataType& type) { return type.id == TypeId::kInt || type.id == TypeId::kLong; }
bool IsTemporal(const DataType& type) { return IsOrderable(type) && !IsInteger(type); }

Status Bad(const IngestJob& job, const std::string& field, const std::string& problem) {
  return Status::InvalidArgument("ingestion job '" + job.name + "': " + field + " " + problem);
}

// A window value of the cursor's type; a timestamp cursor also takes a bare date (midnight).
Result<int64_t> ParseCursor(const IngestJob& job, const std::string& field, const DataType& type,
                            const std::string& text) {
  std::string value = text;
  if ((type.id == TypeId::kTimestamp || type.id == TypeId::kTimestampTz) && value.size() == 10) {
    value += "T00:00:00";
  }
  if (type.id == TypeId::kTimestampTz && value.find_first_of("Z+", 10) == std::string::npos &&
      value.find('-', 10) == std::string::npos) {
    value += "Z";
  }
  Result<int64_t> parsed = ParseOrderable(type, value);
  if (!parsed.ok()) {
    return Bad(job, field,
               "'" + text + "' is not a value of the cursor '" + job.cursor_column + "' (" +
                   type.ToString() + "): " + parsed.status().message());
  }
  return parsed;
}

std::string Hostname() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) return "localhost";
  return host;
}

// The owner of a lease held by a process of this machine that no longer exists: its lease
// can be taken at once instead of waiting for it to expire.
std::string DeadLocalOwner(const std::string& owner) {
  const size_t first = owner.find(':');
  const size_t second = owner.find(':', first == std::string::npos ? first : first + 1);
  if (first == std::string::npos || second == std::string::npos) return "";
  if (owner.substr(0, first) != Hostname()) return "";
  const pid_t pid =
      static_cast<pid_t>(std::atoll(owner.substr(first + 1, second - first - 1).c_str()));
  if (pid <= 0 || pid == getpid()) return "";
  return kill(pid, 0) != 0 && errno == ESRCH ? owner : "";
}

// The cursor's units: a step or look-back in them, from a duration (date and timestamp
// cursors) or a count (integer cursors).
Result<int64_t> Span(const IngestJob& job, const std::string& field, const std::string& text,
                     const DataType& cursor) {
  if (IsInteger(cursor)) {
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || value < 0) {
      return Bad(
          job, field,
          "'" + text + "' is not a count (the cursor '" + job.cursor_column + "' is an integer)");
    }
    return value;
  }
  Result<int64_t> micros = ParseDuration(text);
  if (!micros.ok()) return Bad(job, field, micros.status().message());
  if (cursor.id != TypeId::kDate) return *micros;
  if (*micros % kMicrosPerDay != 0) {
    return Bad(job, field,
               "'" + text + "' is not a whole number of days (the cursor '" + job.cursor_column +
                   "' is a date)");
  }
  return *micros / kMicrosPerDay;
}

// The lake schema for a new table: the source's columns (all optional, so that a later
// NOT NULL change in the source cannot break older files' readers), then tarn's two.
Schema NewTableSchema(const std::vector<SourceColumn>& columns) {
  std::vector<Field> fields;
  fields.reserve(columns.size() + 2);
  for (const SourceColumn& c : columns) {
    fields.push_back({static_cast<int32_t>(fields.size() + 1), c.name, *c.lake_type, false});
  }
  fields.push_back(
      {static_cast<int32_t>(fields.size() + 1), kRunIdColumn, MakeType(TypeId::kString), false});
  fields.push_back({static_cast<int32_t>(fields.size() + 1), kIngestedAtColumn,
                    MakeType(TypeId::kTimestampTz), false});
  return Schema(std::move(fields));
}

bool IsPlainName(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(),
                                      [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

iceberg::PartitionSpec NewTableSpec(const IngestJob& job, const Schema& schema) {
  iceberg::PartitionSpec spec;
  const int index = schema.FindField(job.cursor_column);
  if (index < 0 || job.lake_partitioning == "none" || !IsTemporal(schema.field(index).type)) {
    return spec;
  }
  const std::string base = IsPlainName(job.cursor_column) ? job.cursor_column : "cursor";
  spec.fields.push_back(
      {schema.field(index).id, 1000, base + "_" + job.lake_partitioning, job.lake_partitioning});
  return spec;
}

// One window's ranges of the partition column: [lo, hi] cut into up to `n` equal pieces, the
// first open below (and taking NULLs), the last open above, so every row is read once.
std::vector<ExtractRange> SplitRanges(const std::string& column, const DataType& type, int64_t lo,
                                      int64_t hi, int64_t n) {
  const Int128 span = Int128{hi} - lo + 1;
  n = static_cast<int64_t>(std::min<Int128>(n, std::max<Int128>(span, 1)));
  std::vector<ExtractRange> ranges;
  for (int64_t i = 0; i < n; ++i) {
    ExtractRange r{column, type, std::nullopt, std::nullopt, false};
    if (i > 0) r.lower = static_cast<int64_t>(lo + span * i / n);
    if (i + 1 < n) r.upper = static_cast<int64_t>(lo + span * (i + 1) / n);
    r.with_nulls = i == 0;
    ranges.push_back(r);
  }
  return ranges;
}

class JobRun {
 public:
  JobRun(IngestContext& context, const RunOptions& options, IngestJob job)
      : ctx_(context), options_(options), job_(std::move(job)), store_(*context.db) {}

  Status Prepare();
  // Loads windows until caught up, failed, or max_windows.
  void Windows(JobOutcome* outcome);

 private:
  // The rows read by one range: its data files, and the positions of the table's rows that
  // the rows it re-read replace.
  struct PartitionRead {
    std::vector<iceberg::DataFile> files;
    std::vector<std::pair<uint32_t, int64_t>> replaced;  // (index in lake_files_, position)
  };

  Status CheckColumns(const SourceTable& table);
  Status OpenTable();
  // Loads [start, stop) (a full job: the whole table, with start == stop == 0).
  Status LoadWindow(int64_t start, int64_t stop, IngestRun* run);
  Status ReadPartition(const std::vector<ExtractRange>& ranges, size_t index, const IngestRun& run,
                       std::atomic<int64_t>* bytes, PartitionRead* out);
  // With a primary key: the key and position of each row the table holds with its cursor in
  // [lower, upper), into lake_keys_ and lake_files_.
  Status LoadLakeKeys(int64_t lower, int64_t upper);
  // The primary key of row `row` of `batch`, from the columns at `key` (in key order).
  static std::string KeyOf(const ColumnBatch& batch, const std::vector<size_t>& key, size_t row);
  bool Full() const { return job_.mode == "full"; }
  std::string Where() const {
    return (job_.source_query.empty() ? job_.source_table
                                      : "the query of job '" + job_.name + "'") +
           " of source '" + job_.source + "'";
  }
  SourceRelation Relation() const { return {job_.source_table, job_.source_query}; }

  IngestContext& ctx_;
  const RunOptions& options_;
  IngestJob job_;
  IngestStore store_;
  const SourceConfig* source_config_ = nullptr;
  std::unique_ptr<Source> source_;
  std::vector<SourceColumn> columns_;  // read, in this order
  DataType cursor_type_;
  std::optional<DataType> partition_type_;
  int64_t horizon_ = 0;
  int64_t start_ = 0, stop_ = 0, step_ = 0;  // the next window, in the cursor's units
  int64_t look_back_ = 0;                    // in the cursor's units
  std::vector<size_t> key_columns_;          // the primary key's columns in columns_
  int soft_delete_ = -1;                     // soft_delete_column in columns_, or -1
  std::unique_ptr<iceberg::Table> table_;
  std::shared_ptr<const Schema> batch_schema_;
  // The table's rows in the range a window reads, by primary key (see LoadLakeKeys).
  std::unordered_map<std::string, std::vector<std::pair<uint32_t, int64_t>>> lake_keys_;
  std::vector<std::string> lake_files_;
  // The commit hook of the window being committed (Table's in_commit calls it).
  std::function<Status(Database&, const iceberg::Snapshot*)> in_commit_;
};

Status JobRun::CheckColumns(const SourceTable& table) {
  std::set<std::string> excluded(job_.exclude_columns.begin(), job_.exclude_columns.end());
  for (const std::string& name : job_.exclude_columns) {
    if (std::none_of(table.columns.begin(), table.columns.end(),
                     [&](const SourceColumn& c) { return c.name == name; })) {
      return Bad(job_, "exclude_columns", "names '" + name + "', which " + Where() + " lacks");
    }
  }
  const SourceColumn* cursor = nullptr;
  const SourceColumn* partition = nullptr;
  for (const SourceColumn& c : table.columns) {
    if (c.name == job_.cursor_column) cursor = &c;
    if (c.name == job_.partition_column) partition = &c;
    if (excluded.count(c.name)) continue;
    if (c.name == kRunIdColumn || c.name == kIngestedAtColumn) {
      return Status::InvalidArgument("column '" + c.name + "' of " + Where() +
                                     " has a name tarn reserves; exclude it");
    }
    if (!c.lake_type) {
      return Status::InvalidArgument("column '" + c.name + "' (" + c.source_type + ") of " +
                                     Where() + " " + c.unmapped_reason +
                                     ", or leave it out with exclude_columns");
    }
    columns_.push_back(c);
  }
  if (columns_.empty()) {
    return Status::InvalidArgument(Where() + " has no columns left to ingest");
  }
  auto find = [&](const std::string& field, const std::string& name) -> Result<size_t> {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].name == name) return i;
    }
    return Bad(job_, field,
               "'" + name + "' is not a column of " + Where() +
                   (excluded.count(name) ? " that is ingested (exclude_columns names it)" : ""));
  };
  for (const std::string& name : job_.primary_key) {
    TARN_ASSIGN_OR_RETURN(size_t index, find("primary_key", name));
    key_columns_.push_back(index);
  }
  if (!job_.soft_delete_column.empty()) {
    TARN_ASSIGN_OR_RETURN(size_t index, find("soft_delete_column", job_.soft_delete_column));
    soft_delete_ = static_cast<int>(index);
  }
  if (job_.mode == "incremental") {
    if (cursor == nullptr) {
      return Bad(job_, "cursor_column",
                 "'" + job_.cursor_column + "' is not a column of " + Where());
    }
    if (!cursor->lake_type || !IsOrderable(*cursor->lake_type)) {
      return Bad(job_, "cursor_column",
                 "'" + job_.cursor_column + "' is " + cursor->source_type +
                     "; a cursor must be an integer, date or timestamp column");
    }
    cursor_type_ = *cursor->lake_type;
  }
  if (!job_.partition_column.empty()) {
    if (partition == nullptr) {
      return Bad(job_, "partition_column",
                 "'" + job_.partition_column + "' is not a column of " + Where());
    }
    if (!partition->lake_type || !IsOrderable(*partition->lake_type)) {
      return Bad(job_, "partition_column",
                 "'" + job_.partition_column + "' is " + partition->source_type +
                     "; ranges need an integer, date or timestamp column");
    }
    partition_type_ = *partition->lake_type;
  }
  return Status::OK();
}

Status JobRun::OpenTable() {
  const iceberg::TableIdentifier id{job_.target_namespace, job_.target_table};
  iceberg::TableOptions options;
  options.clock = ctx_.clock;
  options.in_commit = [this](Database& db, const iceberg::Snapshot* snapshot) {
    return in_commit_ ? in_commit_(db, snapshot) : Status::OK();
  };
  Result<std::unique_ptr<iceberg::Table>> loaded =
      iceberg::Table::Load(*ctx_.catalog, *ctx_.store, id, options);
  if (loaded.status().code() == StatusCode::kNotFound) {
    Status ns = ctx_.catalog->CreateNamespace(job_.target_namespace);
    if (!ns.ok() && ns.code() != StatusCode::kAlreadyExists) return ns;
    const Schema schema = NewTableSchema(columns_);
    loaded = iceberg::Table::Create(*ctx_.catalog, *ctx_.store, id, schema,
                                    NewTableSpec(job_, schema), {}, options);
    if (loaded.status().code() == StatusCode::kAlreadyExists) {  // another run created it
      loaded = iceberg::Table::Load(*ctx_.catalog, *ctx_.store, id, options);
    }
    if (loaded.ok()) spdlog::info("created table {}", id.ToString());
  }
  if (!loaded.ok()) return loaded.status();
  table_ = std::move(loaded).value();

  // New source columns: evolve the table, stop, or leave them out.
  const Schema& current = table_->metadata().schema();
  std::vector<iceberg::Table::SchemaChange> changes;
  std::vector<SourceColumn> kept;
  for (const SourceColumn& c : columns_) {
    const int index = current.FindField(c.name);
    if (index >= 0) {
      const DataType& have = current.field(index).type;
      if (have != *c.lake_type) {
        const bool widens = iceberg::CanPromote(have, *c.lake_type);
        if (!widens || job_.on_schema_change != "evolve") {
          return Status::FailedPrecondition(
              "column '" + c.name + "' of " + Where() + " is now " + c.lake_type->ToString() +
              " but " + table_->id().ToString() + " holds " + have.ToString() +
              (widens ? " (on_schema_change is " + job_.on_schema_change + ")"
                      : ", and Iceberg cannot change one into the other; "
                        "exclude the column or cast it in the source"));
        }
        changes.push_back({iceberg::Table::SchemaChange::kWiden, c.name, "", *c.lake_type});
      }
      kept.push_back(c);
      continue;
    }
    if (job_.on_schema_change == "fail") {
      return Status::FailedPrecondition(
          "column '" + c.name + "' (" + c.source_type + ") of " + Where() + " is new and " +
          table_->id().ToString() +
          " lacks it; on_schema_change is fail (set it to evolve to add the column, or ignore)");
    }
    if (job_.on_schema_change == "ignore") continue;
    changes.push_back({iceberg::Table::SchemaChange::kAdd, c.name, "", *c.lake_type});
    kept.push_back(c);
  }
  columns_ = std::move(kept);
  if (!changes.empty()) {
    TARN_RETURN_IF_ERROR(table_->UpdateSchema(changes).status());
    spdlog::info("{}: schema evolved with {} change(s) from the source", table_->id().ToString(),
                 changes.size());
  }
  // Batches hold the columns read, then tarn's two; the writer matches them by name.
  batch_schema_ = std::make_shared<const Schema>(NewTableSchema(columns_));
  return Status::OK();
}

Status JobRun::Prepare() {
  TARN_RETURN_IF_ERROR(ValidateJob(job_));
  for (const SourceConfig& s : *ctx_.sources) {
    if (s.name == job_.source) source_config_ = &s;
  }
  if (source_config_ == nullptr) {
    return Bad(job_, "source", "'" + job_.source + "' is not under sources: in tarn.yaml");
  }
  TARN_ASSIGN_OR_RETURN(source_, Source::Open(*source_config_));
  TARN_ASSIGN_OR_RETURN(SourceTable table, source_->DescribeRelation(Relation()));
  if (!table.can_select) {
    return Status::PermissionDenied("source '" + job_.source + "' may not read " +
                                    job_.source_table +
                                    "; GRANT SELECT on it to the source's user");
  }
  TARN_RETURN_IF_ERROR(CheckColumns(table));
  if (Full()) return OpenTable();
  TARN_ASSIGN_OR_RETURN(step_, Span(job_, "window_step", job_.window_step, cursor_type_));
  if (!job_.look_back.empty()) {
    TARN_ASSIGN_OR_RETURN(look_back_, Span(job_, "look_back", job_.look_back, cursor_type_));
  }
  if (step_ <= 0) return Bad(job_, "window_step", "must be more than zero");
  TARN_ASSIGN_OR_RETURN(start_, ParseCursor(job_, "window_start", cursor_type_, job_.window_start));
  if (job_.window_stop.empty()) {
    stop_ = start_ + step_;
  } else {
    TARN_ASSIGN_OR_RETURN(stop_, ParseCursor(job_, "window_stop", cursor_type_, job_.window_stop));
  }
  if (stop_ <= start_) {
    return Bad(job_, "window", "[" + job_.window_start + ", " + job_.window_stop + ") is empty");
  }
  TARN_RETURN_IF_ERROR(OpenTable());

  // The horizon, fixed for the whole run.
  if (IsInteger(cursor_type_)) {
    TARN_ASSIGN_OR_RETURN(
        auto bounds,
        source_->Bounds(Relation(),
                        {job_.cursor_column, cursor_type_, std::nullopt, std::nullopt, false}, {}));
    horizon_ = bounds ? bounds->second + 1 : INT64_MIN;
  } else {
    int64_t lag = 0;
    if (!job_.safety_lag.empty()) {
      TARN_ASSIGN_OR_RETURN(lag, ParseDuration(job_.safety_lag));
    }
    const int64_t now = ctx_.clock->NowMicros() - lag;
    horizon_ = cursor_type_.id == TypeId::kDate
                   ? now / kMicrosPerDay - (now % kMicrosPerDay < 0 ? 1 : 0)
                   : now;
  }
  return Status::OK();
}

std::string JobRun::KeyOf(const ColumnBatch& batch, const std::vector<size_t>& key_columns,
                          size_t row) {
  // Each column's text form, length-prefixed ("\xff" for null): equal for equal values whatever
  // the width (an int and a long, a decimal before and after its precision grew).
  std::string key;
  std::string text;
  for (size_t index : key_columns) {
    const Column& column = batch.column(index);
    if (!column.IsValid(row)) {
      key += '\xff';
      continue;
    }
    text.clear();
    FormatValue(column, row, &text);
    const auto size = static_cast<uint32_t>(text.size());
    key.append(reinterpret_cast<const char*>(&size), sizeof(size));
    key += text;
  }
  return key;
}

Status JobRun::LoadLakeKeys(int64_t lower, int64_t upper) {
  lake_keys_.clear();
  lake_files_.clear();
  TARN_RETURN_IF_ERROR(table_->Refresh());
  const Schema& schema = table_->metadata().schema();
  auto quoted = [](const std::string& name) {
    std::string q = "\"";
    for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  auto literal = [&](int64_t value) {
    std::string text = OrderableValueText(cursor_type_, value);
    if (IsInteger(cursor_type_)) return text;
    const char* kind = cursor_type_.id == TypeId::kDate        ? "DATE"
                       : cursor_type_.id == TypeId::kTimestamp ? "TIMESTAMP"
                                                               : "TIMESTAMPTZ";
    return std::string(kind) + " '" + text + "'";
  };
  iceberg::ScanOptions options;
  options.where = quoted(job_.cursor_column) + " >= " + literal(lower) + " AND " +
                  quoted(job_.cursor_column) + " < " + literal(upper);
  options.row_positions = true;
  for (size_t index : key_columns_) {
    if (schema.FindField(columns_[index].name) < 0) return Status::OK();  // no rows have it yet
    options.columns.push_back(columns_[index].name);
  }
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<iceberg::TableScan> scan,
                        iceberg::TableScan::Open(*table_, options));
  std::vector<size_t> scanned(key_columns_.size());  // the scan's columns are the key's
  for (size_t k = 0; k < scanned.size(); ++k) scanned[k] = k;
  ColumnBatch batch(scan->schema());
  while (true) {
    TARN_ASSIGN_OR_RETURN(bool more, scan->Next(&batch));
    if (!more) break;
    if (lake_files_.empty() || lake_files_.back() != scan->last_file().file_path) {
      lake_files_.push_back(scan->last_file().file_path);
    }
    const auto file = static_cast<uint32_t>(lake_files_.size() - 1);
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      lake_keys_[KeyOf(batch, scanned, row)].emplace_back(file, scan->last_positions()[row]);
    }
  }
  return Status::OK();
}

Status JobRun::ReadPartition(const std::vector<ExtractRange>& ranges, size_t index,
                             const IngestRun& run, std::atomic<int64_t>* bytes,
                             PartitionRead* out) {
  // The first range reads on the run's connection; the others open their own.
  std::unique_ptr<Source> own;
  Source* source = source_.get();
  if (index > 0) {
    TARN_ASSIGN_OR_RETURN(own, Source::Open(*source_config_));
    source = own.get();
  }
  ExtractRequest request;
  request.relation = Relation();
  request.columns = columns_;
  request.batch_rows = options_.batch_rows;
  request.ranges = ranges;
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<BatchReader> reader, source->Extract(request));
  iceberg::DataWriter writer(*table_);
  ColumnBatch batch(batch_schema_);
  ColumnBatch kept(batch_schema_);
  const size_t run_column = columns_.size();
  const int64_t ingested_at = ctx_.clock->NowMicros();
  int64_t reported = 0;
  while (true) {
    TARN_ASSIGN_OR_RETURN(bool more, reader->Next(&batch));
    if (!more) break;
    const size_t n = batch.num_rows();
    // A re-read row replaces the table's rows of its key in the range read; a soft-deleted
    // row replaces them with nothing.
    std::vector<uint8_t> deleted;
    if (!lake_keys_.empty()) {
      for (size_t row = 0; row < n; ++row) {
        auto it = lake_keys_.find(KeyOf(batch, key_columns_, row));
        if (it != lake_keys_.end()) {
          out->replaced.insert(out->replaced.end(), it->second.begin(), it->second.end());
        }
      }
    }
    if (soft_delete_ >= 0) {
      const Column& flag = batch.column(static_cast<size_t>(soft_delete_));
      deleted.resize(n);
      for (size_t row = 0; row < n; ++row) {
        deleted[row] =
            flag.IsValid(row) && (flag.type().id != TypeId::kBoolean || flag.GetBool(row));
      }
    }
    Column& ids = batch.column(run_column);
    Column& times = batch.column(run_column + 1);
    ids.AppendBytesRun(nullptr, n, [&](size_t) { return std::string_view(run.run_id); });
    std::fill_n(times.AppendSlots<int64_t>(n), n, ingested_at);
    if (std::find(deleted.begin(), deleted.end(), 1) != deleted.end()) {
      kept.Clear();
      for (size_t row = 0; row < n; ++row) {
        if (deleted[row]) continue;
        for (size_t c = 0; c < batch.num_columns(); ++c) {
          kept.column(c).AppendFrom(batch.column(c), row);
        }
      }
      TARN_RETURN_IF_ERROR(writer.Write(kept));
    } else {
      TARN_RETURN_IF_ERROR(writer.Write(batch));
    }
    const int64_t read = reader->bytes_read() - reported;
    reported += read;
    *bytes += read;
    if (options_.progress != nullptr) {
      options_.progress->Read(job_.name, index, static_cast<int64_t>(n), read);
    }
  }
  TARN_ASSIGN_OR_RETURN(out->files, writer.Finish());
  return Status::OK();
}

Status JobRun::LoadWindow(int64_t start, int64_t stop, IngestRun* run) {
  // The range read: the window, from look_back before its start; a full job reads everything.
  std::vector<ExtractRange> read;
  if (!Full()) read.push_back({job_.cursor_column, cursor_type_, start - look_back_, stop, false});
  if (!key_columns_.empty() && !Full()) {
    TARN_RETURN_IF_ERROR(LoadLakeKeys(start - look_back_, stop));
  }
  std::vector<ExtractRange> parts = {ExtractRange{"", cursor_type_, {}, {}, false}};
  if (partition_type_ && job_.num_partitions > 1) {
    std::optional<std::pair<int64_t, int64_t>> bounds;
    if (!job_.lower_bound.empty()) {
      TARN_ASSIGN_OR_RETURN(int64_t lo, ParseOrderable(*partition_type_, job_.lower_bound));
      TARN_ASSIGN_OR_RETURN(int64_t hi, ParseOrderable(*partition_type_, job_.upper_bound));
      bounds = std::make_pair(lo, hi);
    } else {
      TARN_ASSIGN_OR_RETURN(
          bounds, source_->Bounds(Relation(),
                                  {job_.partition_column, *partition_type_, {}, {}, false}, read));
    }
    if (bounds) {
      parts = SplitRanges(job_.partition_column, *partition_type_, bounds->first, bounds->second,
                          job_.num_partitions);
    }
  }
  if (options_.progress != nullptr) {
    options_.progress->WindowStarted(job_.name, *run, parts.size());
  }
  std::vector<PartitionRead> reads(parts.size());
  std::atomic<int64_t> bytes{0};
  Status status = ParallelFor(parts.size(), static_cast<int>(parts.size()), [&](size_t i) {
    std::vector<ExtractRange> ranges = read;
    if (!parts[i].column.empty()) ranges.push_back(parts[i]);
    return ReadPartition(ranges, i, *run, &bytes, &reads[i]);
  });
  std::vector<iceberg::DataFile> files;
  std::map<std::string, std::vector<int64_t>> replaced;
  for (PartitionRead& r : reads) {
    files.insert(files.end(), r.files.begin(), r.files.end());
    for (const auto& [file, pos] : r.replaced) replaced[lake_files_[file]].push_back(pos);
  }
  lake_keys_.clear();
  if (!status.ok()) {
    iceberg::RemoveUncommittedFiles(*ctx_.store, files);
    return status;
  }
  run->source_bytes = bytes.load();
  for (const iceberg::DataFile& f : files) {
    run->rows += f.record_count;
    run->file_bytes += f.file_size_in_bytes;
  }
  run->files = static_cast<int64_t>(files.size());
  for (auto& [path, positions] : replaced) {
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
    run->replaced += static_cast<int64_t>(positions.size());
  }

  // The window moves on, and the run is recorded, in the transaction of the commit.
  // A whole window moves on by a step; a window cut short by the horizon resumes there.
  const int64_t next_stop = stop == stop_ ? stop_ + step_ : stop_;
  const std::string new_start = Full() ? "" : FormatOrderable(cursor_type_, stop);
  const std::string new_stop = Full() ? "" : FormatOrderable(cursor_type_, next_stop);
  auto advance = [&](Database& db, const iceberg::Snapshot* snapshot) -> Status {
    const int64_t now_ms = ctx_.clock->NowMillis();
    if (!Full()) {
      TARN_RETURN_IF_ERROR(IngestStore::AdvanceWindow(db, job_.name, job_.window_start, new_start,
                                                      new_stop, ctx_.owner, now_ms + ctx_.lease_ms,
                                                      now_ms));
    }
    IngestRun done = *run;
    done.status = snapshot ? "succeeded" : "empty";
    done.finished_ms = now_ms;
    if (snapshot) done.snapshot_id = snapshot->snapshot_id;
    return IngestStore::FinishRun(db, done);
  };
  // A full job replaces the table's rows even with none (the source table was emptied),
  // unless the table holds none either.
  const iceberg::Snapshot* current = table_->metadata().current_snapshot();
  const bool nothing = files.empty() && replaced.empty() &&
                       (!Full() || current == nullptr ||
                        (current->SummaryCount("total-data-files") == 0 &&
                         current->SummaryCount("total-delete-files") == 0));
  if (nothing) {
    TARN_RETURN_IF_ERROR(ctx_.db->Transaction([&] { return advance(*ctx_.db, nullptr); }));
    run->status = "empty";
  } else {
    in_commit_ = advance;
    Result<iceberg::Snapshot> snapshot = Status::OK();
    if (Full()) {
      snapshot = table_->ReplaceAll(files);
    } else {
      Result<iceberg::Table::DeleteResult> result = table_->DeletePositions(replaced, files);
      if (result.ok()) {
        snapshot = *result->snapshot;
      } else {
        snapshot = result.status();
      }
    }
    in_commit_ = nullptr;
    if (!snapshot.ok()) {
      // Certainly not committed: nothing references the files. Otherwise keep them (orphan
      // removal reclaims them if the commit did not happen).
      if (snapshot.status().code() == StatusCode::kAborted) {
        iceberg::RemoveUncommittedFiles(*ctx_.store, files);
      }
      return snapshot.status();
    }
    run->status = "succeeded";
    run->snapshot_id = snapshot->snapshot_id;
  }
  run->finished_ms = ctx_.clock->NowMillis();
  if (Full()) return Status::OK();
  job_.window_start = new_start;
  job_.window_stop = new_stop;
  start_ = stop;
  stop_ = next_stop;
  return Status::OK();
}

void JobRun::Windows(JobOutcome* outcome) {
  for (int64_t n = 0; n < options_.max_windows; ++n) {
    // A full job loads the whole table once per run.
    const int64_t until = Full() ? 0 : std::min(stop_, horizon_);
    if (Full() ? n > 0 : until <= start_) {
      outcome->caught_up = true;
      return;
    }
    IngestRun run;
    run.run_id = RandomUuid();
    run.job = job_.name;
    if (!Full()) {
      run.window_start = FormatOrderable(cursor_type_, start_);
      run.window_stop = FormatOrderable(cursor_type_, until);
    }
    run.status = "running";
    run.started_ms = ctx_.clock->NowMillis();
    Status status = store_.StartRun(run);
    if (status.ok()) status = LoadWindow(start_, until, &run);
    if (!status.ok()) {
      run.status = "failed";
      run.error = status.ToString();
      run.finished_ms = ctx_.clock->NowMillis();
      Status recorded = store_.FinishRun(run);
      if (!recorded.ok()) spdlog::warn("could not record the failed run: {}", recorded.ToString());
      outcome->status = status;
    }
    if (options_.progress != nullptr) options_.progress->WindowFinished(job_.name, run);
    outcome->windows.push_back(run);
    if (!status.ok()) return;
  }
}

// The one place a finished run reports its outcome: logs it now; notifications hook in here.
void ReportOutcome(const JobOutcome& outcome) {
  int64_t rows = 0;
  for (const IngestRun& run : outcome.windows) rows += run.rows;
  if (!outcome.skipped.empty()) {
    spdlog::info("job {}: skipped: {}", outcome.job, outcome.skipped);
  } else if (!outcome.status.ok()) {
    spdlog::error("job {}: failed after {} window(s): {}", outcome.job, outcome.windows.size(),
                  outcome.status.ToString());
  } else {
    spdlog::info("job {}: {} window(s), {} rows{}", outcome.job, outcome.windows.size(), rows,
                 outcome.caught_up ? ", caught up" : "");
  }
}

}  // namespace

std::string LakeName(const std::string& source_name) {
  std::string name;
  for (unsigned char c : source_name) {
    name += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "t_" + name;
  return name.substr(0, 128);
}

void CompleteJob(IngestJob* job) {
  if (job->target_namespace.empty()) job->target_namespace = "raw_" + job->source;
  if (job->target_table.empty() && !job->source_query.empty()) {
    job->target_table = LakeName(job->name);
  } else if (job->target_table.empty()) {
    Result<SourceTableName> name = ParseSourceTableName(job->source_table, "");
    job->target_table = LakeName(name.ok() ? name->name : job->source_table);
  }
  const std::string& start = job->window_start;
  const bool integer_start =
      !start.empty() &&
      start.find_first_not_of("0123456789", start[0] == '-' ? 1 : 0) == std::string::npos;
  if (job->safety_lag.empty() && job->mode == "incremental" && !start.empty() && !integer_start) {
    job->safety_lag = "5m";
  }
}

Status ValidateJob(const IngestJob& job) {
  const std::string& n = job.name;
  if (n.empty() || n.size() > 63 || !(n[0] >= 'a' && n[0] <= 'z') ||
      !std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      })) {
    return Status::InvalidArgument("ingestion job name '" + n +
                                   "' must be 1 to 63 of a-z, 0-9 and _, starting with a letter");
  }
  if (job.source.empty()) return Bad(job, "source", "is required");
  if (job.source_table.empty() == job.source_query.empty()) {
    return Bad(job, "table", "or query is required, and only one of them");
  }
  if (!job.source_query.empty() && TrimQuery(job.source_query).empty()) {
    return Bad(job, "query", "is empty");
  }
  if (!job.source_table.empty()) {
    TARN_RETURN_IF_ERROR(ParseSourceTableName(job.source_table, "").status());
  }
  Status target = iceberg::ValidateNamespace(job.target_namespace);
  if (target.ok()) target = iceberg::ValidateName(job.target_table, "table");
  if (!target.ok()) return Bad(job, "target", target.message());
  if (job.mode != "incremental" && job.mode != "full") {
    return Bad(job, "mode", "'" + job.mode + "' is not incremental or full");
  }
  if (job.mode == "incremental") {
    if (job.cursor_column.empty())
      return Bad(job, "cursor_column", "is required (mode incremental)");
    if (job.window_start.empty()) return Bad(job, "window_start", "is required (mode incremental)");
    if (job.window_step.empty()) return Bad(job, "window_step", "is required (mode incremental)");
  }
  if (job.num_partitions < 1 || job.num_partitions > kMaxPartitions) {
    return Bad(job, "num_partitions",
               std::to_string(job.num_partitions) + " is not between 1 and " +
                   std::to_string(kMaxPartitions));
  }
  if (job.num_partitions > 1 && job.partition_column.empty()) {
    return Bad(job, "num_partitions", "needs a partition_column to split by");
  }
  if (job.lower_bound.empty() != job.upper_bound.empty()) {
    return Bad(job, "lower_bound", "and upper_bound go together (or leave both out)");
  }
  if (!job.safety_lag.empty()) {
    Result<int64_t> lag = ParseDuration(job.safety_lag);
    if (!lag.ok()) return Bad(job, "safety_lag", lag.status().message());
  }
  if (!job.look_back.empty()) {
    if (job.mode == "full") return Bad(job, "look_back", "means nothing to a full job");
    if (job.primary_key.empty()) {
      return Bad(job, "look_back",
                 "needs a primary_key: re-read rows replace their earlier versions by key");
    }
  }
  std::set<std::string> key(job.primary_key.begin(), job.primary_key.end());
  if (key.size() != job.primary_key.size() || key.count("")) {
    return Bad(job, "primary_key", "names a column twice, or an empty one");
  }
  if (job.on_schema_change != "evolve" && job.on_schema_change != "fail" &&
      job.on_schema_change != "ignore") {
    return Bad(job, "on_schema_change",
               "'" + job.on_schema_change + "' is not evolve, fail or ignore");
  }
  if (job.lake_partitioning != "day" && job.lake_partitioning != "month" &&
      job.lake_partitioning != "year" && job.lake_partitioning != "none") {
    return Bad(job, "lake_partitioning",
               "'" + job.lake_partitioning + "' is not day, month, year or none");
  }
  return Status::OK();
}

// A job's YAML keys (besides target and num_partitions), with the fields they fill.
constexpr std::pair<std::string_view, std::string IngestJob::*> kJobTextKeys[] = {
    {"source", &IngestJob::source},
    {"table", &IngestJob::source_table},
    {"query", &IngestJob::source_query},
    {"mode", &IngestJob::mode},
    {"cursor_column", &IngestJob::cursor_column},
    {"window_start", &IngestJob::window_start},
    {"window_stop", &IngestJob::window_stop},
    {"window_step", &IngestJob::window_step},
    {"safety_lag", &IngestJob::safety_lag},
    {"partition_column", &IngestJob::partition_column},
    {"lower_bound", &IngestJob::lower_bound},
    {"upper_bound", &IngestJob::upper_bound},
    {"look_back", &IngestJob::look_back},
    {"soft_delete_column", &IngestJob::soft_delete_column},
    {"on_schema_change", &IngestJob::on_schema_change},
    {"lake_partitioning", &IngestJob::lake_partitioning},
};
constexpr std::pair<std::string_view, std::vector<std::string> IngestJob::*> kJobListKeys[] = {
    {"primary_key", &IngestJob::primary_key},
    {"exclude_columns", &IngestJob::exclude_columns},
};

Result<std::vector<IngestJob>> ParseJobsYaml(std::string_view text, const std::string& file) {
  TARN_ASSIGN_OR_RETURN(ConfigNode root, ParseYaml(text, file));
  TARN_RETURN_IF_ERROR(root.ExpectMap({"jobs"}));
  TARN_ASSIGN_OR_RETURN(ConfigNode node, root.Get("jobs"));
  TARN_ASSIGN_OR_RETURN(auto entries, node.AsNamedMap());
  std::vector<std::string_view> keys = {"target", "num_partitions"};
  for (const auto& [key, field] : kJobTextKeys) keys.push_back(key);
  for (const auto& [key, field] : kJobListKeys) keys.push_back(key);
  std::vector<IngestJob> jobs;
  for (const auto& [name, entry] : entries) {
    TARN_RETURN_IF_ERROR(entry.ExpectMap(keys));
    IngestJob job;
    job.name = name;
    for (const auto& [key, field] : kJobTextKeys) {
      TARN_ASSIGN_OR_RETURN(std::optional<std::string> value, entry.FindString(key));
      if (value) job.*field = *value;
    }
    for (const auto& [key, field] : kJobListKeys) {
      std::optional<ConfigNode> list = entry.Find(key);
      if (!list) continue;
      TARN_ASSIGN_OR_RETURN(std::vector<ConfigNode> items, list->AsList());
      for (const ConfigNode& element : items) {
        TARN_ASSIGN_OR_RETURN(std::string value, element.AsString());
        (job.*field).push_back(value);
      }
    }
    TARN_ASSIGN_OR_RETURN(std::optional<std::string> target, entry.FindString("target"));
    TARN_ASSIGN_OR_RETURN(std::optional<int64_t> partitions,
                          entry.FindInt("num_partitions", 1, kMaxPartitions));
    if (partitions) job.num_partitions = *partitions;
    TARN_RETURN_IF_ERROR(SetTarget(&job, target.value_or("")));
    CompleteJob(&job);
    Status valid = ValidateJob(job);
    if (!valid.ok()) return entry.Error(valid.message());
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Status SetTarget(IngestJob* job, const std::string& target) {
  if (target.empty()) return Status::OK();
  Result<iceberg::TableIdentifier> id = iceberg::TableIdentifier::Parse(target);
  if (!id.ok()) return Bad(*job, "target", id.status().message());
  job->target_namespace = id->ns;
  job->target_table = id->name;
  return Status::OK();
}

std::string LeaseOwner() {
  static const std::string owner =
      Hostname() + ":" + std::to_string(getpid()) + ":" + RandomUuid().substr(0, 8);
  return owner;
}

Result<JobOutcome> RunJob(IngestContext& context, const std::string& name,
                          const RunOptions& options) {
  if (context.owner.empty()) context.owner = LeaseOwner();
  IngestStore store(*context.db);
  TARN_ASSIGN_OR_RETURN(IngestJob job, store.Get(name));
  JobOutcome outcome;
  outcome.job = name;
  const int64_t now_ms = context.clock->NowMillis();
  TARN_ASSIGN_OR_RETURN(bool leased,
                        store.AcquireLease(name, context.owner, now_ms, now_ms + context.lease_ms,
                                           DeadLocalOwner(job.lease_owner)));
  if (!leased) {
    outcome.skipped = "another run (" + job.lease_owner + ") holds the job until " +
                      FormatIso8601(job.lease_expires_ms * 1000);
    ReportOutcome(outcome);
    return outcome;
  }
  // Whatever runs were left `running` died: this run holds the lease now.
  TARN_RETURN_IF_ERROR(store.AbandonRuns(name, "", now_ms));
  JobRun run(context, options, job);
  Status prepared = run.Prepare();
  if (prepared.ok()) {
    run.Windows(&outcome);
  } else {
    outcome.status = prepared;
  }
  Status released = store.ReleaseLease(name, context.owner);
  if (!released.ok()) spdlog::warn("job {}: {}", name, released.ToString());
  ReportOutcome(outcome);
  if (!prepared.ok()) return prepared;
  return outcome;
}

}  // namespace tarn::ingest
