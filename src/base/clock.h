// Clock: the one way tarn code learns the time or waits. Injected, so retention, expiry,
// retry and token tests run without sleeping.
#pragma once

#include <cstdint>
#include <mutex>

namespace tarn {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() = 0;
  // Blocks the calling thread for `micros` (a ManualClock only advances its time).
  virtual void SleepForMicros(int64_t micros) = 0;

  int64_t NowMillis() { return NowMicros() / 1000; }

  // The process-wide real clock. Thread-safe; never destroyed.
  static Clock* Real();
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_micros) : now_micros_(start_micros) {}
  int64_t NowMicros() override;
  // Advances the time by `micros` and counts it as slept.
  void SleepForMicros(int64_t micros) override;
  void Advance(int64_t micros);
  // Total time all SleepForMicros calls asked for.
  int64_t slept_micros();

 private:
  std::mutex mu_;
  int64_t now_micros_;
  int64_t slept_micros_ = 0;
};

}  // namespace tarn
