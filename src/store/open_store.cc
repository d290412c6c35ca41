#include "store/open_store.h"

#include "store/local_store.h"
#include "store/memory_store.h"

namespace tarn {

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(std::string_view location,
                                                     const S3Options& s3_options) {
  if (location.starts_with("s3://")) {
    TARN_ASSIGN_OR_RETURN(std::unique_ptr<S3Store> store, S3Store::Open(location, s3_options));
    return std::unique_ptr<ObjectStore>(std::move(store));
  }
  if (location.starts_with("mem://")) {
    return std::unique_ptr<ObjectStore>(
        std::make_unique<MemoryStore>(std::string(location.substr(6))));
  }
  std::string_view path = location;
  if (path.starts_with("file://")) {
    path.remove_prefix(7);
  } else if (path.starts_with("file:")) {
    path.remove_prefix(5);
  } else if (size_t colon = path.find("://"); colon != std::string_view::npos) {
    return Status::InvalidArgument("lake location '" + std::string(location) +
                                   "': unsupported scheme (use a folder, file://, or s3://)");
  }
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<LocalStore> store, LocalStore::Open(std::string(path)));
  return std::unique_ptr<ObjectStore>(std::move(store));
}

}  // namespace tarn
