// LocalStore: an ObjectStore on a local directory. Keys map to paths below the root.
//
// Put and writers write a temporary file (".tarn-tmp-*", hidden from List) in the target's
// folder, fsync it, rename it over the target and fsync the folder, so a crash leaves the old
// object or the new one. PutIfAbsent links the temporary file into place, which fails
// atomically when the key exists. Thread-safe and safe across processes.
//
// Limitation: a symbolic link placed inside the root by hand is followed for folders (not for
// the final component); tarn itself never creates links.
#pragma once

#include "store/object_store.h"

namespace tarn {

class LocalStore final : public ObjectStore {
 public:
  // Opens (and creates, with its parents) the directory `root`. kFailedPrecondition when `root`
  // exists and is not a directory.
  static Result<std::unique_ptr<LocalStore>> Open(const std::string& root);

  const std::string& root() const { return root_; }

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
  explicit LocalStore(std::string root) : root_(std::move(root)) {}
  std::string PathOf(std::string_view key) const { return root_ + "/" + std::string(key); }
  // Creates the folders above `key`, fsyncing each parent that gained an entry.
  Status MakeParents(std::string_view key);
  // Writes `data` to a new temporary file beside `key`'s path and fsyncs it.
  Result<std::string> WriteTemp(std::string_view key, std::string_view data);

  std::string root_;  // absolute, without a trailing '/'
};

}  // namespace tarn
