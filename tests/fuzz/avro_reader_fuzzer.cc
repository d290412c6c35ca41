// libFuzzer target: any bytes, opened as an Avro object container file and read to the end.
// Every input must end in OK or a clean Status; a crash, hang, leak or sanitizer report is a
// bug. Run by scripts/fuzz.sh (part of `make test`, for a bounded time).
#include <cstddef>
#include <cstdint>
#include <string>

#include "format/avro/avro_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto reader =
      tarn::AvroFileReader::Open(std::string(reinterpret_cast<const char*>(data), size), "f.avro");
  if (!reader.ok()) return 0;
  tarn::AvroValue value;
  for (int i = 0; i < 100000; ++i) {
    auto more = (*reader)->Next(&value);
    if (!more.ok() || !*more) break;
  }
  return 0;
}
