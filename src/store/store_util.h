// Pieces the ObjectStore backends share. Internal to the store layer.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "store/object_store.h"

namespace tarn {

inline Status NotFoundError(const std::string& uri) {
  return Status::NotFound("object '" + uri + "' does not exist");
}
inline Status AlreadyExistsError(const std::string& uri) {
  return Status::AlreadyExists("object '" + uri + "' already exists");
}
inline int ClampMaxKeys(int max_keys) { return max_keys <= 0 || max_keys > 1000 ? 1000 : max_keys; }

// A writer that gathers everything in memory and hands it to `publish` on Close. For stores
// where an object is small or publishing is one call (memory; S3 below the multipart size).
class BufferedWriter final : public ObjectWriter {
 public:
  explicit BufferedWriter(std::function<Status(std::string_view)> publish)
      : publish_(std::move(publish)) {}
  Status Append(std::string_view data) override;
  Status Close() override;
  void Abort() override {
    finished_ = true;
    buffer_.clear();
  }
  uint64_t bytes_written() const override { return bytes_; }

 private:
  std::function<Status(std::string_view)> publish_;
  std::string buffer_;
  uint64_t bytes_ = 0;
  bool finished_ = false;
};

}  // namespace tarn
