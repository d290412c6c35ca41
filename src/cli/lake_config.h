// tarn.yaml: where the lake is and how to reach it. Found by --config, then TARN_CONFIG, then
// ./tarn.yaml. Relative paths inside it are relative to the file's folder. Secrets appear only
// as references (env:NAME, file:PATH). Unknown keys are errors naming file:line:column.
//
//   lake:
//     root: lake                      # a folder, or s3://bucket/prefix
//     catalog_name: tarn              # the catalog name other engines use
//   metadata:
//     uri: sqlite:lake/tarn.db        # or postgresql://user@host:5432/db
//     password: env:TARN_DB_PASSWORD  # PostgreSQL only
//   s3:                               # only for s3:// roots; AWS_* variables fill the gaps
//     endpoint: http://127.0.0.1:9000
//     region: us-east-1
//     addressing: path                # path | virtual | auto
//     access_key_id: env:AWS_ACCESS_KEY_ID
//     secret_access_key: env:AWS_SECRET_ACCESS_KEY
//     session_token: env:AWS_SESSION_TOKEN
//     max_attempts: 4
//     part_size_mb: 8
//   log:
//     level: info                     # trace | debug | info | warn | error | off
//     format: text                    # text | json
//   sources:                          # databases to ingest from (see connect/source.h)
//     shop:
//       kind: postgresql              # postgresql | sqlite
//       uri: postgresql://reader@db:5432/shop?sslmode=verify-full
//       password: env:SHOP_PASSWORD   # resolved only when the source is used
//       connect_timeout_s: 10
//     bank:
//       kind: sqlite
//       path: data/bank.db
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "connect/source.h"
#include "meta/database.h"
#include "store/s3/s3_store.h"

namespace tarn {

struct LakeConfig {
  std::string path;  // the tarn.yaml file, absolute
  std::string root;  // absolute folder or s3://bucket[/prefix]
  std::string catalog_name = "tarn";
  DatabaseOptions metadata;
  S3Options s3;
  std::string log_level = "info";
  std::string log_format = "text";
  std::vector<SourceConfig> sources;

  // The source named `name`; kNotFound listing the configured ones.
  Result<const SourceConfig*> FindSource(const std::string& name) const;

  bool is_s3() const { return root.starts_with("s3://"); }
};

// The config file to use: `flag` if set, else $TARN_CONFIG, else ./tarn.yaml (absolute).
std::string ResolveConfigPath(const std::string& flag);

// Parses `text` as the tarn.yaml at `path`, resolving relative paths and secret references.
Result<LakeConfig> ParseLakeConfig(std::string_view text, const std::string& path);
// Reads and parses the file. kNotFound says how to create one.
Result<LakeConfig> LoadLakeConfig(const std::string& path);

}  // namespace tarn
