// libFuzzer target: any bytes, opened as a Parquet file and read row group by row group, in
// batches of 100 rows (so that batches end inside pages).
// Every input must end in OK or a clean Status; a crash, hang, leak or sanitizer report is a
// bug. Run by scripts/fuzz.sh (part of `make test`, for a bounded time).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format/parquet/parquet_reader.h"
#include "store/memory_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tarn::MemoryStore store;
  if (!store.Put("f.parquet", std::string_view(reinterpret_cast<const char*>(data), size)).ok()) {
    return 0;
  }
  auto reader = tarn::ParquetReader::Open(store, "f.parquet");
  if (!reader.ok()) return 0;
  tarn::ColumnBatch batch((*reader)->selected_schema());
  for (size_t g = 0; g < (*reader)->num_row_groups() && g < 16; ++g) {
    if (!(*reader)->StartRowGroup(g).ok()) continue;
    for (int b = 0; b < 1000; ++b) {
      auto rows = (*reader)->ReadBatch(100, &batch);
      if (!rows.ok() || *rows == 0) break;
    }
  }
  return 0;
}
