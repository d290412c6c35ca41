#include "base/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

namespace tarn {
namespace {

std::string Location(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return file;
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string JoinKeys(std::span<const std::string_view> keys) {
  std::string out;
  for (std::string_view key : keys) {
    if (!out.empty()) out += ", ";
    out += key;
  }
  return out;
}

}  // namespace

ConfigNode::ConfigNode(std::unique_ptr<YAML::Node> node, std::string file, std::string path)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}
ConfigNode::ConfigNode(const ConfigNode& other)
    : node_(std::make_unique<YAML::Node>(*other.node_)), file_(other.file_), path_(other.path_) {}
ConfigNode& ConfigNode::operator=(const ConfigNode& other) {
  if (this != &other) {
    node_ = std::make_unique<YAML::Node>(*other.node_);
    file_ = other.file_;
    path_ = other.path_;
  }
  return *this;
}
ConfigNode::~ConfigNode() = default;

std::string ConfigNode::Where() const { return Location(file_, node_->Mark()); }

std::string ConfigNode::ChildPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

Status ConfigNode::Error(std::string_view message) const {
  std::string text = Where() + ": ";
  if (!path_.empty()) text += "'" + path_ + "': ";
  return Status::InvalidArgument(text + std::string(message));
}

Status ConfigNode::ForEachKey(
    const std::function<Status(const std::string& key, const std::string& where,
                               const YAML::Node& value)>& fn) const {
  std::set<std::string> seen;
  for (const auto& entry : *node_) {
    const YAML::Node& key_node = entry.first;
    std::string where = Location(file_, key_node.Mark());
    if (!key_node.IsScalar())
      return Status::InvalidArgument(where + ": a key must be a plain name");
    std::string key = key_node.Scalar();
    TARN_RETURN_IF_ERROR(fn(key, where, entry.second));
    if (!seen.insert(key).second) {
      return Status::InvalidArgument(where + ": key '" + ChildPath(key) + "' appears twice");
    }
  }
  return Status::OK();
}

Status ConfigNode::ExpectMap(std::span<const std::string_view> allowed) const {
  if (node_->IsNull()) return Status::OK();
  if (!node_->IsMap())
    return Error("expected a mapping of keys (one of: " + JoinKeys(allowed) + ")");
  return ForEachKey([&](const std::string& key, const std::string& where, const YAML::Node&) {
    for (std::string_view a : allowed) {
      if (a == key) return Status::OK();
    }
    std::string in = path_.empty() ? "" : " in '" + path_ + "'";
    return Status::InvalidArgument(where + ": unknown key '" + key + "'" + in +
                                   " (expected one of: " + JoinKeys(allowed) + ")");
  });
}

std::optional<ConfigNode> ConfigNode::Find(std::string_view key) const {
  if (!node_->IsMap()) return std::nullopt;
  for (const auto& entry : *node_) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) {
      if (entry.second.IsNull()) return std::nullopt;
      return ConfigNode(std::make_unique<YAML::Node>(entry.second), file_, ChildPath(key));
    }
  }
  return std::nullopt;
}

Result<ConfigNode> ConfigNode::Get(std::string_view key) const {
  std::optional<ConfigNode> child = Find(key);
  if (!child) return Error("missing required key '" + std::string(key) + "'");
  return *std::move(child);
}

Result<std::string> ConfigNode::AsString() const {
  if (!node_->IsScalar()) return Error("expected a single value");
  return node_->Scalar();
}

Result<int64_t> ConfigNode::AsInt(int64_t min, int64_t max) const {
  TARN_ASSIGN_OR_RETURN(std::string text, AsString());
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Error("expected a whole number, got '" + text + "'");
  }
  if (value < min || value > max) {
    return Error("value " + text + " is out of range [" + std::to_string(min) + ", " +
                 std::to_string(max) + "]");
  }
  return value;
}

Result<bool> ConfigNode::AsBool() const {
  TARN_ASSIGN_OR_RETURN(std::string text, AsString());
  if (text == "true" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "no" || text == "off") return false;
  return Error("expected true or false, got '" + text + "'");
}

Result<std::vector<ConfigNode>> ConfigNode::AsList() const {
  if (!node_->IsSequence()) return Error("expected a list");
  std::vector<ConfigNode> out;
  size_t i = 0;
  for (const auto& item : *node_) {
    out.push_back(ConfigNode(std::make_unique<YAML::Node>(item), file_,
                             path_ + "[" + std::to_string(i++) + "]"));
  }
  return out;
}

Result<std::vector<std::pair<std::string, ConfigNode>>> ConfigNode::AsNamedMap() const {
  std::vector<std::pair<std::string, ConfigNode>> out;
  if (node_->IsNull()) return out;
  if (!node_->IsMap()) return Error("expected a mapping of names");
  TARN_RETURN_IF_ERROR(ForEachKey([&](const std::string& key, const std::string&,
                                      const YAML::Node& value) {
    out.emplace_back(key, ConfigNode(std::make_unique<YAML::Node>(value), file_, ChildPath(key)));
    return Status::OK();
  }));
  return out;
}

Result<std::optional<std::string>> ConfigNode::FindString(std::string_view key) const {
  std::optional<ConfigNode> child = Find(key);
  if (!child) return std::optional<std::string>();
  TARN_ASSIGN_OR_RETURN(std::string value, child->AsString());
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<int64_t>> ConfigNode::FindInt(std::string_view key, int64_t min,
                                                   int64_t max) const {
  std::optional<ConfigNode> child = Find(key);
  if (!child) return std::optional<int64_t>();
  TARN_ASSIGN_OR_RETURN(int64_t value, child->AsInt(min, max));
  return std::optional<int64_t>(value);
}

Result<std::optional<bool>> ConfigNode::FindBool(std::string_view key) const {
  std::optional<ConfigNode> child = Find(key);
  if (!child) return std::optional<bool>();
  TARN_ASSIGN_OR_RETURN(bool value, child->AsBool());
  return std::optional<bool>(value);
}

Result<ConfigNode> ParseYaml(std::string_view text, std::string_view file_name) {
  try {
    auto node = std::make_unique<YAML::Node>(YAML::Load(std::string(text)));
    return ConfigNode(std::move(node), std::string(file_name), "");
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(Location(std::string(file_name), e.mark) + ": " + e.msg);
  }
}

Result<std::string> ReadConfigText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("config file '" + path + "' does not exist or cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<ConfigNode> LoadYamlFile(const std::string& path) {
  TARN_ASSIGN_OR_RETURN(std::string text, ReadConfigText(path));
  return ParseYaml(text, path);
}

}  // namespace tarn
