#include "base/secret.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tarn {

bool SecretRef::LooksLikeReference(std::string_view text) {
  return text.starts_with("env:") || text.starts_with("file:");
}

Result<SecretRef> SecretRef::Parse(std::string_view text, std::string_view base_dir) {
  if (text.starts_with("env:")) {
    std::string name(text.substr(4));
    if (name.empty() ||
        name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789_") != std::string::npos) {
      return Status::InvalidArgument("secret reference 'env:" + name +
                                     "': not a valid environment variable name");
    }
    return SecretRef(Kind::kEnv, std::move(name));
  }
  if (text.starts_with("file:")) {
    std::filesystem::path path(text.substr(5));
    if (path.empty()) return Status::InvalidArgument("secret reference 'file:': the path is empty");
    if (path.is_relative() && !base_dir.empty()) path = std::filesystem::path(base_dir) / path;
    return SecretRef(Kind::kFile, path.lexically_normal().string());
  }
  return Status::InvalidArgument(
      "a literal secret is not accepted; write env:NAME or file:PATH so that no secret sits in a "
      "config file");
}

Result<Secret> SecretRef::Resolve() const {
  if (kind_ == Kind::kEnv) {
    const char* value = std::getenv(name_.c_str());
    if (value == nullptr) {
      return Status::FailedPrecondition("secret reference 'env:" + name_ +
                                        "': environment variable " + name_ + " is not set");
    }
    return Secret(value);
  }
  std::ifstream in(name_, std::ios::binary);
  if (!in) {
    return Status::NotFound("secret reference 'file:" + name_ + "': cannot read the file");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string value = buffer.str();
  if (value.ends_with("\r\n")) {
    value.resize(value.size() - 2);
  } else if (value.ends_with('\n')) {
    value.pop_back();
  }
  return Secret(std::move(value));
}

std::string SecretRef::ToString() const { return (kind_ == Kind::kEnv ? "env:" : "file:") + name_; }

}  // namespace tarn
