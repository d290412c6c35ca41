// tarn ingest add|list|show|edit|reset|remove|run|history: ingestion jobs and their runs.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "base/config.h"
#include "base/parallel.h"
#include "base/time_util.h"
#include "cli/commands.h"
#include "cli/lake.h"
#include "iceberg/catalog.h"
#include "ingest/ingest.h"
#include "meta/ingest_store.h"

namespace tarn {
namespace {

struct IngestOptions {
  std::vector<std::string> names;   // run: jobs; others: the first is the job
  std::string file;                 // add --file
  bool all = false;                 // run --all
  int parallel = 1;                 // run
  int64_t max_windows = INT64_MAX;  // run
  int64_t limit = 50;               // history
  // Definition flags (add, edit); unset ones are left alone by edit.
  std::map<std::string, std::string> fields;
  int64_t partitions = 0;
};

constexpr const char* kFieldFlags[][2] = {
    {"source", "The source's name in tarn.yaml"},
    {"table", "The source table: TABLE or SCHEMA.TABLE"},
    {"query", "Instead of --table: one SELECT statement whose rows the job reads"},
    {"target", "The lake table (default raw_<source>.<table>, or raw_<source>.<job> for a query)"},
    {"mode", "incremental (default) or full"},
    {"cursor", "The column windows are over (integer, date or timestamp)"},
    {"start", "Where the first window starts, in the cursor's form (2026-11-01, 1000)"},
    {"stop", "Where it stops (default start + step)"},
    {"step", "How far each window reaches: 1d, 6h, 30m, or a count for an integer cursor"},
    {"lag", "A window never ends after now minus this (default 5m)"},
    {"partition-column", "Split each window into ranges of this column"},
    {"lower-bound", "The partition column's lower bound (default: computed per window)"},
    {"upper-bound", "Its upper bound"},
    {"primary-key", "The key columns, comma separated"},
    {"look-back", "Re-read this far before each window (needs a primary key): 1h, 2d, a count"},
    {"soft-delete-column", "Rows where this column is true (or set) are deletions"},
    {"on-schema-change", "evolve (default), fail or ignore"},
    {"exclude", "Columns to leave out, comma separated"},
    {"lake-partitioning",
     "Partition the lake table by the cursor's day (default), month, "
     "year, or none"},
};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t comma = text.find(',', begin);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(begin, comma - begin);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) items.push_back(item);
    begin = comma + 1;
  }
  return items;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ",") + item;
  return text;
}

// Applies the definition flags given on the command line to `job`.
Status ApplyFlags(const IngestOptions& o, IngestJob* job) {
  if (o.fields.count("table") && o.fields.count("query")) {
    return Status::InvalidArgument("give --table or --query, not both");
  }
  for (const auto& [flag, value] : o.fields) {
    if (flag == "source") job->source = value;
    if (flag == "table" || flag == "query") {  // one replaces the other
      job->source_table = flag == "table" ? value : "";
      job->source_query = flag == "query" ? value : "";
    }
    if (flag == "target") TARN_RETURN_IF_ERROR(ingest::SetTarget(job, value));
    if (flag == "mode") job->mode = value;
    if (flag == "cursor") job->cursor_column = value;
    if (flag == "start") job->window_start = value;
    if (flag == "stop") job->window_stop = value;
    if (flag == "step") job->window_step = value;
    if (flag == "lag") job->safety_lag = value;
    if (flag == "partition-column") job->partition_column = value;
    if (flag == "lower-bound") job->lower_bound = value;
    if (flag == "upper-bound") job->upper_bound = value;
    if (flag == "primary-key") job->primary_key = SplitList(value);
    if (flag == "look-back") job->look_back = value;
    if (flag == "soft-delete-column") job->soft_delete_column = value;
    if (flag == "on-schema-change") job->on_schema_change = value;
    if (flag == "exclude") job->exclude_columns = SplitList(value);
    if (flag == "lake-partitioning") job->lake_partitioning = value;
  }
  if (o.partitions > 0) job->num_partitions = o.partitions;
  return Status::OK();
}

// "[start, stop)", or "[start, start + step)" before the first run fixes the stop.
std::string Window(const IngestJob& job) {
  if (job.mode == "full") return "(whole table, each run)";
  if (job.window_start.empty()) return "-";
  return "[" + job.window_start + ", " +
         (job.window_stop.empty() ? "start + " + job.window_step : job.window_stop) + ")";
}

// A run's window as history shows it; a full job's run loads the whole table.
std::string RunWindow(const IngestRun& run) {
  if (run.window_start.empty() && run.window_stop.empty()) return "(whole table)";
  return "[" + run.window_start + ", " + run.window_stop + ")";
}

// "bank main.deposits", or "bank (query)".
std::string SourceText(const IngestJob& job) {
  return job.source + " " + (job.source_query.empty() ? job.source_table : "(query)");
}

void PrintJob(const IngestJob& job) {
  auto line = [](const char* key, const std::string& value) {
    if (!value.empty()) std::printf("%-18s %s\n", key, value.c_str());
  };
  line("job", job.name);
  line("source", SourceText(job));
  line("query", job.source_query);
  line("target", job.target_namespace + "." + job.target_table);
  line("mode", job.mode);
  line("cursor", job.cursor_column);
  if (!job.window_start.empty() || job.mode == "full") line("next window", Window(job));
  line("window step", job.window_step);
  line("safety lag", job.safety_lag);
  if (!job.partition_column.empty()) {
    std::string bounds = job.lower_bound.empty()
                             ? "bounds computed per window"
                             : "bounds [" + job.lower_bound + ", " + job.upper_bound + "]";
    line("partitions",
         std::to_string(job.num_partitions) + " ranges of " + job.partition_column + ", " + bounds);
  }
  line("primary key", JoinList(job.primary_key));
  line("look back", job.look_back);
  line("soft delete column", job.soft_delete_column);
  line("on schema change", job.on_schema_change);
  line("excluded columns", JoinList(job.exclude_columns));
  if (job.mode != "full") line("lake partitioning", job.lake_partitioning);
  if (!job.lease_owner.empty()) {
    line("lease", job.lease_owner + " until " + FormatIso8601(job.lease_expires_ms * 1000));
  }
}

std::string Count(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return (n < 0 ? "-" : "") + digits;
}

std::string Duration(const IngestRun& run) {
  if (!run.finished_ms) return "-";
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f s",
                static_cast<double>(*run.finished_ms - run.started_ms) / 1000);
  return text;
}

// Progress on a terminal: one line redrawn four times a second (rows, MB/s, elapsed, each
// partition's rows). Elsewhere only the finished windows are printed.
class TerminalProgress final : public ingest::ProgressSink {
 public:
  explicit TerminalProgress(bool live) : live_(live) {
    if (live_) drawer_ = std::thread([this] { Draw(); });
  }
  ~TerminalProgress() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    if (drawer_.joinable()) drawer_.join();
  }

  void WindowStarted(const std::string& job, const IngestRun& run, size_t partitions) override {
    std::lock_guard lock(mu_);
    Live& live = jobs_[job];
    live.window = RunWindow(run);
    live.partitions.assign(partitions, 0);
    live.rows = live.bytes = 0;
    live.start = std::chrono::steady_clock::now();
  }
  void Read(const std::string& job, size_t partition, int64_t rows, int64_t bytes) override {
    std::lock_guard lock(mu_);
    Live& live = jobs_[job];
    if (partition < live.partitions.size()) live.partitions[partition] += rows;
    live.rows += rows;
    live.bytes += bytes;
  }
  void WindowFinished(const std::string& job, const IngestRun& run) override {
    std::lock_guard lock(mu_);
    jobs_.erase(job);
    Clear();
    std::string what = run.status;
    if (run.snapshot_id) what += "  snapshot " + std::to_string(*run.snapshot_id);
    if (run.replaced > 0) what += "  (" + Count(run.replaced) + " rows replaced)";
    std::printf("%-20s %s  %12s rows  %4lld files  %9s  %s\n", job.c_str(), RunWindow(run).c_str(),
                Count(run.rows).c_str(), static_cast<long long>(run.files), Duration(run).c_str(),
                what.c_str());
    if (!run.error.empty()) std::printf("%20s %s\n", "", run.error.c_str());
    std::fflush(stdout);
  }

 private:
  struct Live {
    std::string window;
    std::vector<int64_t> partitions;
    int64_t rows = 0, bytes = 0;
    std::chrono::steady_clock::time_point start;
  };
  void Clear() {
    if (live_) std::fprintf(stderr, "\r\033[K");
  }
  void Draw() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      wake_.wait_for(lock, std::chrono::milliseconds(250));
      if (stop_ || jobs_.empty()) continue;
      std::string text;
      for (const auto& [job, live] : jobs_) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - live.start).count();
        char line[160];
        std::snprintf(line, sizeof(line), "%s %s %s rows %.1f MB/s %.1fs", job.c_str(),
                      live.window.c_str(), Count(live.rows).c_str(),
                      seconds > 0 ? static_cast<double>(live.bytes) / 1e6 / seconds : 0.0, seconds);
        text += (text.empty() ? "" : " | ") + std::string(line);
        if (live.partitions.size() > 1) {
          for (size_t i = 0; i < live.partitions.size(); ++i) {
            text += " p" + std::to_string(i) + ":" + Count(live.partitions[i]);
          }
        }
      }
      std::fprintf(stderr, "\r\033[K%s", text.substr(0, 200).c_str());
      std::fflush(stderr);
    }
    Clear();
  }

  const bool live_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::map<std::string, Live> jobs_;
  std::thread drawer_;
};

Status Run(const LakeConfig& config, Lake& lake, const IngestOptions& o) {
  IngestStore store(*lake.db);
  std::vector<std::string> names = o.names;
  if (o.all) {
    if (!names.empty()) return Status::InvalidArgument("give job names or --all, not both");
    TARN_ASSIGN_OR_RETURN(std::vector<IngestJob> jobs, store.List());
    for (const IngestJob& job : jobs) names.push_back(job.name);
    if (names.empty()) {
      return Status::NotFound("there are no ingestion jobs; add one with tarn ingest add");
    }
  }
  if (names.empty()) return Status::InvalidArgument("name the jobs to run, or pass --all");
  for (const std::string& name : names) TARN_RETURN_IF_ERROR(store.Get(name).status());

  TerminalProgress progress(isatty(STDERR_FILENO) != 0);
  ingest::RunOptions options;
  options.max_windows = o.max_windows;
  options.progress = &progress;
  std::vector<Result<ingest::JobOutcome>> outcomes(names.size(),
                                                   Status::Internal("the job did not run"));
  // Each worker its own lake connection: a Database is one connection.
  const int threads = std::max(1, std::min<int>(o.parallel, static_cast<int>(names.size())));
  std::vector<std::optional<Lake>> lakes(static_cast<size_t>(threads));
  std::mutex next_mu;
  size_t next = 0;
  Status status = ParallelFor(static_cast<size_t>(threads), threads, [&](size_t t) -> Status {
    Lake* mine = &lake;
    if (t > 0) {
      TARN_ASSIGN_OR_RETURN(Lake opened, OpenLake(config));
      lakes[t] = std::move(opened);
      mine = &*lakes[t];
    }
    iceberg::Catalog catalog(*mine->db, mine->config.catalog_name);
    ingest::IngestContext context;
    context.db = mine->db.get();
    context.catalog = &catalog;
    context.store = mine->store.get();
    context.sources = &config.sources;
    while (true) {
      size_t i;
      {
        std::lock_guard lock(next_mu);
        if (next == names.size()) return Status::OK();
        i = next++;
      }
      outcomes[i] = ingest::RunJob(context, names[i], options);
    }
  });
  TARN_RETURN_IF_ERROR(status);

  std::printf("\n%-20s %8s %14s %7s %-22s %s\n", "job", "windows", "rows", "files", "snapshot",
              "status");
  Status first;
  size_t failed = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    const Result<ingest::JobOutcome>& outcome = outcomes[i];
    int64_t rows = 0, files = 0;
    std::string snapshot = "-";
    std::string state;
    Status job_status = outcome.ok() ? outcome->status : outcome.status();
    if (outcome.ok()) {
      for (const IngestRun& run : outcome->windows) {
        rows += run.rows;
        files += run.files;
        if (run.snapshot_id) snapshot = std::to_string(*run.snapshot_id);
      }
      state = !outcome->skipped.empty() ? "skipped: " + outcome->skipped
              : !job_status.ok()        ? "failed"
              : outcome->caught_up      ? "caught up"
                                        : "stopped (--max-windows)";
    } else {
      state = "failed";
    }
    std::printf("%-20s %8zu %14s %7lld %-22s %s\n", names[i].c_str(),
                outcome.ok() ? outcome->windows.size() : 0, Count(rows).c_str(),
                static_cast<long long>(files), snapshot.c_str(), state.c_str());
    if (!job_status.ok()) {
      ++failed;
      if (first.ok()) first = job_status.WithContext("job " + names[i]);
    }
  }
  if (failed > 1) {
    return first.WithContext(std::to_string(failed) + " of " + std::to_string(names.size()) +
                             " jobs failed; the first");
  }
  return first;
}

Status History(IngestStore& store, const IngestOptions& o) {
  const std::string job = o.names.empty() ? "" : o.names[0];
  if (!job.empty()) TARN_RETURN_IF_ERROR(store.Get(job).status());
  TARN_ASSIGN_OR_RETURN(std::vector<IngestRun> runs, store.History(job, o.limit));
  std::printf("%-20s %-20s %-45s %-10s %12s %10s %10s %6s %9s %-20s %s\n", "job", "started",
              "window", "status", "rows", "replaced", "MB read", "files", "duration", "snapshot",
              "error");
  for (const IngestRun& run : runs) {
    char mb[32];
    std::snprintf(mb, sizeof(mb), "%.1f", static_cast<double>(run.source_bytes) / 1e6);
    std::printf(
        "%-20s %-20s %-45s %-10s %12s %10s %10s %6lld %9s %-20s %s\n", run.job.c_str(),
        FormatUtc(run.started_ms * 1000, "%Y-%m-%d %H:%M:%S").c_str(), RunWindow(run).c_str(),
        run.status.c_str(), Count(run.rows).c_str(), Count(run.replaced).c_str(), mb,
        static_cast<long long>(run.files), Duration(run).c_str(),
        run.snapshot_id ? std::to_string(*run.snapshot_id).c_str() : "-", run.error.c_str());
  }
  if (runs.empty()) std::printf("(no runs yet)\n");
  return Status::OK();
}

Status RunIngest(const GlobalOptions& global, const std::string& verb, const IngestOptions& o) {
  TARN_ASSIGN_OR_RETURN(LakeConfig config, LoadConfigForCommand(global));
  TARN_ASSIGN_OR_RETURN(Lake lake, OpenLake(config));
  IngestStore store(*lake.db);
  const int64_t now_ms = Clock::Real()->NowMillis();
  const std::string name = o.names.empty() ? "" : o.names[0];
  auto check_source = [&](const IngestJob& job) -> Status {
    return config.FindSource(job.source).status();
  };
  if (verb == "add") {
    std::vector<IngestJob> jobs;
    if (!o.file.empty()) {
      if (!o.names.empty() || !o.fields.empty()) {
        return Status::InvalidArgument("give --file or a job on the command line, not both");
      }
      TARN_ASSIGN_OR_RETURN(std::string text, ReadConfigText(o.file));
      TARN_ASSIGN_OR_RETURN(jobs, ingest::ParseJobsYaml(text, o.file));
    } else {
      if (name.empty()) return Status::InvalidArgument("name the job, or give --file");
      IngestJob job;
      job.name = name;
      TARN_RETURN_IF_ERROR(ApplyFlags(o, &job));
      ingest::CompleteJob(&job);
      TARN_RETURN_IF_ERROR(ingest::ValidateJob(job));
      jobs.push_back(std::move(job));
    }
    for (const IngestJob& job : jobs) TARN_RETURN_IF_ERROR(check_source(job));
    TARN_RETURN_IF_ERROR(lake.db->Transaction([&]() -> Status {
      for (const IngestJob& job : jobs) TARN_RETURN_IF_ERROR(store.Add(job, now_ms));
      return Status::OK();
    }));
    for (const IngestJob& job : jobs) {
      std::printf("added job %s: %s -> %s.%s, next window %s\n", job.name.c_str(),
                  SourceText(job).c_str(), job.target_namespace.c_str(), job.target_table.c_str(),
                  Window(job).c_str());
    }
    return Status::OK();
  }
  if (verb == "list") {
    TARN_ASSIGN_OR_RETURN(std::vector<IngestJob> jobs, store.List());
    std::printf("%-20s %-30s %-30s %-12s %s\n", "job", "source", "target", "cursor", "next window");
    for (const IngestJob& job : jobs) {
      std::printf("%-20s %-30s %-30s %-12s %s\n", job.name.c_str(), SourceText(job).c_str(),
                  (job.target_namespace + "." + job.target_table).c_str(),
                  job.cursor_column.c_str(), Window(job).c_str());
    }
    if (jobs.empty()) std::printf("(no jobs; add one with tarn ingest add)\n");
    return Status::OK();
  }
  if (verb == "show") {
    TARN_ASSIGN_OR_RETURN(IngestJob job, store.Get(name));
    PrintJob(job);
    return Status::OK();
  }
  if (verb == "edit" || verb == "reset") {
    TARN_ASSIGN_OR_RETURN(IngestJob job, store.Get(name));
    if (verb == "reset") {
      if (!o.fields.count("start")) return Status::InvalidArgument("reset needs --start");
      job.window_stop.clear();
    } else if (o.fields.count("start") || o.fields.count("stop")) {
      return Status::InvalidArgument(
          "edit does not move the window; use tarn ingest reset NAME --start V [--stop V]");
    }
    TARN_RETURN_IF_ERROR(ApplyFlags(o, &job));
    if (o.fields.count("step") && !o.fields.count("stop")) job.window_stop.clear();
    ingest::CompleteJob(&job);
    TARN_RETURN_IF_ERROR(ingest::ValidateJob(job));
    TARN_RETURN_IF_ERROR(check_source(job));
    TARN_RETURN_IF_ERROR(store.Update(job, now_ms));
    PrintJob(job);
    return Status::OK();
  }
  if (verb == "remove") {
    TARN_RETURN_IF_ERROR(store.Remove(name));
    std::printf("removed job %s and its history (the lake table stays)\n", name.c_str());
    return Status::OK();
  }
  if (verb == "history") return History(store, o);
  return Run(config, lake, o);
}

}  // namespace

void AddIngestCommand(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd =
      app.add_subcommand("ingest", "Copy source tables into raw_<source> tables, window by window");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n"
      "  tarn ingest add deposits --source bank --table deposits --cursor booked_at \\\n"
      "      --start 2026-10-01 --step 1d\n"
      "  tarn ingest add --file jobs.yaml\n"
      "  tarn ingest run --all --parallel 4\n"
      "  tarn ingest history deposits\n");
  auto o = std::make_shared<IngestOptions>();
  struct Verb {
    const char* name;
    const char* help;
  };
  for (Verb verb :
       {Verb{"add", "Add a job (flags), or the jobs of a YAML file (--file)"},
        Verb{"list", "Every job and its next window"}, Verb{"show", "One job's definition"},
        Verb{"edit", "Change a job's definition (only the flags given)"},
        Verb{"reset", "Move a job's next window (--start, --stop)"},
        Verb{"remove", "Remove a job and its history (not its table)"},
        Verb{"run", "Load windows until each job has caught up"},
        Verb{"history", "Each run and window: rows, bytes, files, duration, snapshot, error"}}) {
    CLI::App* sub = cmd->add_subcommand(verb.name, verb.help);
    const std::string v = verb.name;
    if (v == "run") {
      sub->add_option("jobs", o->names, "The jobs to run");
      sub->add_flag("--all", o->all, "Run every job");
      sub->add_option("--parallel", o->parallel, "Run this many jobs at once")
          ->check(CLI::Range(1, 64));
      sub->add_option("--max-windows", o->max_windows, "Stop each job after this many windows")
          ->check(CLI::PositiveNumber);
    } else if (v == "history") {
      sub->add_option("job", o->names, "Only this job")->expected(0, 1);
      sub->add_option("--limit", o->limit, "Show this many runs (newest first)")
          ->check(CLI::PositiveNumber);
    } else if (v != "list") {
      auto* job = sub->add_option("job", o->names, "The job's name")->expected(1);
      if (v != "add") job->required();
    }
    if (v == "add") sub->add_option("--file", o->file, "A YAML file of jobs (see README)");
    if (v == "add" || v == "edit" || v == "reset") {
      for (const auto& [flag, help] : kFieldFlags) {
        const std::string key = flag;
        if (v == "reset" && key != "start" && key != "stop") continue;
        sub->add_option_function<std::string>(
            "--" + key, [o, key](const std::string& value) { o->fields[key] = value; }, help);
      }
      if (v != "reset") {
        sub->add_option("--partitions", o->partitions, "How many ranges to read in parallel")
            ->check(CLI::Range(1, 256));
      }
    }
    sub->callback([&global, action, o, v] {
      *action = [&global, o, v] { return RunIngest(global, v, *o); };
    });
  }
}

}  // namespace tarn
