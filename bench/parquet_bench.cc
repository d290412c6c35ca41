// tarn's Parquet writer and reader against DuckDB (one thread), on the table:
//   id long, customer_id long (100k values, skewed), ts timestamp, amount decimal(12,2),
//   currency string (3 letters), merchant string (10k values), note string (30% null).
// Both sides build the same rows from the same formulas; the sums must agree.
// Usage: parquet_bench [--rows N] [--dir DIR]. Prints times, sizes and ratios with their goals.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_writer.h"
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

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 10'000'000;
  std::string dir = std::filesystem::temp_directory_path() / "tarn-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rows") rows = std::atoll(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
  }
  std::filesystem::create_directories(dir);
  auto store = std::move(tarn::LocalStore::Open(dir)).value();
  auto schema = std::make_shared<tarn::Schema>(
      std::move(tarn::Schema::Parse(
                    "id:long,customer_id:long,ts:timestamp,amount:decimal(12,2),currency:string,"
                    "merchant:string,note:string?"))
          .value());

  // tarn: write.
  tarn::ParquetWriterOptions options;  // zstd, 1 MiB pages, dictionaries
  int64_t rss_before = PeakRssMb();
  auto start = Clock::now();
  auto writer =
      std::move(tarn::ParquetWriter::Open(*store, "tarn.parquet", schema, options)).value();
  tarn::ColumnBatch batch(schema);
  constexpr int64_t kBatch = 65536;
  for (int64_t first = 0; first < rows; first += kBatch) {
    Fill(first, std::min(kBatch, rows - first), &batch);
    if (auto status = writer->Write(batch); !status.ok()) {
      std::fprintf(stderr, "write failed: %s\n", status.ToString().c_str());
      return 1;
    }
  }
  auto summary = writer->Close();
  if (!summary.ok()) {
    std::fprintf(stderr, "close failed: %s\n", summary.status().ToString().c_str());
    return 1;
  }
  double tarn_write = Seconds(start);
  int64_t rss_write = PeakRssMb();

  // tarn: read everything back and sum.
  start = Clock::now();
  auto reader = std::move(tarn::ParquetReader::Open(*store, "tarn.parquet")).value();
  if (auto status = reader->Select({"amount", "note"}); !status.ok()) return 1;  // as DuckDB reads
  tarn::Int128 sum = 0;
  int64_t notes = 0;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    auto group = reader->ReadRowGroup(g);
    if (!group.ok()) {
      std::fprintf(stderr, "read failed: %s\n", group.status().ToString().c_str());
      return 1;
    }
    const tarn::Column& amount = group->column(0);
    for (size_t r = 0; r < amount.size(); ++r) sum += amount.GetDecimal(r);
    notes += static_cast<int64_t>(group->column(1).size() - group->column(1).null_count());
  }
  double tarn_read = Seconds(start);

  // DuckDB, in the same run.
  std::string command = "node " + std::string(TARN_SOURCE_DIR) + "/bench/duckdb_peer.mjs " +
                        std::to_string(rows) + " " + dir;
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (pipe != nullptr && std::fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  if (pipe == nullptr || pclose(pipe) != 0) {
    std::fprintf(stderr, "the DuckDB peer failed: %s\n", output.c_str());
    return 1;
  }
  nlohmann::json duck = nlohmann::json::parse(output);
  double duck_write = duck["write_s"];
  double duck_read = duck["read_s"];
  double duck_size = duck["size"];

  std::string tarn_sum = Int128Text(sum);
  tarn_sum.insert(tarn_sum.size() - 2, ".");
  bool agree = tarn_sum == duck["sum"].get<std::string>() && notes == duck["notes"].get<int64_t>();
  std::printf("parquet bench: %lld rows, zstd, one thread each\n", static_cast<long long>(rows));
  std::printf("  %-28s %12s %12s %10s\n", "", "tarn", "duckdb", "ratio");
  std::printf("  %-28s %12.0f %12.0f %10.2f   (goal >= 1.00)\n", "write rows/s", rows / tarn_write,
              rows / duck_write, duck_write / tarn_write);
  std::printf("  %-28s %12llu %12.0f %10.2f   (goal <= 1.10)\n", "file bytes",
              static_cast<unsigned long long>(summary->file_size), duck_size,
              static_cast<double>(summary->file_size) / duck_size);
  std::printf("  %-28s %12.0f %12.0f %10.2f   (goal >= 0.80)\n", "scan rows/s (sum, count)",
              rows / tarn_read, rows / duck_read, duck_read / tarn_read);
  std::printf("  %-28s %12lld %12s %10s   (row group: %zu MiB or %lld rows; %zu groups)\n",
              "peak RSS while writing (MiB)", static_cast<long long>(rss_write - rss_before), "-",
              "-", options.row_group_size >> 20, static_cast<long long>(options.max_row_group_rows),
              summary->row_group_offsets.size());
  std::printf("  results agree: %s (sum %s, notes %lld)\n", agree ? "yes" : "NO", tarn_sum.c_str(),
              static_cast<long long>(notes));
  return agree ? 0 : 1;
}
