#include "meta/ingest_store.h"

#include <nlohmann/json.hpp>

namespace tarn {
namespace {

// A job's definition columns, in DefinitionValues order.
constexpr const char* kDefinitionColumns[] = {"source_name",
                                              "source_table",
                                              "target_namespace",
                                              "target_table",
                                              "mode",
                                              "cursor_column",
                                              "window_start",
                                              "window_stop",
                                              "window_step",
                                              "safety_lag",
                                              "partition_column",
                                              "lower_bound",
                                              "upper_bound",
                                              "num_partitions",
                                              "primary_key",
                                              "look_back",
                                              "soft_delete_column",
                                              "on_schema_change",
                                              "exclude_columns",
                                              "lake_partitioning",
                                              "source_query"};

// Every column of tarn_ingest_jobs, as JobFromRow reads them.
std::string JobColumns() {
  std::string columns = "job_name";
  for (const char* c : kDefinitionColumns) columns += std::string(", ") + c;
  return columns + ", lease_owner, lease_expires_ms, created_ms, updated_ms";
}

constexpr char kRunColumns[] =
    "run_id, job_name, window_start, window_stop, status, row_count, source_bytes, file_count, "
    "file_bytes, started_ms, finished_ms, snapshot_id, error, replaced_rows";

// Empty text is stored as NULL.
SqlValue Text(const std::string& text) { return text.empty() ? SqlValue{} : SqlValue{text}; }

SqlValue List(const std::vector<std::string>& items) {
  return items.empty() ? SqlValue{} : SqlValue{nlohmann::json(items).dump()};
}

SqlValue Optional(const std::optional<int64_t>& value) {
  return value ? SqlValue{*value} : SqlValue{};
}

std::string CellText(const SqlValue& cell) {
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  if (const auto* i = std::get_if<int64_t>(&cell)) return std::to_string(*i);
  return "";
}

int64_t CellInt(const SqlValue& cell) {
  if (const auto* i = std::get_if<int64_t>(&cell)) return *i;
  if (const auto* s = std::get_if<std::string>(&cell)) return std::atoll(s->c_str());
  return 0;
}

std::optional<int64_t> CellOptional(const SqlValue& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return std::nullopt;
  return CellInt(cell);
}

Result<std::vector<std::string>> CellList(const SqlValue& cell, const char* what) {
  const std::string text = CellText(cell);
  if (text.empty()) return std::vector<std::string>{};
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) {
    return Status::Corruption(std::string("tarn_ingest_jobs.") + what + " is not a JSON list");
  }
  std::vector<std::string> items;
  for (const auto& item : parsed) {
    if (!item.is_string()) {
      return Status::Corruption(std::string("tarn_ingest_jobs.") + what + " holds a non-string");
    }
    items.push_back(item.get<std::string>());
  }
  return items;
}

Result<IngestJob> JobFromRow(const SqlRow& row) {
  IngestJob job;
  job.name = CellText(row[0]);
  job.source = CellText(row[1]);
  job.source_table = CellText(row[2]);
  job.target_namespace = CellText(row[3]);
  job.target_table = CellText(row[4]);
  job.mode = CellText(row[5]);
  job.cursor_column = CellText(row[6]);
  job.window_start = CellText(row[7]);
  job.window_stop = CellText(row[8]);
  job.window_step = CellText(row[9]);
  job.safety_lag = CellText(row[10]);
  job.partition_column = CellText(row[11]);
  job.lower_bound = CellText(row[12]);
  job.upper_bound = CellText(row[13]);
  job.num_partitions = CellInt(row[14]);
  TARN_ASSIGN_OR_RETURN(job.primary_key, CellList(row[15], "primary_key"));
  job.look_back = CellText(row[16]);
  job.soft_delete_column = CellText(row[17]);
  job.on_schema_change = CellText(row[18]);
  TARN_ASSIGN_OR_RETURN(job.exclude_columns, CellList(row[19], "exclude_columns"));
  job.lake_partitioning = CellText(row[20]);
  job.source_query = CellText(row[21]);
  job.lease_owner = CellText(row[22]);
  job.lease_expires_ms = CellInt(row[23]);
  job.created_ms = CellInt(row[24]);
  job.updated_ms = CellInt(row[25]);
  return job;
}

// The definition's values, in kDefinitionColumns order.
std::vector<SqlValue> DefinitionValues(const IngestJob& job) {
  return {job.source,
          job.source_table,
          job.target_namespace,
          job.target_table,
          job.mode,
          Text(job.cursor_column),
          Text(job.window_start),
          Text(job.window_stop),
          Text(job.window_step),
          Text(job.safety_lag),
          Text(job.partition_column),
          Text(job.lower_bound),
          Text(job.upper_bound),
          job.num_partitions,
          List(job.primary_key),
          Text(job.look_back),
          Text(job.soft_delete_column),
          job.on_schema_change,
          List(job.exclude_columns),
          job.lake_partitioning,
          Text(job.source_query)};
}

IngestRun RunFromRow(const SqlRow& row) {
  IngestRun run;
  run.run_id = CellText(row[0]);
  run.job = CellText(row[1]);
  run.window_start = CellText(row[2]);
  run.window_stop = CellText(row[3]);
  run.status = CellText(row[4]);
  run.rows = CellInt(row[5]);
  run.source_bytes = CellInt(row[6]);
  run.files = CellInt(row[7]);
  run.file_bytes = CellInt(row[8]);
  run.started_ms = CellInt(row[9]);
  run.finished_ms = CellOptional(row[10]);
  run.snapshot_id = CellOptional(row[11]);
  run.error = CellText(row[12]);
  run.replaced = CellInt(row[13]);
  return run;
}

Status NoSuchJob(const std::string& name) {
  return Status::NotFound("no ingestion job '" + name + "' (tarn ingest list shows them)");
}

}  // namespace

Status IngestStore::Add(const IngestJob& job, int64_t now_ms) {
  std::vector<SqlValue> values = {job.name};
  for (SqlValue& v : DefinitionValues(job)) values.push_back(std::move(v));
  values.insert(values.end(), {SqlValue{}, SqlValue{}, now_ms, now_ms});
  std::string placeholders = "?";
  for (size_t i = 1; i < values.size(); ++i) placeholders += ", ?";
  Result<QueryResult> result = db_.Execute(
      "INSERT INTO tarn_ingest_jobs (" + JobColumns() + ") VALUES (" + placeholders + ")", values);
  if (result.status().code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("ingestion job '" + job.name +
                                 "' exists; change it with tarn ingest edit");
  }
  return result.status();
}

Status IngestStore::Update(const IngestJob& job, int64_t now_ms) {
  std::vector<SqlValue> values = DefinitionValues(job);
  values.push_back(now_ms);
  values.push_back(job.name);
  std::string set;
  for (const char* c : kDefinitionColumns) set += std::string(c) + " = ?, ";
  TARN_ASSIGN_OR_RETURN(QueryResult result, db_.Execute("UPDATE tarn_ingest_jobs SET " + set +
                                                            "updated_ms = ? WHERE job_name = ?",
                                                        values));
  if (result.rows_affected == 0) return NoSuchJob(job.name);
  return Status::OK();
}

Result<IngestJob> IngestStore::Get(const std::string& name) {
  TARN_ASSIGN_OR_RETURN(
      QueryResult result,
      db_.Execute("SELECT " + JobColumns() + " FROM tarn_ingest_jobs WHERE job_name = ?", {name}));
  if (result.rows.empty()) return NoSuchJob(name);
  return JobFromRow(result.rows[0]);
}

Result<std::vector<IngestJob>> IngestStore::List() {
  TARN_ASSIGN_OR_RETURN(
      QueryResult result,
      db_.Execute("SELECT " + JobColumns() + " FROM tarn_ingest_jobs ORDER BY job_name"));
  std::vector<IngestJob> jobs;
  for (const SqlRow& row : result.rows) {
    TARN_ASSIGN_OR_RETURN(IngestJob job, JobFromRow(row));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Status IngestStore::Remove(const std::string& name) {
  return db_.Transaction([&]() -> Status {
    TARN_ASSIGN_OR_RETURN(QueryResult result,
                          db_.Execute("DELETE FROM tarn_ingest_jobs WHERE job_name = ?", {name}));
    if (result.rows_affected == 0) return NoSuchJob(name);
    return db_.Execute("DELETE FROM tarn_ingest_runs WHERE job_name = ?", {name}).status();
  });
}

Result<bool> IngestStore::AcquireLease(const std::string& name, const std::string& owner,
                                       int64_t now_ms, int64_t expires_ms,
                                       const std::string& stale_owner) {
  TARN_ASSIGN_OR_RETURN(
      QueryResult result,
      db_.Execute("UPDATE tarn_ingest_jobs SET lease_owner = ?, lease_expires_ms = ? "
                  "WHERE job_name = ? AND (lease_owner IS NULL OR lease_expires_ms < ? OR "
                  "lease_owner = ? OR lease_owner = ?)",
                  {owner, expires_ms, name, now_ms, owner, stale_owner}));
  if (result.rows_affected == 1) return true;
  TARN_RETURN_IF_ERROR(Get(name).status());  // kNotFound for a missing job
  return false;
}

Status IngestStore::ReleaseLease(const std::string& name, const std::string& owner) {
  return db_
      .Execute(
          "UPDATE tarn_ingest_jobs SET lease_owner = NULL, lease_expires_ms = NULL "
          "WHERE job_name = ? AND lease_owner = ?",
          {name, owner})
      .status();
}

Status IngestStore::StartRun(const IngestRun& run) {
  return db_
      .Execute(
          std::string("INSERT INTO tarn_ingest_runs (") + kRunColumns +
              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {run.run_id, run.job, Text(run.window_start), Text(run.window_stop), run.status, run.rows,
           run.source_bytes, run.files, run.file_bytes, run.started_ms, Optional(run.finished_ms),
           Optional(run.snapshot_id), Text(run.error), run.replaced})
      .status();
}

Status IngestStore::FinishRun(const IngestRun& run) { return FinishRun(db_, run); }

Status IngestStore::FinishRun(Database& db, const IngestRun& run) {
  // Error texts are bounded by the column.
  std::string error = run.error.size() > 3900 ? run.error.substr(0, 3900) + "..." : run.error;
  TARN_ASSIGN_OR_RETURN(
      QueryResult result,
      db.Execute("UPDATE tarn_ingest_runs SET window_start = ?, window_stop = ?, status = ?, "
                 "row_count = ?, source_bytes = ?, file_count = ?, file_bytes = ?, "
                 "finished_ms = ?, snapshot_id = ?, error = ?, replaced_rows = ? WHERE "
                 "run_id = ? AND status = 'running'",
                 {Text(run.window_start), Text(run.window_stop), run.status, run.rows,
                  run.source_bytes, run.files, run.file_bytes, Optional(run.finished_ms),
                  Optional(run.snapshot_id), Text(error), run.replaced, run.run_id}));
  if (result.rows_affected == 0) {
    return Status::NotFound("no running ingestion run '" + run.run_id + "'");
  }
  return Status::OK();
}

Status IngestStore::AbandonRuns(const std::string& job, const std::string& keep, int64_t now_ms) {
  return db_
      .Execute(
          "UPDATE tarn_ingest_runs SET status = 'abandoned', finished_ms = ?, error = "
          "'the run stopped before finishing (killed, or its machine went away); nothing "
          "of it was committed' WHERE job_name = ? AND status = 'running' AND run_id <> ?",
          {now_ms, job, keep})
      .status();
}

Result<std::vector<IngestRun>> IngestStore::History(const std::string& job, int64_t limit) {
  TARN_ASSIGN_OR_RETURN(QueryResult result,
                        db_.Execute(std::string("SELECT ") + kRunColumns +
                                        " FROM tarn_ingest_runs WHERE (? = '' OR job_name = ?) "
                                        "ORDER BY started_ms DESC, run_id DESC LIMIT ?",
                                    {job, job, limit}));
  std::vector<IngestRun> runs;
  runs.reserve(result.rows.size());
  for (const SqlRow& row : result.rows) runs.push_back(RunFromRow(row));
  return runs;
}

Status IngestStore::AdvanceWindow(Database& db, const std::string& name,
                                  const std::string& expected_start, const std::string& new_start,
                                  const std::string& new_stop, const std::string& owner,
                                  int64_t lease_expires_ms, int64_t now_ms) {
  TARN_ASSIGN_OR_RETURN(
      QueryResult result,
      db.Execute("UPDATE tarn_ingest_jobs SET window_start = ?, window_stop = ?, lease_owner = ?, "
                 "lease_expires_ms = ?, updated_ms = ? WHERE job_name = ? AND window_start = ?",
                 {new_start, new_stop, owner, lease_expires_ms, now_ms, name, expected_start}));
  if (result.rows_affected == 0) {
    return Status::Aborted("ingestion job '" + name + "' no longer starts its window at " +
                           expected_start +
                           " (another run, or tarn ingest reset, moved it); nothing was "
                           "committed");
  }
  return Status::OK();
}

}  // namespace tarn
