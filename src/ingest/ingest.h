// Incremental ingestion: copies a source table into raw_<source>.<table> (or the rows of a
// query into raw_<source>.<job>), one window of its cursor column at a time, exactly once
// (DESIGN.md, "Ingest"). A query becomes a subquery the windows and ranges filter, so its
// cursor and partition columns are columns of its result.
//
// A run of a job takes the job's lease, fixes its horizon (now minus the safety lag, or the
// cursor's largest value + 1 for an integer cursor), then loads window after window until the
// next one would pass the horizon:
//   1. the window [start, stop) is split into num_partitions ranges of the partition column,
//      read in parallel, one source connection each, and written as Parquet data files;
//   2. one transaction of the metadata database swaps the table's catalog pointer to a
//      snapshot holding those files, moves the job's window on, and records the run: all or
//      nothing. A window with no rows commits no snapshot but still moves on.
// A run killed at any instant leaves either the whole window committed or nothing (its files
// are orphans); the next run starts where the last commit ended. A failed window is retried
// by the next run, never skipped. Each row carries the window's run id and ingestion time
// (_tarn_run_id, _tarn_ingested_at).
//
// With a primary key, a window reads [start - look_back, stop) (look_back defaults to none),
// and its rows replace the table's rows of the same key whose cursor lies in that range: new
// data files and position deletes commit as one `overwrite` snapshot, so the table holds each
// key once per range read (late rows are caught, re-read rows are not doubled). Versions of a
// key older than the range stay, as raw history. Rows whose soft_delete_column is true (or,
// for a column that is not boolean, not null) are not loaded; with a key, they also remove
// its versions in the range read.
//
// A full job (mode full) has no cursor: each run reads the whole table and replaces the
// table's rows with it in one `overwrite` snapshot (earlier loads stay for time travel).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "connect/source.h"
#include "iceberg/catalog.h"
#include "meta/database.h"
#include "meta/ingest_store.h"
#include "store/object_store.h"

namespace tarn::ingest {

inline constexpr char kRunIdColumn[] = "_tarn_run_id";
inline constexpr char kIngestedAtColumn[] = "_tarn_ingested_at";

// Checks a job definition: names, mode, policies, durations and counts, and that an
// incremental job has a cursor and a window. kInvalidArgument naming the field.
Status ValidateJob(const IngestJob& job);

// Fills what a definition may leave out: the target (raw_<source>.<table>), the window stop
// (start + step) and the safety lag (5m for a date or timestamp cursor).
void CompleteJob(IngestJob* job);

// Jobs from a YAML document (`file` names it in errors), each validated and completed:
//
//   jobs:
//     deposits:
//       source: bank
//       table: main.deposits             # or schema.table; quote parts with "..."
//       cursor_column: booked_at
//       window_start: 2026-10-01         # the first window; its stop is start + step
//       window_step: 1d
//       partition_column: id             # optional: split each window into ranges
//       num_partitions: 4
//     open_orders:
//       source: shop
//       query: SELECT o.id, o.at, c.region FROM orders o JOIN customers c ON c.id = o.customer
//       cursor_column: at                # a column of the query's result
//       window_start: 2026-10-01
//       window_step: 1d
//
// Every IngestJob field has a key of the same name (table for source_table, query for
// source_query, target for "namespace.table"); unknown keys are errors naming file:line:column.
Result<std::vector<IngestJob>> ParseJobsYaml(std::string_view text, const std::string& file);

// Sets the job's target from "namespace.table"; kInvalidArgument for a bad name.
Status SetTarget(IngestJob* job, const std::string& target);

// The lake-side name for a source table name: lower case, [a-z0-9_] only.
std::string LakeName(const std::string& source_name);

// What a run reports as it goes; called from the reading threads (be thread-safe).
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void WindowStarted(const std::string& job, const IngestRun& run, size_t partitions) = 0;
  virtual void Read(const std::string& job, size_t partition, int64_t rows, int64_t bytes) = 0;
  virtual void WindowFinished(const std::string& job, const IngestRun& run) = 0;
};

struct IngestContext {
  Database* db = nullptr;  // the lake's metadata database (this thread's connection)
  iceberg::Catalog* catalog = nullptr;
  ObjectStore* store = nullptr;
  const std::vector<SourceConfig>* sources = nullptr;
  Clock* clock = Clock::Real();
  std::string owner;                           // lease owner; LeaseOwner() by default
  int64_t lease_ms = int64_t{10} * 60 * 1000;  // renewed at each window
};

struct RunOptions {
  int64_t max_windows = INT64_MAX;  // stop after this many windows
  size_t batch_rows = size_t{64} * 1024;
  ProgressSink* progress = nullptr;
};

struct JobOutcome {
  std::string job;
  std::vector<IngestRun> windows;  // each window this run loaded or tried, in order
  Status status;                   // the first failure; the job stops there
  bool caught_up = false;          // the next window would pass the horizon
  std::string skipped;             // why the run did not start (the lease is held elsewhere)
};

// "host:pid:nonce", unique per process.
std::string LeaseOwner();

// Runs one job until it has caught up, failed, or loaded max_windows windows. Errors before
// the first window (no such job, source unreachable, bad columns) are the returned Status;
// errors in a window are in the outcome, which the history also records. Every run that got
// as far as the lease reports its outcome in one place (logged now; notifications hook in
// there), whoever called it.
Result<JobOutcome> RunJob(IngestContext& context, const std::string& job,
                          const RunOptions& options = {});

}  // namespace tarn::ingest
