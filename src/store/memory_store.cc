#include "store/memory_store.h"

#include <algorithm>

#include "store/store_util.h"

namespace tarn {

MemoryStore::MemoryStore(std::string name, Clock* clock) : name_(std::move(name)), clock_(clock) {}

std::string MemoryStore::Uri(std::string_view key) const {
  return "mem://" + name_ + "/" + std::string(key);
}

Result<ObjectInfo> MemoryStore::Stat(std::string_view key) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  std::lock_guard lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return NotFoundError(Uri(key));
  return ObjectInfo{it->first, it->second.data.size(), it->second.modified_micros, ""};
}

Result<std::string> MemoryStore::ReadRange(std::string_view key, uint64_t offset, uint64_t length) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  std::lock_guard lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return NotFoundError(Uri(key));
  const std::string& data = it->second.data;
  if (offset >= data.size()) return std::string();
  return data.substr(offset, std::min<uint64_t>(length, data.size() - offset));
}

Status MemoryStore::Put(std::string_view key, std::string_view data) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  std::lock_guard lock(mu_);
  objects_.insert_or_assign(std::string(key), Object{std::string(data), clock_->NowMicros()});
  return Status::OK();
}

Status MemoryStore::PutIfAbsent(std::string_view key, std::string_view data) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  std::lock_guard lock(mu_);
  if (objects_.contains(key)) return AlreadyExistsError(Uri(key));
  objects_.emplace(std::string(key), Object{std::string(data), clock_->NowMicros()});
  return Status::OK();
}

Result<std::unique_ptr<ObjectWriter>> MemoryStore::OpenWriter(std::string_view key) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  return std::unique_ptr<ObjectWriter>(std::make_unique<BufferedWriter>(
      [this, k = std::string(key)](std::string_view data) { return Put(k, data); }));
}

Result<ListPage> MemoryStore::List(std::string_view prefix, std::string_view page_token,
                                   int max_keys) {
  TARN_RETURN_IF_ERROR(ValidatePrefix(prefix));
  max_keys = ClampMaxKeys(max_keys);
  std::lock_guard lock(mu_);
  ListPage page;
  auto it = page_token.empty() ? objects_.lower_bound(prefix) : objects_.upper_bound(page_token);
  for (; it != objects_.end() && it->first.starts_with(prefix); ++it) {
    if (static_cast<int>(page.objects.size()) == max_keys) {
      page.next_page_token = page.objects.back().key;
      break;
    }
    page.objects.push_back({it->first, it->second.data.size(), it->second.modified_micros, ""});
  }
  return page;
}

Status MemoryStore::Delete(std::string_view key) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  std::lock_guard lock(mu_);
  auto it = objects_.find(key);
  if (it != objects_.end()) objects_.erase(it);
  return Status::OK();
}

}  // namespace tarn
