// MemoryStore: an ObjectStore held in a map, for fast unit tests. Thread-safe.
#pragma once

#include <map>
#include <mutex>

#include "base/clock.h"
#include "store/object_store.h"

namespace tarn {

class MemoryStore final : public ObjectStore {
 public:
  // `name` appears in URIs ("mem://name/key"). `clock` stamps modification times.
  explicit MemoryStore(std::string name = "test", Clock* clock = Clock::Real());

  std::string Uri(std::string_view key) const override;
  Result<ObjectInfo> Stat(std::string_view key) override;
  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Status Put(std::string_view key, std::string_view data) override;
  Status PutIfAbsent(std::string_view key, std::string_view data) override;
  Result<std::unique_ptr<ObjectWriter>> OpenWriter(std::string_view key) override;
  Result<ListPage> List(std::string_view prefix, std::string_view page_token,
                        int max_keys) override;
  Status Delete(std::string_view key) override;

 private:
  struct Object {
    std::string data;
    int64_t modified_micros;
  };
  const std::string name_;
  Clock* const clock_;
  std::mutex mu_;
  std::map<std::string, Object, std::less<>> objects_;
};

}  // namespace tarn
