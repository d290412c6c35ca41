#include "base/random.h"

#include <random>

#include "base/hash.h"

namespace tarn {
namespace {

std::mt19937_64& Engine() {
  thread_local std::mt19937_64 engine([] {
    std::random_device device;
    return (uint64_t{device()} << 32) ^ device();
  }());
  return engine;
}

}  // namespace

uint64_t RandomU64() { return Engine()(); }

std::string RandomHex(size_t bytes) {
  std::string raw;
  raw.reserve(bytes + 8);
  while (raw.size() < bytes) {
    uint64_t v = RandomU64();
    raw.append(reinterpret_cast<const char*>(&v), sizeof(v));
  }
  raw.resize(bytes);
  return HexEncode(raw);
}

std::string RandomUuid() {
  std::string hex = RandomHex(16);
  hex[12] = '4';                      // version 4
  hex[16] = "89ab"[RandomU64() % 4];  // RFC 4122 variant
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

}  // namespace tarn
