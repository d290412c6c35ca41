// FaultInjectingStore: a ForwardingStore that fails, delays or "crashes" on command, so tests
// can drive every step of an operation into failure and replay it from a seed.
//
//   auto store = std::make_shared<FaultInjectingStore>(base, /*seed=*/42);
//   store->FailNth(StoreOp::kPut, 3);                  // the 3rd Put fails, not applied
//   store->FailNth(StoreOp::kPut, 4, FaultTiming::kAfter);  // the 4th is applied, then fails
//   store->FailOneIn(StoreOp::kRead, 10);              // seeded, replayable
//   store->CrashAtNth(StoreOp::kWrite, 2);             // "power loss" at the 2nd write step
//
// A crash drops every unfinished ObjectWriter (nothing it wrote becomes visible) and fails every
// later call with kUnavailable until Restart(). Thread-safe.
#pragma once

#include <array>
#include <mutex>
#include <random>
#include <set>

#include "base/clock.h"
#include "store/forwarding_store.h"

namespace tarn {

// What a call does. kWrite is one step of a streaming writer (Append or Close).
enum class StoreOp { kStat, kRead, kPut, kList, kDelete, kWrite, kPresign };
inline constexpr size_t kStoreOpCount = 7;
std::string_view StoreOpName(StoreOp op);

enum class FaultTiming {
  kBefore,  // the call fails and has no effect
  kAfter,   // the call takes effect, then reports failure (a lost acknowledgement)
};

class FaultInjectingStore final : public ForwardingStore {
 public:
  // `seed` drives FailOneIn; it is logged so a failing test can be replayed.
  FaultInjectingStore(std::shared_ptr<ObjectStore> base, uint64_t seed,
                      Clock* clock = Clock::Real());

  // The nth call (1-based, counted from now) of `op` fails with `code`.
  void FailNth(StoreOp op, int64_t n, FaultTiming timing = FaultTiming::kBefore,
               StatusCode code = StatusCode::kUnavailable);
  // Each call of `op` fails with probability 1/n (0 turns it off).
  void FailOneIn(StoreOp op, int64_t n, StatusCode code = StatusCode::kUnavailable);
  // Every call of `op` first waits `micros` on the clock.
  void AddLatency(StoreOp op, int64_t micros);
  // The nth call of `op` (counted from now) crashes the store instead of running.
  void CrashAtNth(StoreOp op, int64_t n);
  // Crashes now: open writers lose their data; later calls fail until Restart().
  void Crash();
  // Ends a crash and clears every rule. Call counts keep counting.
  void Restart();

  bool crashed() const;
  int64_t calls(StoreOp op) const;
  uint64_t seed() const { return seed_; }

  Result<ObjectInfo> Stat(std::string_view key) override;
  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Status Put(std::string_view key, std::string_view data) override;
  Status PutIfAbsent(std::string_view key, std::string_view data) override;
  Result<std::unique_ptr<ObjectWriter>> OpenWriter(std::string_view key) override;
  Result<ListPage> List(std::string_view prefix, std::string_view page_token,
                        int max_keys) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(const std::vector<std::string>& keys) override;
  Result<std::string> PresignGet(std::string_view key, int64_t expires_seconds) override;

 private:
  friend class FaultyWriter;
  struct Rule {
    int64_t fail_at = 0;  // absolute call number that fails; 0 = none
    FaultTiming timing = FaultTiming::kBefore;
    StatusCode code = StatusCode::kUnavailable;
    int64_t one_in = 0;
    StatusCode one_in_code = StatusCode::kUnavailable;
    int64_t latency_micros = 0;
    int64_t crash_at = 0;
  };
  struct Decision {
    Status before;  // fail without running
    Status after;   // run, then fail
  };

  // Counts the call and decides its fate. Sleeps for latency outside the lock.
  Decision Enter(StoreOp op, std::string_view key);
  // Runs `fn` under the decision for one call of `op`.
  Status Guard(StoreOp op, std::string_view key, const std::function<Status()>& fn);

  const uint64_t seed_;
  Clock* const clock_;
  mutable std::mutex mu_;
  std::mt19937_64 random_;
  std::array<Rule, kStoreOpCount> rules_{};
  std::array<int64_t, kStoreOpCount> calls_{};
  bool crashed_ = false;
  uint64_t epoch_ = 0;  // bumped by Crash(); writers from an older epoch are dead
};

}  // namespace tarn
