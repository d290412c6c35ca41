#include "store/local_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/random.h"
#include "store/store_util.h"

namespace tarn {
namespace {

namespace fs = std::filesystem;

// Maps errno to the code that tells the caller what to do next.
Status ErrnoStatus(std::string_view action, const std::string& path, int err) {
  std::string message = std::string(action) + " '" + path + "': " + std::strerror(err);
  switch (err) {
    case ENOENT:
      return Status::NotFound(std::move(message));
    case EEXIST:
      return Status::AlreadyExists(std::move(message));
    case EACCES:
    case EPERM:
    case EROFS:
      return Status::PermissionDenied(std::move(message));
    case ENOSPC:
    case EDQUOT:
    case EIO:
    case EINTR:
    case EAGAIN:
      return Status::Unavailable(std::move(message));
    case EISDIR:
    case ENOTDIR:
    case ENOTEMPTY:
      return Status::FailedPrecondition(std::move(message));
    default:
      return Status::Internal(std::move(message));
  }
}

Status FsyncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_DIRECTORY);
  if (fd < 0) return ErrnoStatus("opening folder", path, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus("syncing folder", path, err);
  return Status::OK();
}

std::string ParentOf(const std::string& path) { return path.substr(0, path.rfind('/')); }

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("writing", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

// fsync + close + rename into place + fsync of the folder; removes `temp` on failure.
Status Publish(int fd, const std::string& temp, const std::string& path) {
  Status status;
  if (::fsync(fd) != 0) status = ErrnoStatus("syncing", temp, errno);
  if (::close(fd) != 0 && status.ok()) status = ErrnoStatus("closing", temp, errno);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = ErrnoStatus("renaming into", path, errno);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return FsyncPath(ParentOf(path));
}

class LocalWriter final : public ObjectWriter {
 public:
  LocalWriter(int fd, std::string temp, std::string path)
      : fd_(fd), temp_(std::move(temp)), path_(std::move(path)) {}
  ~LocalWriter() override { Abort(); }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::FailedPrecondition("append to a closed writer for '" + path_ + "'");
    Status status = WriteAll(fd_, data, temp_);
    if (!status.ok()) {
      Abort();
      return status;
    }
    bytes_ += data.size();
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0)
      return Status::FailedPrecondition("close of a finished writer for '" + path_ + "'");
    int fd = fd_;
    fd_ = -1;
    return Publish(fd, temp_, path_);
  }

  void Abort() override {
    if (fd_ < 0) return;
    ::close(fd_);
    ::unlink(temp_.c_str());
    fd_ = -1;
  }

  uint64_t bytes_written() const override { return bytes_; }

 private:
  int fd_;
  std::string temp_;
  std::string path_;
  uint64_t bytes_ = 0;
};

}  // namespace

Result<std::unique_ptr<LocalStore>> LocalStore::Open(const std::string& root) {
  if (root.empty()) return Status::InvalidArgument("local store root is empty");
  std::error_code ec;
  fs::path path = fs::absolute(root, ec).lexically_normal();
  if (ec) return Status::InvalidArgument("local store root '" + root + "': " + ec.message());
  std::string text = path.string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  if (fs::exists(text, ec) && !fs::is_directory(text, ec)) {
    return Status::FailedPrecondition("lake root '" + text + "' exists and is not a folder");
  }
  fs::create_directories(text, ec);
  if (ec && !fs::is_directory(text)) {
    return ErrnoStatus("creating lake folder", text, ec.value());
  }
  if (!fs::is_directory(text)) {
    return Status::FailedPrecondition("lake root '" + text + "' exists and is not a folder");
  }
  return std::unique_ptr<LocalStore>(new LocalStore(std::move(text)));
}

std::string LocalStore::Uri(std::string_view key) const {
  return "file://" + root_ + "/" + std::string(key);
}

Result<ObjectInfo> LocalStore::Stat(std::string_view key) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = PathOf(key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return NotFoundError(Uri(key));
    return ErrnoStatus("reading", path, errno);
  }
  if (!S_ISREG(st.st_mode)) return NotFoundError(Uri(key));
  int64_t micros = int64_t{st.st_mtim.tv_sec} * 1000000 + st.st_mtim.tv_nsec / 1000;
  return ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size), micros, ""};
}

Result<std::string> LocalStore::ReadRange(std::string_view key, uint64_t offset, uint64_t length) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = PathOf(key);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) return NotFoundError(Uri(key));
    return ErrnoStatus("reading", path, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return NotFoundError(Uri(key));
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  std::string out;
  if (offset < size) {
    out.resize(std::min(length, size - offset));
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n =
          ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        Status status = n < 0
                            ? ErrnoStatus("reading", path, errno)
                            : Status::Unavailable("reading '" + path + "': file shrank while read");
        ::close(fd);
        return status;
      }
      done += static_cast<size_t>(n);
    }
  }
  ::close(fd);
  return out;
}

Status LocalStore::MakeParents(std::string_view key) {
  std::string path = root_;
  size_t start = 0;
  for (size_t slash = key.find('/'); slash != std::string_view::npos;
       start = slash + 1, slash = key.find('/', start)) {
    std::string parent = path;
    path += "/" + std::string(key.substr(start, slash - start));
    if (::mkdir(path.c_str(), 0755) == 0) {
      TARN_RETURN_IF_ERROR(FsyncPath(parent));
    } else if (errno != EEXIST) {
      return ErrnoStatus("creating folder", path, errno);
    }
  }
  return Status::OK();
}

Result<std::string> LocalStore::WriteTemp(std::string_view key, std::string_view data) {
  TARN_RETURN_IF_ERROR(MakeParents(key));
  std::string temp = ParentOf(PathOf(key)) + "/.tarn-tmp-" + RandomHex(8);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("creating", temp, errno);
  Status status = WriteAll(fd, data, temp);
  if (status.ok() && ::fsync(fd) != 0) status = ErrnoStatus("syncing", temp, errno);
  if (::close(fd) != 0 && status.ok()) status = ErrnoStatus("closing", temp, errno);
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return temp;
}

Status LocalStore::Put(std::string_view key, std::string_view data) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = PathOf(key);
  TARN_ASSIGN_OR_RETURN(std::string temp, WriteTemp(key, data));
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    Status status = ErrnoStatus("renaming into", path, errno);
    ::unlink(temp.c_str());
    return status;
  }
  return FsyncPath(ParentOf(path));
}

Status LocalStore::PutIfAbsent(std::string_view key, std::string_view data) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = PathOf(key);
  TARN_ASSIGN_OR_RETURN(std::string temp, WriteTemp(key, data));
  // link() refuses an existing name atomically, where rename() would replace it.
  int rc = ::link(temp.c_str(), path.c_str());
  int err = errno;
  ::unlink(temp.c_str());
  if (rc != 0) {
    if (err == EEXIST) return AlreadyExistsError(Uri(key));
    return ErrnoStatus("linking into", path, err);
  }
  return FsyncPath(ParentOf(path));
}

Result<std::unique_ptr<ObjectWriter>> LocalStore::OpenWriter(std::string_view key) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  TARN_RETURN_IF_ERROR(MakeParents(key));
  std::string path = PathOf(key);
  std::string temp = ParentOf(path) + "/.tarn-tmp-" + RandomHex(8);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("creating", temp, errno);
  return std::unique_ptr<ObjectWriter>(std::make_unique<LocalWriter>(fd, temp, path));
}

Result<ListPage> LocalStore::List(std::string_view prefix, std::string_view page_token,
                                  int max_keys) {
  TARN_RETURN_IF_ERROR(ValidatePrefix(prefix));
  max_keys = ClampMaxKeys(max_keys);
  // Walk only the folder that holds everything the prefix can match.
  size_t slash = prefix.rfind('/');
  std::string base =
      slash == std::string_view::npos ? root_ : root_ + "/" + std::string(prefix.substr(0, slash));
  std::vector<ObjectInfo> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(base, fs::directory_options::none, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      return ListPage{};
    }
    return ErrnoStatus("listing", base, ec.value());
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return ErrnoStatus("listing", base, ec.value());
    const fs::directory_entry& entry = *it;
    if (entry.path().filename().string().starts_with(".tarn-tmp-")) continue;
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec)) continue;
    std::string key = entry.path().string().substr(root_.size() + 1);
    if (!key.starts_with(prefix) || (!page_token.empty() && key <= page_token)) continue;
    struct stat st {};
    if (::stat(entry.path().c_str(), &st) != 0) continue;  // deleted while listing
    int64_t micros = int64_t{st.st_mtim.tv_sec} * 1000000 + st.st_mtim.tv_nsec / 1000;
    found.push_back({std::move(key), static_cast<uint64_t>(st.st_size), micros, ""});
  }
  std::sort(found.begin(), found.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  ListPage page;
  if (found.size() > static_cast<size_t>(max_keys)) {
    found.resize(static_cast<size_t>(max_keys));
    page.next_page_token = found.back().key;
  }
  page.objects = std::move(found);
  return page;
}

Status LocalStore::Delete(std::string_view key) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = PathOf(key);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::OK();
    return ErrnoStatus("deleting", path, errno);
  }
  if (S_ISDIR(st.st_mode)) return Status::OK();  // a folder is not an object
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("deleting", path, errno);
  return Status::OK();
}

}  // namespace tarn
