#include "store/object_store.h"

#include <cstdio>

namespace tarn {

std::string PrintableKey(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

namespace {

constexpr size_t kMaxKeyBytes = 1024;
constexpr std::string_view kTempPrefix = ".tarn-tmp-";

Status BadKey(std::string_view what, std::string_view key, std::string_view why) {
  return Status::InvalidArgument(std::string(what) + " '" + PrintableKey(key) +
                                 "': " + std::string(why));
}

Status CheckPath(std::string_view what, std::string_view key, bool allow_trailing_slash) {
  if (key.size() > kMaxKeyBytes) return BadKey(what, key.substr(0, 64), "longer than 1024 bytes");
  for (unsigned char c : key) {
    if (c < 0x20 || c == 0x7f) return BadKey(what, key, "contains a control character");
  }
  if (key.front() == '/') return BadKey(what, key, "must be relative (no leading '/')");
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view segment = key.substr(start, end - start);
    bool last = end == key.size();
    if (segment.empty() && !(last && allow_trailing_slash && start > 0)) {
      return BadKey(what, key, "has an empty path segment");
    }
    if (segment == "." || segment == "..") {
      return BadKey(what, key, "may not contain '.' or '..' segments");
    }
    if (segment.starts_with(kTempPrefix)) {
      return BadKey(what, key, "segments starting with '.tarn-tmp-' are reserved");
    }
    start = end + 1;
  }
  return Status::OK();
}

}  // namespace

Status ValidateKey(std::string_view key) {
  if (key.empty()) return Status::InvalidArgument("object key is empty");
  return CheckPath("object key", key, /*allow_trailing_slash=*/false);
}

Status ValidatePrefix(std::string_view prefix) {
  if (prefix.empty()) return Status::OK();
  return CheckPath("list prefix", prefix, /*allow_trailing_slash=*/true);
}

Status ObjectStore::ListAll(std::string_view prefix,
                            const std::function<Status(const ObjectInfo&)>& fn) {
  std::string token;
  do {
    TARN_ASSIGN_OR_RETURN(ListPage page, List(prefix, token, 1000));
    for (const ObjectInfo& info : page.objects) TARN_RETURN_IF_ERROR(fn(info));
    token = std::move(page.next_page_token);
  } while (!token.empty());
  return Status::OK();
}

Status ObjectStore::DeleteMany(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) TARN_RETURN_IF_ERROR(ValidateKey(key));
  for (const std::string& key : keys) TARN_RETURN_IF_ERROR(Delete(key));
  return Status::OK();
}

Result<std::string> ObjectStore::PresignGet(std::string_view key, int64_t) {
  return Status::NotImplemented("presigned URLs are not available for '" + Uri(key) +
                                "': only S3 stores can sign URLs");
}

}  // namespace tarn
