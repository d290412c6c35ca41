#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/random.h"
#include "base/time_util.h"
#include "cli/commands.h"
#include "cli/lake.h"
#include "meta/migrations.h"
#include "store/local_store.h"
#include "store/open_store.h"

namespace tarn {
namespace {

namespace fs = std::filesystem;

struct InitOptions {
  std::string root = "lake";
  std::string metadata;
  std::string metadata_password;
  std::string catalog_name = "tarn";
  std::string s3_endpoint;
  std::string s3_region;
  std::string s3_addressing;
  std::string s3_access_key_id;
  std::string s3_secret_access_key;
  bool force = false;
};

// A JSON string is a valid YAML double-quoted scalar, so any text is written safely.
std::string Quote(const std::string& text) { return nlohmann::json(text).dump(); }

// `path` relative to `dir` when it lies below it (so the lake folder can move with its config).
std::string PathForConfig(const std::string& path, const std::string& dir) {
  fs::path absolute = fs::absolute(path).lexically_normal();
  fs::path relative = absolute.lexically_relative(dir);
  if (!relative.empty() && *relative.begin() != "..") return relative.string();
  return absolute.string();
}

std::string BuildConfigText(const InitOptions& o, const std::string& dir) {
  bool s3 = o.root.starts_with("s3://");
  std::string root = s3 ? o.root : PathForConfig(o.root, dir);
  std::string metadata = o.metadata;
  if (metadata.empty()) {
    metadata = s3 ? "sqlite:tarn.db" : "sqlite:" + (fs::path(root) / "tarn.db").string();
  } else if (metadata.starts_with("sqlite:") && metadata != "sqlite::memory:") {
    metadata = "sqlite:" + PathForConfig(metadata.substr(7), dir);
  }
  std::string text =
      "# tarn lake configuration, written by 'tarn init'. See README.md, \"Configuration\".\n"
      "# Relative paths are relative to this file. Secrets only as env:NAME or file:PATH.\n"
      "lake:\n"
      "  root: " +
      Quote(root) +
      "\n"
      "  catalog_name: " +
      Quote(o.catalog_name) +
      "\n"
      "metadata:\n"
      "  uri: " +
      Quote(metadata) + "\n";
  if (!o.metadata_password.empty()) text += "  password: " + Quote(o.metadata_password) + "\n";
  bool any_s3 = !o.s3_endpoint.empty() || !o.s3_region.empty() || !o.s3_addressing.empty() ||
                !o.s3_access_key_id.empty() || !o.s3_secret_access_key.empty();
  if (any_s3) {
    text += "s3:\n";
    if (!o.s3_endpoint.empty()) text += "  endpoint: " + Quote(o.s3_endpoint) + "\n";
    if (!o.s3_region.empty()) text += "  region: " + Quote(o.s3_region) + "\n";
    if (!o.s3_addressing.empty()) text += "  addressing: " + Quote(o.s3_addressing) + "\n";
    if (!o.s3_access_key_id.empty()) text += "  access_key_id: " + Quote(o.s3_access_key_id) + "\n";
    if (!o.s3_secret_access_key.empty()) {
      text += "  secret_access_key: " + Quote(o.s3_secret_access_key) + "\n";
    }
  }
  text += "log:\n  level: \"info\"\n  format: \"text\"\n";
  return text;
}

// The lake id in the root's marker, creating the marker (and a new id) when there is none.
Result<std::string> EnsureMarker(ObjectStore& store, const LakeConfig& config) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    Result<std::string> existing = store.Get(kLakeMarkerKey);
    if (existing.ok()) {
      nlohmann::json marker = nlohmann::json::parse(*existing, nullptr, /*allow_exceptions=*/false);
      if (!marker.is_object() || !marker.contains("lake_id") || !marker["lake_id"].is_string()) {
        return Status::Corruption("'" + store.Uri(kLakeMarkerKey) + "' is not a tarn lake marker");
      }
      return marker["lake_id"].get<std::string>();
    }
    if (!existing.status().IsNotFound()) return existing.status();
    std::string id = RandomUuid();
    nlohmann::json marker = {{"format", 1},
                             {"lake_id", id},
                             {"created_at", FormatIso8601(Clock::Real()->NowMicros())},
                             {"catalog_name", config.catalog_name},
                             {"created_by", std::string("tarn ") + TARN_VERSION}};
    Status put = store.PutIfAbsent(kLakeMarkerKey, marker.dump(2) + "\n");
    if (put.ok()) return id;
    if (!put.IsAlreadyExists()) return put;  // another init won the race: read its marker
  }
  return Status::Aborted("the lake marker at '" + store.Uri(kLakeMarkerKey) + "' keeps changing");
}

// Binds the database to this lake, or checks that it already is.
Status BindDatabase(Database& db, const LakeConfig& config, const std::string& lake_id) {
  return db.Transaction([&]() -> Status {
    TARN_ASSIGN_OR_RETURN(std::optional<std::string> id, GetLakeProperty(db, "lake_id"));
    TARN_ASSIGN_OR_RETURN(std::optional<std::string> root, GetLakeProperty(db, "root"));
    if (id && root) {
      if (*root != config.root || *id != lake_id) {
        return Status::FailedPrecondition("metadata database '" + db.description() +
                                          "' already belongs to the lake at '" + *root + "'");
      }
      return Status::OK();
    }
    const char* insert =
        "INSERT INTO tarn_lake_properties (property_key, property_value) VALUES (?, ?)";
    TARN_RETURN_IF_ERROR(db.Execute(insert, {std::string("lake_id"), lake_id}).status());
    TARN_RETURN_IF_ERROR(db.Execute(insert, {std::string("root"), config.root}).status());
    TARN_RETURN_IF_ERROR(
        db.Execute(insert, {std::string("catalog_name"), config.catalog_name}).status());
    return db
        .Execute(insert, {std::string("created_at"), FormatIso8601(Clock::Real()->NowMicros())})
        .status();
  });
}

Status RunInit(const InitOptions& options, const GlobalOptions& global) {
  std::string config_path = ResolveConfigPath(global.config);
  std::string dir = fs::path(config_path).parent_path().string();
  if (fs::exists(config_path) && !options.force) {
    return Status::AlreadyExists("'" + config_path +
                                 "' already exists; pass --force to replace it, or --config to "
                                 "write another file");
  }
  std::string text = BuildConfigText(options, dir);
  TARN_ASSIGN_OR_RETURN(LakeConfig config, ParseLakeConfig(text, config_path));

  Result<std::unique_ptr<ObjectStore>> store = OpenObjectStore(config.root, config.s3);
  if (!store.ok()) return store.status().WithContext("lake root '" + config.root + "'");
  TARN_ASSIGN_OR_RETURN(std::string lake_id, EnsureMarker(**store, config));
  if (!config.is_s3()) {
    for (const char* folder : {"landing", "warehouse", "inbox/purge", "reports"}) {
      std::error_code ec;
      fs::create_directories(fs::path(config.root) / folder, ec);
      if (ec) {
        return Status::PermissionDenied("creating '" + (fs::path(config.root) / folder).string() +
                                        "': " + ec.message());
      }
    }
  }
  if (config.metadata.uri.starts_with("sqlite:")) {
    std::error_code ec;
    fs::create_directories(fs::path(config.metadata.uri.substr(7)).parent_path(), ec);
  }
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(config.metadata));
  TARN_RETURN_IF_ERROR(BindDatabase(*db, config, lake_id));

  // The config file comes last, so a failed init leaves nothing that later commands would find.
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<LocalStore> config_dir, LocalStore::Open(dir));
  TARN_RETURN_IF_ERROR(config_dir->Put(fs::path(config_path).filename().string(), text));

  std::printf("Initialized lake %s\n", lake_id.c_str());
  std::printf("  root      %s\n", (*store)->Uri("").c_str());
  std::printf("  metadata  %s (schema version %lld)\n", db->description().c_str(),
              static_cast<long long>(LatestSchemaVersion()));
  std::printf(
      "  catalog   %s (Iceberg SQL catalog: iceberg_tables, iceberg_namespace_properties)\n",
      config.catalog_name.c_str());
  std::printf("  config    %s\n", config_path.c_str());
  std::printf("Next: tarn info\n");
  return Status::OK();
}

}  // namespace

void AddInitCommand(CLI::App& app, const GlobalOptions& global, Action* action) {
  auto options = std::make_shared<InitOptions>();
  CLI::App* cmd =
      app.add_subcommand("init", "Create a lake: its root, metadata database and tarn.yaml");
  cmd->add_option("root", options->root, "Lake root: a folder or s3://bucket/prefix")
      ->capture_default_str();
  cmd->add_option("--metadata", options->metadata,
                  "Metadata database: sqlite:PATH (default: ROOT/tarn.db) or postgresql://...");
  cmd->add_option("--metadata-password", options->metadata_password,
                  "PostgreSQL password as a reference: env:NAME or file:PATH");
  cmd->add_option("--catalog-name", options->catalog_name,
                  "Iceberg catalog name other engines must use")
      ->capture_default_str();
  cmd->add_option("--s3-endpoint", options->s3_endpoint, "S3 endpoint, e.g. http://127.0.0.1:9000");
  cmd->add_option("--s3-region", options->s3_region,
                  "S3 region (default: AWS_REGION or us-east-1)");
  cmd->add_option("--s3-addressing", options->s3_addressing, "path, virtual or auto");
  cmd->add_option("--s3-access-key-id", options->s3_access_key_id,
                  "Access key id, or env:NAME (default: AWS_ACCESS_KEY_ID)");
  cmd->add_option("--s3-secret-access-key", options->s3_secret_access_key,
                  "Secret key as env:NAME or file:PATH (default: AWS_SECRET_ACCESS_KEY)");
  cmd->add_flag("--force", options->force, "Replace an existing tarn.yaml");
  cmd->footer(
      "Examples:\n"
      "  tarn init                      # ./lake with sqlite:lake/tarn.db, writes ./tarn.yaml\n"
      "  tarn init /data/lake --metadata postgresql://tarn@db:5432/tarn \\\n"
      "            --metadata-password env:TARN_DB_PASSWORD\n"
      "  tarn init s3://bucket/lake --s3-endpoint http://127.0.0.1:9000 \\\n"
      "            --s3-secret-access-key env:AWS_SECRET_ACCESS_KEY\n");
  cmd->callback([options, &global, action] {
    *action = [options, &global] { return RunInit(*options, global); };
  });
}

}  // namespace tarn
