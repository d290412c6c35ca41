// libFuzzer target: any bytes, opened as a Parquet file and read row group by row group.
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
  for (size_t g = 0; g < (*reader)->num_row_groups() && g < 16; ++g) {
    (void)(*reader)->ReadRowGroup(g);
  }
  return 0;
}
