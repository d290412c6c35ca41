// The ingestion issue's measurement: `tarn ingest run` copying a ROWS-row PostgreSQL table into
// a fresh raw table, against the bare extraction it is built on, `psql -c "COPY (SELECT ...)
// TO STDOUT (FORMAT binary)" > /dev/null`, in the same run on the same server (started here,
// as the tests start theirs). The table has the Parquet issue's columns:
//   id bigint, customer_id bigint, ts timestamp, amount numeric(12,2), currency text,
//   merchant text, note text (30% null).
// Each side runs once to warm the server's cache, then is timed; tarn's peak memory is the
// child's maxrss. Goal: tarn's wall time at most 1.5 times the extraction, one range each;
// a run with two ranges is shown too. Usage: ingest_bench [--rows N] [--dir DIR]
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "check.h"
#include "meta/database.h"
#include "meta/ingest_store.h"
#include "postgres_server.h"

namespace {

using Stopwatch = std::chrono::steady_clock;
using namespace tarn;  // NOLINT(google-build-using-namespace): a benchmark's main file

struct Measured {
  double seconds = 0;
  int64_t max_rss_kb = 0;
};

// Runs `argv` in `cwd` with its stdout (and, unless /dev/null, stderr) to `out`, waits, and
// measures it; ends the benchmark if the command fails.
Measured Run(const std::vector<std::string>& argv, const std::string& cwd, const std::string& out) {
  const auto start = Stopwatch::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || dup2(fd, 1) < 0 || chdir(cwd.c_str()) != 0) _exit(127);
    if (out != "/dev/null" && dup2(fd, 2) < 0) _exit(127);  // tarn's log beside its output
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (pid < 0 || wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "%s failed (exit %d); its output is in %s\n", argv[0].c_str(),
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, out.c_str());
    std::exit(1);
  }
  return {std::chrono::duration<double>(Stopwatch::now() - start).count(), usage.ru_maxrss};
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 10'000'000;
  std::string dir = std::filesystem::temp_directory_path() / "tarn-ingest-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rows") rows = std::atoll(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string tarn = TARN_BINARY;

  auto server = Check(testing::PostgresServer::Start(), "starting PostgreSQL");
  const std::string uri = Check(server->CreateDatabase("bench"), "creating the database");
  std::fprintf(stderr, "generating %lld rows in PostgreSQL ...\n", static_cast<long long>(rows));
  Check(
      server->Psql("bench",
                   "CREATE TABLE events (id bigint PRIMARY KEY, customer_id bigint, ts timestamp, "
                   "amount numeric(12,2), currency text, merchant text, note text);"
                   "INSERT INTO events SELECT g, (g * 7919) % 100000, "
                   "TIMESTAMP '2026-01-01' + g * INTERVAL '1 second', "
                   "((g * 13) % 10000000) / 100.0, (ARRAY['EUR','USD','NOK'])[1 + g % 3], "
                   "'merchant-' || (g * 31) % 10000, "
                   "CASE WHEN g % 10 < 3 THEN NULL ELSE 'note ' || g END "
                   "FROM generate_series(1::bigint, " +
                       std::to_string(rows) + ") g"),
      "generating rows");
  Check(server->Psql("bench", "VACUUM ANALYZE events"), "vacuum");

  // The peer: the extraction tarn runs, to /dev/null.
  const std::vector<std::string> copy = {
      server->bin_dir() + "/psql",
      "-X",
      "-q",
      "-d",
      uri,
      "-c",
      std::string("COPY (SELECT id, customer_id, ts, amount, currency, merchant, note FROM "
                  "events) TO STDOUT (FORMAT binary)")};

  // tarn: a lake in DIR, the server as source `pg`, two jobs (one range, two ranges), each
  // loading the whole table as one window into a fresh table.
  Run({tarn, "init"}, dir, dir + "/init.log");
  std::ofstream(dir + "/tarn.yaml", std::ios::app)
      << "sources:\n  pg:\n    kind: postgresql\n    uri: " << uri << "\n";
  auto add = [&](const std::string& job, const std::string& partitions) {
    Run({tarn,
         "ingest",
         "add",
         job,
         "--source",
         "pg",
         "--table",
         "events",
         "--cursor",
         "ts",
         "--start",
         "2025-12-31",
         "--step",
         "100000d",
         "--lag",
         "0s",
         "--partition-column",
         "id",
         "--partitions",
         partitions,
         "--target",
         "raw_pg." + job},
        dir, dir + "/add.log");
  };
  add("warmup", "1");
  add("one_range", "1");
  add("two_ranges", "2");

  std::fprintf(stderr, "warming up ...\n");
  Run(copy, dir, "/dev/null");
  Run({tarn, "ingest", "run", "warmup"}, dir, dir + "/warmup.log");
  std::fprintf(stderr, "measuring ...\n");
  const Measured peer = Run(copy, dir, "/dev/null");
  const Measured one = Run({tarn, "ingest", "run", "one_range"}, dir, dir + "/one.log");
  const Measured two = Run({tarn, "ingest", "run", "two_ranges"}, dir, dir + "/two.log");

  // Every row landed, in one window each.
  auto db = Check(Database::Open({.uri = "sqlite:" + dir + "/lake/tarn.db"}), "metadata");
  IngestStore store(*db);
  bool agree = true;
  for (const char* job : {"one_range", "two_ranges"}) {
    auto history = Check(store.History(job, 10), "history");
    int64_t loaded = 0;
    for (const IngestRun& run : history) loaded += run.status == "succeeded" ? run.rows : 0;
    if (loaded != rows) {
      std::fprintf(stderr, "%s loaded %lld rows, not %lld\n", job, static_cast<long long>(loaded),
                   static_cast<long long>(rows));
      agree = false;
    }
  }

  std::printf("ingest bench: %lld rows from PostgreSQL %s\n", static_cast<long long>(rows),
              server->bin_dir().c_str());
  std::printf("  %-34s %10s %10s %10s\n", "", "seconds", "rows/s", "peak MiB");
  auto line = [&](const char* what, const Measured& m) {
    std::printf("  %-34s %10.2f %10.0f %10.1f\n", what, m.seconds,
                static_cast<double>(rows) / m.seconds, static_cast<double>(m.max_rss_kb) / 1024);
  };
  line("psql COPY binary > /dev/null", peer);
  line("tarn ingest run, 1 range", one);
  line("tarn ingest run, 2 ranges", two);
  std::printf("  ratio tarn / COPY, 1 range:  %.2f   (goal <= 1.50)\n", one.seconds / peer.seconds);
  std::printf("  ratio tarn / COPY, 2 ranges: %.2f\n", two.seconds / peer.seconds);
  std::printf("  rows agree: %s\n", agree ? "yes" : "NO");
  return agree ? 0 : 1;
}
