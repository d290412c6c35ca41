// Randomness for names and jitter (not for secrets). Thread-safe: each thread has its own engine.
#pragma once

#include <cstdint>
#include <string>

namespace tarn {

// `bytes` random bytes as lower-case hex.
std::string RandomHex(size_t bytes);
// A random 64-bit value.
uint64_t RandomU64();
// A random version-4 UUID in its canonical text form.
std::string RandomUuid();

}  // namespace tarn
