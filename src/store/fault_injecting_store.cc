#include "store/fault_injecting_store.h"

#include <spdlog/spdlog.h>

namespace tarn {

std::string_view StoreOpName(StoreOp op) {
  switch (op) {
    case StoreOp::kStat:
      return "stat";
    case StoreOp::kRead:
      return "read";
    case StoreOp::kPut:
      return "put";
    case StoreOp::kList:
      return "list";
    case StoreOp::kDelete:
      return "delete";
    case StoreOp::kWrite:
      return "write";
    case StoreOp::kPresign:
      return "presign";
  }
  return "unknown";
}

namespace {

size_t Index(StoreOp op) { return static_cast<size_t>(op); }

Status Injected(StatusCode code, StoreOp op, int64_t call, std::string_view key) {
  return Status(code, "injected fault on " + std::string(StoreOpName(op)) + " call " +
                          std::to_string(call) + " ('" + std::string(key) + "')");
}

}  // namespace

// Wraps a base writer; its steps count as kWrite calls, and a crash kills it.
class FaultyWriter final : public ObjectWriter {
 public:
  FaultyWriter(FaultInjectingStore* store, std::unique_ptr<ObjectWriter> inner, std::string key,
               uint64_t epoch)
      : store_(store), inner_(std::move(inner)), key_(std::move(key)), epoch_(epoch) {}

  Status Append(std::string_view data) override {
    return Step([&] { return inner_->Append(data); });
  }
  Status Close() override {
    return Step([&] { return inner_->Close(); });
  }
  void Abort() override { inner_->Abort(); }
  uint64_t bytes_written() const override { return inner_->bytes_written(); }

 private:
  Status Step(const std::function<Status()>& fn) {
    FaultInjectingStore::Decision decision = store_->Enter(StoreOp::kWrite, key_);
    bool dead;
    {
      std::lock_guard lock(store_->mu_);
      dead = store_->epoch_ != epoch_;
    }
    if (dead || !decision.before.ok()) {
      inner_->Abort();  // what a crashed or failed upload wrote never becomes visible
      return dead ? Status::Unavailable("object writer for '" + key_ + "' lost in a store crash")
                  : decision.before;
    }
    Status status = fn();
    return decision.after.ok() ? status : decision.after;
  }

  FaultInjectingStore* store_;
  std::unique_ptr<ObjectWriter> inner_;
  std::string key_;
  uint64_t epoch_;
};

FaultInjectingStore::FaultInjectingStore(std::shared_ptr<ObjectStore> base, uint64_t seed,
                                         Clock* clock)
    : ForwardingStore(std::move(base)), seed_(seed), clock_(clock), random_(seed) {
  spdlog::debug("fault-injecting store: seed {}", seed);
}

void FaultInjectingStore::FailNth(StoreOp op, int64_t n, FaultTiming timing, StatusCode code) {
  std::lock_guard lock(mu_);
  Rule& rule = rules_[Index(op)];
  rule.fail_at = calls_[Index(op)] + n;
  rule.timing = timing;
  rule.code = code;
}

void FaultInjectingStore::FailOneIn(StoreOp op, int64_t n, StatusCode code) {
  std::lock_guard lock(mu_);
  rules_[Index(op)].one_in = n;
  rules_[Index(op)].one_in_code = code;
}

void FaultInjectingStore::AddLatency(StoreOp op, int64_t micros) {
  std::lock_guard lock(mu_);
  rules_[Index(op)].latency_micros = micros;
}

void FaultInjectingStore::CrashAtNth(StoreOp op, int64_t n) {
  std::lock_guard lock(mu_);
  rules_[Index(op)].crash_at = calls_[Index(op)] + n;
}

void FaultInjectingStore::Crash() {
  std::lock_guard lock(mu_);
  crashed_ = true;
  ++epoch_;
}

void FaultInjectingStore::Restart() {
  std::lock_guard lock(mu_);
  crashed_ = false;
  rules_ = {};
}

bool FaultInjectingStore::crashed() const {
  std::lock_guard lock(mu_);
  return crashed_;
}

int64_t FaultInjectingStore::calls(StoreOp op) const {
  std::lock_guard lock(mu_);
  return calls_[Index(op)];
}

FaultInjectingStore::Decision FaultInjectingStore::Enter(StoreOp op, std::string_view key) {
  Decision decision;
  int64_t latency = 0;
  {
    std::lock_guard lock(mu_);
    Rule& rule = rules_[Index(op)];
    int64_t call = ++calls_[Index(op)];
    latency = rule.latency_micros;
    if (!crashed_ && rule.crash_at == call) {
      crashed_ = true;
      ++epoch_;
    }
    if (crashed_) {
      decision.before =
          Status::Unavailable("store crashed (fault injection) before " +
                              std::string(StoreOpName(op)) + " of '" + std::string(key) + "'");
      return decision;
    }
    if (rule.fail_at == call) {
      Status fault = Injected(rule.code, op, call, key);
      (rule.timing == FaultTiming::kBefore ? decision.before : decision.after) = std::move(fault);
    } else if (rule.one_in > 0 && random_() % static_cast<uint64_t>(rule.one_in) == 0) {
      decision.before = Injected(rule.one_in_code, op, call, key);
    }
  }
  if (latency > 0) clock_->SleepForMicros(latency);
  return decision;
}

Status FaultInjectingStore::Guard(StoreOp op, std::string_view key,
                                  const std::function<Status()>& fn) {
  Decision decision = Enter(op, key);
  if (!decision.before.ok()) return decision.before;
  Status status = fn();
  return decision.after.ok() ? status : decision.after;
}

Result<ObjectInfo> FaultInjectingStore::Stat(std::string_view key) {
  Result<ObjectInfo> result = Status::Internal("unset");
  TARN_RETURN_IF_ERROR(Guard(StoreOp::kStat, key, [&] {
    result = ForwardingStore::Stat(key);
    return result.ok() ? Status::OK() : result.status();
  }));
  return result;
}

Result<std::string> FaultInjectingStore::ReadRange(std::string_view key, uint64_t offset,
                                                   uint64_t length) {
  Result<std::string> result = Status::Internal("unset");
  TARN_RETURN_IF_ERROR(Guard(StoreOp::kRead, key, [&] {
    result = ForwardingStore::ReadRange(key, offset, length);
    return result.ok() ? Status::OK() : result.status();
  }));
  return result;
}

Status FaultInjectingStore::Put(std::string_view key, std::string_view data) {
  return Guard(StoreOp::kPut, key, [&] { return ForwardingStore::Put(key, data); });
}

Status FaultInjectingStore::PutIfAbsent(std::string_view key, std::string_view data) {
  return Guard(StoreOp::kPut, key, [&] { return ForwardingStore::PutIfAbsent(key, data); });
}

Result<std::unique_ptr<ObjectWriter>> FaultInjectingStore::OpenWriter(std::string_view key) {
  Decision decision = Enter(StoreOp::kWrite, key);
  if (!decision.before.ok()) return decision.before;
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> inner, ForwardingStore::OpenWriter(key));
  if (!decision.after.ok()) return decision.after;
  uint64_t epoch;
  {
    std::lock_guard lock(mu_);
    epoch = epoch_;
  }
  return std::unique_ptr<ObjectWriter>(
      std::make_unique<FaultyWriter>(this, std::move(inner), std::string(key), epoch));
}

Result<ListPage> FaultInjectingStore::List(std::string_view prefix, std::string_view page_token,
                                           int max_keys) {
  Result<ListPage> result = Status::Internal("unset");
  TARN_RETURN_IF_ERROR(Guard(StoreOp::kList, prefix, [&] {
    result = ForwardingStore::List(prefix, page_token, max_keys);
    return result.ok() ? Status::OK() : result.status();
  }));
  return result;
}

Status FaultInjectingStore::Delete(std::string_view key) {
  return Guard(StoreOp::kDelete, key, [&] { return ForwardingStore::Delete(key); });
}

Status FaultInjectingStore::DeleteMany(const std::vector<std::string>& keys) {
  std::string first = keys.empty() ? "" : keys.front();
  return Guard(StoreOp::kDelete, first, [&] { return ForwardingStore::DeleteMany(keys); });
}

Result<std::string> FaultInjectingStore::PresignGet(std::string_view key, int64_t expires_seconds) {
  Result<std::string> result = Status::Internal("unset");
  TARN_RETURN_IF_ERROR(Guard(StoreOp::kPresign, key, [&] {
    result = ForwardingStore::PresignGet(key, expires_seconds);
    return result.ok() ? Status::OK() : result.status();
  }));
  return result;
}

}  // namespace tarn
