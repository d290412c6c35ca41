// The Iceberg issue's two measurements, in one run:
//  1. Planning a scan of a table with FILES data files in MANIFESTS manifests (one append per
//     manifest, day-partitioned over 100 days), without a filter and with a one-day filter.
//     Planning reads only metadata, so the data files are described, not written.
//  2. Deleting 1,000 scattered rows from a ROWS-row table of 100 files: tarn's position-delete
//     commit against DuckDB rewriting the table without them (COPY ... WHERE id NOT IN ...),
//     the peer the issue names. Goal: the delete at least 50 times faster than the rewrite.
// Usage: iceberg_bench [--rows N] [--files N] [--manifests N] [--dir DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "check.h"
#include "iceberg/partition.h"
#include "iceberg/scan.h"
#include "iceberg/table.h"
#include "iceberg/values.h"
#include "meta/database.h"
#include "peer.h"
#include "store/local_store.h"

namespace {

using Stopwatch = std::chrono::steady_clock;
using namespace tarn;  // NOLINT(google-build-using-namespace): a benchmark's main file

double Seconds(Stopwatch::time_point start) {
  return std::chrono::duration<double>(Stopwatch::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 10'000'000, files = 10'000, manifests = 1'000;
  std::string dir = std::filesystem::temp_directory_path() / "tarn-iceberg-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rows") rows = std::atoll(argv[i + 1]);
    if (flag == "--files") files = std::atoll(argv[i + 1]);
    if (flag == "--manifests") manifests = std::atoll(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = Check(LocalStore::Open(dir + "/lake"), "store");
  DatabaseOptions db_options;
  db_options.uri = "sqlite:" + dir + "/tarn.db";
  auto db = Check(Database::Open(db_options), "database");
  iceberg::Catalog catalog(*db, "bench");
  Check(catalog.CreateNamespace("bench"), "namespace");
  Schema schema = Check(Schema::Parse("id:long,customer_id:long,amount:decimal(12,2),day:date,"
                                      "note:string?"),
                        "schema");

  // 1. Planning.
  iceberg::PartitionSpec spec = Check(iceberg::ParsePartitionSpec("day", schema), "spec");
  // Merging would fold the manifests as they accumulate; the measurement wants them all.
  auto planned = Check(iceberg::Table::Create(catalog, *store, {"bench", "planning"}, schema, spec,
                                              {{"commit.manifest-merge.enabled", "false"}}),
                       "create");
  const int64_t per_manifest = std::max<int64_t>(1, files / manifests);
  auto start = Stopwatch::now();
  for (int64_t m = 0; m < manifests; ++m) {
    std::vector<iceberg::DataFile> batch;
    int64_t day = m % 100;
    for (int64_t f = 0; f < per_manifest; ++f) {
      iceberg::DataFile d;
      d.file_path = store->Uri("warehouse/bench/planning/data/day=" + std::to_string(day) + "/" +
                               std::to_string(m) + "-" + std::to_string(f) + ".parquet");
      Column value(DataType{TypeId::kDate});
      value.AppendInt32(static_cast<int32_t>(19723 + day));
      d.partition = {value};
      d.record_count = 1000;
      d.file_size_in_bytes = 20000;
      Column lo(DataType{TypeId::kLong}), hi(DataType{TypeId::kLong});
      lo.AppendInt64((m * per_manifest + f) * 1000);
      hi.AppendInt64((m * per_manifest + f) * 1000 + 999);
      d.lower_bounds[1] = iceberg::SerializeValue(lo, 0);
      d.upper_bounds[1] = iceberg::SerializeValue(hi, 0);
      d.value_counts[1] = 1000;
      d.null_value_counts[1] = 0;
      batch.push_back(std::move(d));
    }
    Check(planned->AppendFiles(batch), "append");
  }
  double build_s = Seconds(start);
  start = Stopwatch::now();
  auto all = Check(iceberg::TableScan::Open(*planned, {}), "plan");
  double plan_all_s = Seconds(start);
  iceberg::ScanOptions one_day;
  one_day.where = "day = DATE '2024-01-10'";
  start = Stopwatch::now();
  auto some = Check(iceberg::TableScan::Open(*planned, one_day), "plan with a filter");
  double plan_day_s = Seconds(start);

  // 2. Deleting 1,000 scattered rows from a table of 100 files.
  auto table =
      Check(iceberg::Table::Create(catalog, *store, {"bench", "deletes"}, schema, {}), "create");
  const int64_t data_files = 100, per_file = std::max<int64_t>(1, rows / data_files);
  auto shared = std::make_shared<const Schema>(schema);
  start = Stopwatch::now();
  for (int64_t f = 0; f < data_files; ++f) {
    iceberg::DataWriter writer(*table);
    ColumnBatch batch(shared);
    for (int64_t first = f * per_file; first < (f + 1) * per_file; first += 65536) {
      batch.Clear();
      for (int64_t i = first; i < std::min((f + 1) * per_file, first + 65536); ++i) {
        batch.column(0).AppendInt64(i);
        batch.column(1).AppendInt64((i * 7919) % 100000);
        batch.column(2).AppendDecimal((i * 31) % 1000000);
        batch.column(3).AppendInt32(static_cast<int32_t>(19723 + i % 30));
        if (i % 3 == 0) {
          batch.column(4).AppendNull();
        } else {
          batch.column(4).AppendBytes("note " + std::to_string(i % 1000));
        }
      }
      Check(writer.Write(batch), "write");
    }
    Check(table->AppendFiles(Check(writer.Finish(), "finish")), "append");
  }
  double load_s = Seconds(start);
  std::string ids;
  const int64_t total = per_file * data_files;
  for (int64_t k = 0; k < 1000; ++k) {
    ids += (k ? "," : "") + std::to_string((k * 7919 * 1237 + 17) % total);
  }
  // DuckDB rewrites the same files without those rows (first, before any delete file exists).
  std::string data_glob = dir + "/lake/warehouse/bench/deletes/data/*.parquet";
  nlohmann::json duck =
      RunPeer("node " + std::string(TARN_SOURCE_DIR) + "/bench/duckdb_rewrite_peer.mjs '" +
              data_glob + "' '" + ids + "' '" + dir + "/rewritten.parquet'");
  start = Stopwatch::now();
  auto deleted = Check(table->DeleteWhere("id IN (" + ids + ")"), "delete");
  double delete_s = Seconds(start);

  double rewrite_s = duck["s"];
  int64_t duck_rows = std::stoll(duck["rows"].get<std::string>());
  bool agree = duck_rows == total - deleted.rows && deleted.rows == 1000;

  std::printf("iceberg bench: planning over %lld data files in %lld manifests (built in %.1f s)\n",
              static_cast<long long>(all->files().size()), static_cast<long long>(manifests),
              build_s);
  std::printf("  %-40s %10.3f s  (%zu files)\n", "plan, no filter", plan_all_s,
              all->files().size());
  std::printf("  %-40s %10.3f s  (%zu files, %lld manifests skipped)\n", "plan, one day of 100",
              plan_day_s, some->files().size(), static_cast<long long>(some->manifests_skipped()));
  std::printf(
      "iceberg bench: delete 1000 scattered rows of %lld in %lld files (loaded in %.1f s)\n",
      static_cast<long long>(total), static_cast<long long>(data_files), load_s);
  std::printf("  %-40s %10.3f s  (%lld rows in %lld files)\n", "tarn position-delete commit",
              delete_s, static_cast<long long>(deleted.rows),
              static_cast<long long>(deleted.data_files));
  std::printf("  %-40s %10.3f s  (%lld rows kept)\n", "duckdb full rewrite (1 thread)", rewrite_s,
              static_cast<long long>(duck_rows));
  std::printf("  %-40s %10.1fx   (goal >= 50)\n", "rewrite / delete", rewrite_s / delete_s);
  std::printf("  results agree: %s\n", agree ? "yes" : "NO");
  return agree ? 0 : 1;
}
