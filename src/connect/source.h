// Relational sources: the databases tarn copies from. A Source is one connection to one
// database; it lists and describes tables, maps their column types to lake types, and (with
// the ingestion issue) extracts ranges of rows as column batches.
//
// PostgreSQL (libpq) and SQLite (its C API) are implemented; MySQL/MariaDB will be a third
// subclass. Identifiers reach SQL only through QuoteIdentifier and values only as bound
// parameters, so a hostile table or column name cannot change a statement.
//
// Error codes: kUnavailable (cannot reach the server), kPermissionDenied (credentials or
// privileges refused), kNotFound (no such table or database file), kInvalidArgument (bad
// configuration), kCorruption (a file that is not a database). Describe reports unmapped
// column types in the result rather than failing.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/secret.h"
#include "base/status.h"
#include "columnar/types.h"

namespace tarn {

enum class SourceKind { kPostgres, kSqlite };

// One entry of tarn.yaml's `sources:`.
//
//   sources:
//     shop:
//       kind: postgresql
//       uri: postgresql://reader@db.internal:5432/shop?sslmode=verify-full
//       password: env:SHOP_DB_PASSWORD      # a secret reference, never the password
//     bank:
//       kind: sqlite
//       path: data/bank.db                   # relative to tarn.yaml's folder
struct SourceConfig {
  std::string name;
  SourceKind kind = SourceKind::kPostgres;
  std::string uri;   // PostgreSQL: a libpq URI (sslmode and the other parameters are honoured)
  std::string path;  // SQLite: the database file, absolute
  std::optional<SecretRef> password;  // resolved when connecting
  int64_t connect_timeout_s = 10;
};

struct SourceInfo {
  std::string server;        // "PostgreSQL 15.8 ..." or "SQLite 3.40.1"
  std::string user;          // the role connected as (PostgreSQL)
  double round_trip_ms = 0;  // one trivial query, measured
};

struct SourceTableName {
  std::string schema;  // "main" for SQLite
  std::string name;
  std::string kind;        // table, view, materialized view, foreign table, partitioned table
  bool can_select = true;  // the connected user may read it (listing only)
  std::string ToString() const { return schema + "." + name; }
};

struct SourceColumn {
  std::string name;
  std::string source_type;  // as the source spells it: "numeric(12,2)", "timestamp with time zone"
  bool nullable = true;
  std::optional<DataType> lake_type;  // nullopt: not mapped (see unmapped_reason)
  std::string unmapped_reason;
};

struct SourceTable {
  SourceTableName name;
  std::vector<SourceColumn> columns;
  std::vector<std::string> primary_key;
  std::optional<int64_t> row_estimate;  // the planner's estimate; nullopt when unknown
  bool can_select = false;              // the connected user may read it
};

class Source {
 public:
  // Connects. kUnavailable, kPermissionDenied or kNotFound with a message naming the source.
  static Result<std::unique_ptr<Source>> Open(const SourceConfig& config);
  virtual ~Source() = default;

  const SourceConfig& config() const { return config_; }
  // Server version, user, and the round trip of a trivial query.
  virtual Result<SourceInfo> Probe() = 0;
  // The tables and views the connection can see, schema by schema (`schema` empty: every schema
  // except the system ones), sorted.
  virtual Result<std::vector<SourceTableName>> ListTables(const std::string& schema) = 0;
  // Columns with their lake types, primary key, row estimate and privilege. `table` is "name"
  // (the default schema: public, or main) or "schema.name". kNotFound when absent.
  virtual Result<SourceTable> Describe(const std::string& table) = 0;

 protected:
  explicit Source(SourceConfig config) : config_(std::move(config)) {}
  SourceConfig config_;
};

// "schema.name" or "name" (then `default_schema`); a quoted part ("My Schema"."T.1") keeps its
// dots and case. kInvalidArgument for an empty or malformed name.
Result<SourceTableName> ParseSourceTableName(const std::string& text,
                                             const std::string& default_schema);

// `name` as a double-quoted SQL identifier, inner quotes doubled. PostgreSQL and SQLite both
// read it back exactly; a NUL byte is refused.
Result<std::string> QuoteIdentifier(const std::string& name);

}  // namespace tarn
