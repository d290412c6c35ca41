// ForwardingStore: passes every call to a base store, so test stores and decorators override
// only what they change.
#pragma once

#include <memory>

#include "store/object_store.h"

namespace tarn {

class ForwardingStore : public ObjectStore {
 public:
  explicit ForwardingStore(std::shared_ptr<ObjectStore> base) : base_(std::move(base)) {}

  std::string Uri(std::string_view key) const override { return base_->Uri(key); }
  Result<ObjectInfo> Stat(std::string_view key) override { return base_->Stat(key); }
  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override {
    return base_->ReadRange(key, offset, length);
  }
  Status Put(std::string_view key, std::string_view data) override { return base_->Put(key, data); }
  Status PutIfAbsent(std::string_view key, std::string_view data) override {
    return base_->PutIfAbsent(key, data);
  }
  Result<std::unique_ptr<ObjectWriter>> OpenWriter(std::string_view key) override {
    return base_->OpenWriter(key);
  }
  Result<ListPage> List(std::string_view prefix, std::string_view page_token,
                        int max_keys) override {
    return base_->List(prefix, page_token, max_keys);
  }
  Status Delete(std::string_view key) override { return base_->Delete(key); }
  Status DeleteMany(const std::vector<std::string>& keys) override {
    return base_->DeleteMany(keys);
  }
  Result<std::string> PresignGet(std::string_view key, int64_t expires_seconds) override {
    return base_->PresignGet(key, expires_seconds);
  }

  ObjectStore* base() const { return base_.get(); }

 private:
  std::shared_ptr<ObjectStore> base_;
};

}  // namespace tarn
