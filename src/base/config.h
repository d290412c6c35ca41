// Strict YAML configuration: every error names file:line:column, unknown and duplicate keys are
// refused, and types are checked. yaml-cpp exceptions stop here and become Status.
//
//   TARN_ASSIGN_OR_RETURN(ConfigNode root, LoadYamlFile("tarn.yaml"));
//   TARN_RETURN_IF_ERROR(root.ExpectMap({"lake", "metadata"}));
//   TARN_ASSIGN_OR_RETURN(std::optional<ConfigNode> lake, root.Find("lake"));
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace YAML {
class Node;
}

namespace tarn {

// A node of a parsed YAML document plus where it came from. Cheap to copy; immutable.
class ConfigNode {
 public:
  ConfigNode(const ConfigNode&);
  ConfigNode& operator=(const ConfigNode&);
  ~ConfigNode();

  // "tarn.yaml:3:5" (1-based line and column of this node).
  std::string Where() const;
  // Dotted path from the root, e.g. "metadata.postgres"; empty for the root.
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }

  // OK when this node is a mapping (or empty) whose keys all appear in `allowed`, each once.
  // Otherwise kInvalidArgument naming the first offending key and its location.
  Status ExpectMap(std::initializer_list<std::string_view> allowed) const {
    return ExpectMap(std::span<const std::string_view>(allowed.begin(), allowed.size()));
  }
  Status ExpectMap(std::span<const std::string_view> allowed) const;
  // The child at `key`, or nullopt when absent or null. REQUIRES: ExpectMap() succeeded.
  std::optional<ConfigNode> Find(std::string_view key) const;
  // The child at `key`, or kInvalidArgument "missing required key".
  Result<ConfigNode> Get(std::string_view key) const;

  Result<std::string> AsString() const;
  Result<int64_t> AsInt(int64_t min, int64_t max) const;
  Result<bool> AsBool() const;
  // Scalars of a sequence node.
  Result<std::vector<ConfigNode>> AsList() const;
  // A mapping whose keys are names chosen by the user (e.g. sources): each key with its node,
  // in file order. Keys appearing twice are an error.
  Result<std::vector<std::pair<std::string, ConfigNode>>> AsNamedMap() const;

  // Shorthands for an optional scalar child.
  Result<std::optional<std::string>> FindString(std::string_view key) const;
  Result<std::optional<int64_t>> FindInt(std::string_view key, int64_t min, int64_t max) const;
  Result<std::optional<bool>> FindBool(std::string_view key) const;

  // An error at this node: "<file:line:col>: <path>: <message>".
  Status Error(std::string_view message) const;

 private:
  friend Result<ConfigNode> ParseYaml(std::string_view text, std::string_view file_name);
  ConfigNode(std::unique_ptr<YAML::Node> node, std::string file, std::string path);
  std::string ChildPath(std::string_view key) const;
  // Calls `fn` for each key of a mapping (with where the key stands, and its value), after
  // checking that the key is a plain name and before checking that it is not a repeat.
  Status ForEachKey(const std::function<Status(const std::string& key, const std::string& where,
                                               const YAML::Node& value)>& fn) const;

  std::unique_ptr<YAML::Node> node_;
  std::string file_;
  std::string path_;
};

// Parses `text`; `file_name` is used in messages. An empty document is an empty mapping.
Result<ConfigNode> ParseYaml(std::string_view text, std::string_view file_name);
// The whole text of a config file. kNotFound when it does not exist.
Result<std::string> ReadConfigText(const std::string& path);
// Reads and parses a file. kNotFound when it does not exist.
Result<ConfigNode> LoadYamlFile(const std::string& path);

}  // namespace tarn
