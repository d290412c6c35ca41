#include "cli/lake_config.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "base/config.h"

namespace tarn {
namespace {

namespace fs = std::filesystem;

std::string Resolve(const std::string& dir, const std::string& path) {
  fs::path p(path);
  if (p.is_relative()) p = fs::path(dir) / p;
  return p.lexically_normal().string();
}

// A value that may be a literal or a secret reference (e.g. an access key id).
Result<std::string> ReadMaybeSecret(const ConfigNode& node, const std::string& dir) {
  TARN_ASSIGN_OR_RETURN(std::string text, node.AsString());
  if (!SecretRef::LooksLikeReference(text)) return text;
  Result<SecretRef> ref = SecretRef::Parse(text, dir);
  if (!ref.ok()) return node.Error(ref.status().message());
  Result<Secret> secret = ref->Resolve();
  if (!secret.ok()) return node.Error(secret.status().message());
  return secret->Reveal();
}

// A value that must be a secret reference.
Result<Secret> ReadSecret(const ConfigNode& node, const std::string& dir) {
  TARN_ASSIGN_OR_RETURN(std::string text, node.AsString());
  Result<SecretRef> ref = SecretRef::Parse(text, dir);
  if (!ref.ok()) return node.Error(ref.status().message());
  Result<Secret> secret = ref->Resolve();
  if (!secret.ok()) return node.Error(secret.status().message());
  return *std::move(secret);
}

Status ParseS3(const ConfigNode& node, const std::string& dir, S3Options* s3) {
  TARN_RETURN_IF_ERROR(
      node.ExpectMap({"endpoint", "region", "addressing", "access_key_id", "secret_access_key",
                      "session_token", "max_attempts", "part_size_mb"}));
  TARN_ASSIGN_OR_RETURN(std::optional<std::string> endpoint, node.FindString("endpoint"));
  TARN_ASSIGN_OR_RETURN(std::optional<std::string> region, node.FindString("region"));
  TARN_ASSIGN_OR_RETURN(std::optional<std::string> addressing, node.FindString("addressing"));
  TARN_ASSIGN_OR_RETURN(std::optional<int64_t> attempts, node.FindInt("max_attempts", 1, 20));
  TARN_ASSIGN_OR_RETURN(std::optional<int64_t> part_mb, node.FindInt("part_size_mb", 5, 5120));
  if (endpoint) s3->endpoint = *endpoint;
  if (region) s3->region = *region;
  if (addressing) {
    if (*addressing == "path") {
      s3->addressing = S3Addressing::kPath;
    } else if (*addressing == "virtual") {
      s3->addressing = S3Addressing::kVirtual;
    } else if (*addressing != "auto") {
      return node.Find("addressing")
          ->Error("expected path, virtual or auto, got '" + *addressing + "'");
    }
  }
  if (attempts) s3->max_attempts = static_cast<int>(*attempts);
  if (part_mb) s3->part_size = static_cast<uint64_t>(*part_mb) << 20;
  if (auto n = node.Find("access_key_id")) {
    TARN_ASSIGN_OR_RETURN(s3->credentials.access_key_id, ReadMaybeSecret(*n, dir));
  }
  if (auto n = node.Find("secret_access_key")) {
    TARN_ASSIGN_OR_RETURN(s3->credentials.secret_access_key, ReadSecret(*n, dir));
  }
  if (auto n = node.Find("session_token")) {
    TARN_ASSIGN_OR_RETURN(s3->credentials.session_token, ReadSecret(*n, dir));
  }
  return Status::OK();
}

Status ParseSources(const ConfigNode& node, const std::string& dir,
                    std::vector<SourceConfig>* sources) {
  TARN_ASSIGN_OR_RETURN(auto entries, node.AsNamedMap());
  for (auto& [name, entry] : entries) {
    if (name.empty() || name.size() > 63 ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos ||
        !std::isalpha(static_cast<unsigned char>(name[0]))) {
      return entry.Error(
          "a source name is 1 to 63 lower-case letters, digits or '_', starting "
          "with a letter (it names the lake namespace raw_" +
          name + ")");
    }
    TARN_RETURN_IF_ERROR(entry.ExpectMap({"kind", "uri", "path", "password", "connect_timeout_s"}));
    SourceConfig source;
    source.name = name;
    TARN_ASSIGN_OR_RETURN(ConfigNode kind_node, entry.Get("kind"));
    TARN_ASSIGN_OR_RETURN(std::string kind, kind_node.AsString());
    TARN_ASSIGN_OR_RETURN(std::optional<std::string> uri, entry.FindString("uri"));
    TARN_ASSIGN_OR_RETURN(std::optional<std::string> path, entry.FindString("path"));
    if (kind == "postgresql" || kind == "postgres") {
      source.kind = SourceKind::kPostgres;
      if (!uri || !(uri->starts_with("postgresql://") || uri->starts_with("postgres://"))) {
        return entry.Error("a postgresql source needs uri: postgresql://user@host:port/database");
      }
      if (path) return entry.Find("path")->Error("path is for sqlite sources; use uri");
      source.uri = *uri;
    } else if (kind == "sqlite") {
      source.kind = SourceKind::kSqlite;
      if (!path || path->empty()) return entry.Error("a sqlite source needs path: FILE");
      if (uri) return entry.Find("uri")->Error("uri is for postgresql sources; use path");
      source.path = Resolve(dir, *path);
    } else {
      return kind_node.Error("expected postgresql or sqlite, got '" + kind + "'");
    }
    if (auto password = entry.Find("password")) {
      TARN_ASSIGN_OR_RETURN(std::string text, password->AsString());
      Result<SecretRef> ref = SecretRef::Parse(text, dir);
      if (!ref.ok()) return password->Error(ref.status().message());
      source.password = *ref;
    }
    TARN_ASSIGN_OR_RETURN(std::optional<int64_t> timeout,
                          entry.FindInt("connect_timeout_s", 1, 3600));
    if (timeout) source.connect_timeout_s = *timeout;
    sources->push_back(std::move(source));
  }
  return Status::OK();
}

}  // namespace

Result<const SourceConfig*> LakeConfig::FindSource(const std::string& name) const {
  std::string known;
  for (const SourceConfig& s : sources) {
    if (s.name == name) return &s;
    known += (known.empty() ? "" : ", ") + s.name;
  }
  return Status::NotFound(
      "no source '" + name + "' in " + path +
      (known.empty() ? " (it has no sources: section)" : " (sources: " + known + ")"));
}

std::string ResolveConfigPath(const std::string& flag) {
  std::string path = flag;
  if (path.empty()) {
    const char* env = std::getenv("TARN_CONFIG");
    path = (env != nullptr && *env != '\0') ? env : "tarn.yaml";
  }
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

Result<LakeConfig> ParseLakeConfig(std::string_view text, const std::string& path) {
  LakeConfig config;
  config.path = path;
  std::string dir = fs::path(path).parent_path().string();
  TARN_ASSIGN_OR_RETURN(ConfigNode root, ParseYaml(text, path));
  TARN_RETURN_IF_ERROR(root.ExpectMap({"lake", "metadata", "s3", "log", "sources"}));

  TARN_ASSIGN_OR_RETURN(ConfigNode lake, root.Get("lake"));
  TARN_RETURN_IF_ERROR(lake.ExpectMap({"root", "catalog_name"}));
  TARN_ASSIGN_OR_RETURN(ConfigNode lake_root, lake.Get("root"));
  TARN_ASSIGN_OR_RETURN(config.root, lake_root.AsString());
  if (config.root.empty()) return lake_root.Error("the lake root is empty");
  if (config.root.starts_with("file://")) config.root = config.root.substr(7);
  if (!config.is_s3()) {
    if (config.root.find("://") != std::string::npos) {
      return lake_root.Error("expected a folder or s3://bucket/prefix");
    }
    config.root = Resolve(dir, config.root);
  }
  TARN_ASSIGN_OR_RETURN(std::optional<std::string> catalog, lake.FindString("catalog_name"));
  if (catalog) {
    if (catalog->empty() || catalog->size() > 255) {
      return lake.Find("catalog_name")->Error("a catalog name has 1 to 255 characters");
    }
    config.catalog_name = *catalog;
  }

  TARN_ASSIGN_OR_RETURN(ConfigNode metadata, root.Get("metadata"));
  TARN_RETURN_IF_ERROR(metadata.ExpectMap({"uri", "password"}));
  TARN_ASSIGN_OR_RETURN(ConfigNode uri, metadata.Get("uri"));
  TARN_ASSIGN_OR_RETURN(config.metadata.uri, uri.AsString());
  if (config.metadata.uri.starts_with("sqlite:")) {
    std::string file = config.metadata.uri.substr(7);
    if (file.empty()) return uri.Error("sqlite: needs a file path, e.g. sqlite:lake/tarn.db");
    if (file != ":memory:") config.metadata.uri = "sqlite:" + Resolve(dir, file);
  } else if (!config.metadata.uri.starts_with("postgresql://") &&
             !config.metadata.uri.starts_with("postgres://")) {
    return uri.Error("expected sqlite:PATH or postgresql://user@host:port/database");
  }
  if (auto password = metadata.Find("password")) {
    TARN_ASSIGN_OR_RETURN(config.metadata.password, ReadSecret(*password, dir));
  }

  if (auto s3 = root.Find("s3")) TARN_RETURN_IF_ERROR(ParseS3(*s3, dir, &config.s3));
  ApplyAwsEnvironment(&config.s3);

  if (auto log = root.Find("log")) {
    TARN_RETURN_IF_ERROR(log->ExpectMap({"level", "format"}));
    TARN_ASSIGN_OR_RETURN(std::optional<std::string> level, log->FindString("level"));
    TARN_ASSIGN_OR_RETURN(std::optional<std::string> format, log->FindString("format"));
    if (level) config.log_level = *level;
    if (format) config.log_format = *format;
  }
  if (auto sources = root.Find("sources")) {
    TARN_RETURN_IF_ERROR(ParseSources(*sources, dir, &config.sources));
  }
  return config;
}

Result<LakeConfig> LoadLakeConfig(const std::string& path) {
  Result<std::string> text = ReadConfigText(path);
  if (text.status().IsNotFound()) {
    return Status::NotFound("no config file at '" + path +
                            "': run 'tarn init' to create a lake, or pass --config / set "
                            "TARN_CONFIG");
  }
  if (!text.ok()) return text.status();
  return ParseLakeConfig(*text, path);
}

}  // namespace tarn
