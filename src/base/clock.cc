#include "base/clock.h"

#include <chrono>
#include <thread>

namespace tarn {
namespace {

class RealClock final : public Clock {
 public:
  int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  void SleepForMicros(int64_t micros) override {
    if (micros > 0) std::this_thread::sleep_for(std::chrono::microseconds(micros));
  }
};

}  // namespace

Clock* Clock::Real() {
  static RealClock* clock = new RealClock();
  return clock;
}

int64_t ManualClock::NowMicros() {
  std::lock_guard lock(mu_);
  return now_micros_;
}

void ManualClock::Advance(int64_t micros) {
  std::lock_guard lock(mu_);
  now_micros_ += micros;
}

void ManualClock::SleepForMicros(int64_t micros) {
  std::lock_guard lock(mu_);
  now_micros_ += micros;
  slept_micros_ += micros;
}

int64_t ManualClock::slept_micros() {
  std::lock_guard lock(mu_);
  return slept_micros_;
}

}  // namespace tarn
