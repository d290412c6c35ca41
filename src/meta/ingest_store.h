// The ingestion jobs and their run history in the metadata database (migration 3): what each
// job copies, the window it loads next, the lease of the run that holds it, and one history
// row per window a run loads.
//
// The window a job loads next is [window_start, window_stop). AdvanceWindow moves it inside
// the transaction that commits the window's snapshot (Table's in_commit), conditional on the
// window still starting where the run found it: a run whose lease was taken over can never
// load a window twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "meta/database.h"

namespace tarn {

struct IngestJob {
  std::string name;
  std::string source;        // a name under tarn.yaml's `sources:`
  std::string source_table;  // "schema.table" as the source spells it
  std::string source_query;  // instead of source_table: one SELECT statement the job reads
  std::string target_namespace;
  std::string target_table;
  std::string mode = "incremental";  // incremental | full
  std::string cursor_column;         // incremental: the column windows are over
  // Values in the cursor column's text form (42, 2026-11-21, 2026-11-21 10:00:00); both set
  // for an incremental job.
  std::string window_start;
  std::string window_stop;
  std::string window_step;       // a duration (1d, 6h, 30m) or, for an integer cursor, a count
  std::string safety_lag;        // a duration; a window never ends after now minus this
  std::string partition_column;  // empty: one range per window
  std::string lower_bound;       // of partition_column; empty: computed per window
  std::string upper_bound;
  int64_t num_partitions = 1;
  std::vector<std::string> primary_key;
  std::string look_back;  // a duration or count; empty: none
  std::string soft_delete_column;
  std::string on_schema_change = "evolve";  // evolve | fail | ignore
  std::vector<std::string> exclude_columns;
  std::string lake_partitioning = "day";  // day | month | year | none (of the cursor)
  // Read-only here: kept by the lease calls.
  std::string lease_owner;
  int64_t lease_expires_ms = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct IngestRun {
  std::string run_id;
  std::string job;
  std::string window_start;
  std::string window_stop;
  std::string status;    // running | succeeded | empty | failed | abandoned
  int64_t rows = 0;      // rows written
  int64_t replaced = 0;  // rows of the table the window's re-read replaced (look_back)
  int64_t source_bytes = 0;
  int64_t files = 0;
  int64_t file_bytes = 0;
  int64_t started_ms = 0;
  std::optional<int64_t> finished_ms;
  std::optional<int64_t> snapshot_id;
  std::string error;
};

class IngestStore {
 public:
  explicit IngestStore(Database& db) : db_(db) {}

  // kAlreadyExists when a job of that name exists.
  Status Add(const IngestJob& job, int64_t now_ms);
  // Replaces the definition and window (not the lease). kNotFound when absent.
  Status Update(const IngestJob& job, int64_t now_ms);
  Result<IngestJob> Get(const std::string& name);
  Result<std::vector<IngestJob>> List();
  // Removes the job and its history. kNotFound when absent.
  Status Remove(const std::string& name);

  // Takes the job's lease for `owner` until `expires_ms` when it is free, expired at `now_ms`,
  // already `owner`'s, or held by `stale_owner` (an owner known to be dead). False when
  // another owner holds it.
  Result<bool> AcquireLease(const std::string& name, const std::string& owner, int64_t now_ms,
                            int64_t expires_ms, const std::string& stale_owner = "");
  Status ReleaseLease(const std::string& name, const std::string& owner);

  Status StartRun(const IngestRun& run);
  // Writes the outcome (status, counts, snapshot, error, finished_ms) of a run still marked
  // running: a run whose commit landed although its caller saw an error keeps `succeeded`.
  Status FinishRun(const IngestRun& run);
  // Marks the job's `running` rows as `abandoned` (their run died), but `keep`.
  Status AbandonRuns(const std::string& job, const std::string& keep, int64_t now_ms);
  // Newest first; every job when `job` is empty.
  Result<std::vector<IngestRun>> History(const std::string& job, int64_t limit);

  // Moves the job's window to [new_start, new_stop) and renews `owner`'s lease, if the window
  // still starts at `expected_start`; kAborted otherwise. For use inside a transaction.
  static Status AdvanceWindow(Database& db, const std::string& name,
                              const std::string& expected_start, const std::string& new_start,
                              const std::string& new_stop, const std::string& owner,
                              int64_t lease_expires_ms, int64_t now_ms);
  static Status FinishRun(Database& db, const IngestRun& run);

 private:
  Database& db_;
};

}  // namespace tarn
