// tarn's Parquet writer and reader against DuckDB (one thread), on the table:
//   id long, customer_id long (100k values, skewed), ts timestamp, amount decimal(12,2),
//   currency string (3 letters), merchant string (10k values), note string (30% null).
// Both sides build the same rows from the same formulas; the sums must agree.
// Usage: parquet_bench [--rows N] [--dir DIR] [--scan-only]. Prints times, sizes and ratios with
// their goals. --scan-only reads DIR/tarn.parquet again and stops (for profiling the reader).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_writer.h"
#include "peer.h"
#include "store/local_store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int64_t PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

void Fill(int64_t first, int64_t count, tarn::ColumnBatch* batch) {
  static const char* kCurrencies[] = {"EUR", "USD", "GBP", "NOK", "SEK"};
  batch->Clear();
  for (int64_t i = first; i < first + count; ++i) {
    double r = static_cast<double>((i * 2654435761LL) % 4294967296LL) / 4294967296.0;
    batch->column(0).AppendInt64(i);
    batch->column(1).AppendInt64(static_cast<int64_t>(std::floor(r * r * r * 100000)));
    batch->column(2).AppendInt64(1704067200000000LL + i * 250000);
    batch->column(3).AppendDecimal((i * 7919) % 1000000);
    batch->column(4).AppendBytes(kCurrencies[i % 5]);
    batch->column(5).AppendBytes("merchant-" + std::to_string((i * 31) % 10000));
    if (i % 10 < 3) {
      batch->column(6).AppendNull();
    } else {
      batch->column(6).AppendBytes("note " + std::to_string(i % 1000));
    }
  }
}

std::string Int128Text(tarn::Int128 v) { return tarn::Int128ToString(v); }

size_t kScanBatchRows = 8192;  // --batch

// tarn: a full scan, every column decoded, with the same totals DuckDB computes: sums of id
// and customer_id, max ts, sum of amount, then the strings' byte lengths.
bool Scan(tarn::ObjectStore& store, tarn::Int128 sums[7]) {
  auto reader = std::move(tarn::ParquetReader::Open(store, "tarn.parquet")).value();
  std::fill(sums, sums + 7, 0);
  sums[2] = INT64_MIN;
  tarn::ColumnBatch batch(reader->selected_schema());
  tarn::ColumnBatch* group = &batch;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    if (auto status = reader->StartRowGroup(g); !status.ok()) {
      std::fprintf(stderr, "read failed: %s\n", status.ToString().c_str());
      return false;
    }
    while (true) {
      auto read = reader->ReadBatch(kScanBatchRows, group);
      if (!read.ok()) {
        std::fprintf(stderr, "read failed: %s\n", read.status().ToString().c_str());
        return false;
      }
      size_t n = *read;
      if (n == 0) break;
      // Column at a time, as a vectorized engine aggregates.
      const tarn::ColumnBatch& b = *group;
      for (size_t r = 0; r < n; ++r) sums[0] += b.column(0).GetInt64(r);
      for (size_t r = 0; r < n; ++r) sums[1] += b.column(1).GetInt64(r);
      for (size_t r = 0; r < n; ++r)
        sums[2] = std::max<tarn::Int128>(sums[2], b.column(2).GetInt64(r));
      for (size_t r = 0; r < n; ++r) sums[3] += b.column(3).GetDecimal(r);
      for (size_t c = 4; c < 7; ++c) {
        for (size_t r = 0; r < n; ++r) {
          if (b.column(c).IsValid(r)) sums[c] += b.column(c).GetBytes(r).size();
        }
      }
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 10'000'000;
  std::string dir = std::filesystem::temp_directory_path() / "tarn-bench";
  bool scan_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--scan-only") scan_only = true;
    if (flag == "--rows" && i + 1 < argc) rows = std::atoll(argv[++i]);
    if (flag == "--dir" && i + 1 < argc) dir = argv[++i];
    if (flag == "--batch" && i + 1 < argc) kScanBatchRows = std::atoll(argv[++i]);
  }
  std::filesystem::create_directories(dir);
  auto store = std::move(tarn::LocalStore::Open(dir)).value();
  auto schema = std::make_shared<tarn::Schema>(
      std::move(tarn::Schema::Parse(
                    "id:long,customer_id:long,ts:timestamp,amount:decimal(12,2),currency:string,"
                    "merchant:string,note:string?"))
          .value());

  if (scan_only) {
    tarn::Int128 totals[7];
    auto start = Clock::now();
    if (!Scan(*store, totals)) return 1;
    std::printf("scan: %.3f s\n", Seconds(start));
    return 0;
  }

  // tarn: write. Like DuckDB's COPY from a table already in memory, only the writer is timed,
  // not the making of the rows.
  tarn::ParquetWriterOptions options;  // zstd, 1 MiB pages, dictionaries
  int64_t rss_before = PeakRssMb();
  double tarn_write = 0;
  auto start = Clock::now();
  auto writer =
      std::move(tarn::ParquetWriter::Open(*store, "tarn.parquet", schema, options)).value();
  tarn_write += Seconds(start);
  tarn::ColumnBatch batch(schema);
  constexpr int64_t kBatch = 65536;
  for (int64_t first = 0; first < rows; first += kBatch) {
    Fill(first, std::min(kBatch, rows - first), &batch);
    start = Clock::now();
    if (auto status = writer->Write(batch); !status.ok()) {
      std::fprintf(stderr, "write failed: %s\n", status.ToString().c_str());
      return 1;
    }
    tarn_write += Seconds(start);
  }
  start = Clock::now();
  auto summary = writer->Close();
  if (!summary.ok()) {
    std::fprintf(stderr, "close failed: %s\n", summary.status().ToString().c_str());
    return 1;
  }
  tarn_write += Seconds(start);
  int64_t rss_write = PeakRssMb();

  // The best of three scans (the peer does the same).
  tarn::Int128 sums[7];
  double tarn_read = 1e9;
  for (int run = 0; run < 3; ++run) {
    start = Clock::now();
    if (!Scan(*store, sums)) return 1;
    tarn_read = std::min(tarn_read, Seconds(start));
  }

  // DuckDB, in the same run.
  nlohmann::json duck = RunPeer("node " + std::string(TARN_SOURCE_DIR) + "/bench/duckdb_peer.mjs " +
                                std::to_string(rows) + " " + dir);
  double duck_write = duck["write_s"];
  double duck_read = duck["read_s"];
  double duck_size = duck["size"];

  std::string tarn_totals;
  for (int c = 0; c < 7; ++c) {
    std::string text = Int128Text(sums[c]);
    if (c == 3) text.insert(text.size() - 2, ".");
    tarn_totals += (c == 0 ? "" : ",") + text;
  }
  std::string duck_totals = duck["totals"].get<std::string>();
  bool agree = tarn_totals == duck_totals;
  std::printf("parquet bench: %lld rows, zstd, one thread each\n", static_cast<long long>(rows));
  std::printf("  %-28s %12s %12s %10s\n", "", "tarn", "duckdb", "ratio");
  std::printf("  %-28s %12.0f %12.0f %10.2f   (goal >= 1.00)\n", "write rows/s", rows / tarn_write,
              rows / duck_write, duck_write / tarn_write);
  std::printf("  %-28s %12llu %12.0f %10.2f   (goal <= 1.10)\n", "file bytes",
              static_cast<unsigned long long>(summary->file_size), duck_size,
              static_cast<double>(summary->file_size) / duck_size);
  std::printf("  %-28s %12.0f %12.0f %10.2f   (goal >= 0.80)\n", "full scan rows/s",
              rows / tarn_read, rows / duck_read, duck_read / tarn_read);
  std::printf("  %-28s %12lld %12s %10s   (row group: %zu MiB or %lld rows; %zu groups)\n",
              "peak RSS while writing (MiB)", static_cast<long long>(rss_write - rss_before), "-",
              "-", options.row_group_size >> 20, static_cast<long long>(options.max_row_group_rows),
              summary->row_group_offsets.size());
  std::printf("  results agree: %s (tarn %s; duckdb %s)\n", agree ? "yes" : "NO",
              tarn_totals.c_str(), duck_totals.c_str());
  return agree ? 0 : 1;
}
