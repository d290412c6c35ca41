#include "cli/file_location.h"

#include <cstdio>
#include <filesystem>

#include "store/local_store.h"
#include "store/s3/s3_store.h"

namespace tarn {
namespace {

namespace fs = std::filesystem;

class Stdout final : public ObjectWriter {
 public:
  Status Append(std::string_view data) override {
    if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size()) {
      return Status::Unavailable("cannot write to standard output");
    }
    bytes_ += data.size();
    return Status::OK();
  }
  Status Close() override {
    std::fflush(stdout);
    return Status::OK();
  }
  void Abort() override {}
  uint64_t bytes_written() const override { return bytes_; }

 private:
  uint64_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<ObjectWriter> StdoutWriter() { return std::make_unique<Stdout>(); }

Result<FileLocation> OpenFileLocation(const std::string& path, bool for_writing) {
  FileLocation location;
  location.shown = path;
  if (path.starts_with("s3://")) {
    size_t slash = path.find('/', 5);
    if (slash == std::string::npos || slash + 1 == path.size()) {
      return Status::InvalidArgument("'" + path + "' names a bucket, not an object");
    }
    S3Options options;
    ApplyAwsEnvironment(&options);
    TARN_ASSIGN_OR_RETURN(std::unique_ptr<S3Store> store,
                          S3Store::Open(path.substr(0, slash), options));
    location.store = std::move(store);
    location.key = path.substr(slash + 1);
    return location;
  }
  std::error_code ec;
  fs::path file = fs::absolute(path, ec).lexically_normal();
  if (ec || !file.has_filename())
    return Status::InvalidArgument("'" + path + "' is not a file path");
  if (!for_writing && !fs::is_regular_file(file, ec)) {
    return Status::NotFound("no such file '" + path + "'");
  }
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<LocalStore> store,
                        LocalStore::Open(file.parent_path().string()));
  location.store = std::move(store);
  location.key = file.filename().string();
  return location;
}

}  // namespace tarn
