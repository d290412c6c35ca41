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
#include <string_view>
#include <vector>

#include "base/secret.h"
#include "base/status.h"
#include "columnar/column_batch.h"
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
  std::string read_as;  // how Extract reads it; source-specific, set by Describe
};

struct SourceTable {
  SourceTableName name;
  std::vector<SourceColumn> columns;
  std::vector<std::string> primary_key;
  std::optional<int64_t> row_estimate;  // the planner's estimate; nullopt when unknown
  bool can_select = false;              // the connected user may read it
};

// A half-open range of an orderable column (integer, date or timestamp): lower <= column <
// upper, in the column's units (the value itself; days or microseconds since 1970-01-01 UTC).
// An absent end is open; `with_nulls` also takes the rows where the column is NULL.
struct ExtractRange {
  std::string column;
  DataType type;
  std::optional<int64_t> lower;
  std::optional<int64_t> upper;
  bool with_nulls = false;
};

// What a job reads: a table or view by name, or the rows of a query. The query is one SELECT
// (or WITH ... SELECT) statement in the source's dialect; it becomes a subquery, so the ranges
// apply to its result columns.
struct SourceRelation {
  std::string table;  // "name" or "schema.name", as Describe takes it
  std::string query;  // set instead of table
  static SourceRelation Table(std::string table) { return {std::move(table), ""}; }
  static SourceRelation Query(std::string query) { return {"", std::move(query)}; }
  // For messages: the table's name, or "the query".
  std::string ToString() const { return query.empty() ? table : "the query"; }
};

struct ExtractRequest {
  SourceRelation relation;
  std::vector<SourceColumn> columns;  // from Describe, each mapped; read in this order
  std::vector<ExtractRange> ranges;   // all must hold
  size_t batch_rows = size_t{64} * 1024;
};

// Rows of an extraction, a batch at a time. Owns the source connection's attention until the
// end (or destruction, which cancels the read).
class BatchReader {
 public:
  virtual ~BatchReader() = default;
  // Replaces `batch`'s rows with up to the request's batch_rows next rows; false at the end.
  // kInvalidArgument names the column and value that cannot become its lake type.
  virtual Result<bool> Next(ColumnBatch* batch) = 0;
  // Bytes received from the source so far (for progress).
  int64_t bytes_read() const { return bytes_read_; }

 protected:
  int64_t bytes_read_ = 0;
};

// The column's units for `value` of an orderable type, and back to the SQL literal both
// PostgreSQL and SQLite read: 42, '2026-11-21', '2026-11-21 10:04:05.000123'.
// kInvalidArgument when `type` is not integer, date or timestamp, or `text` does not parse.
Result<int64_t> ParseOrderable(const DataType& type, std::string_view text);
std::string FormatOrderable(const DataType& type, int64_t value);
// The value's text form as tarn writes it (columnar/value_text.h: 2026-11-21T10:04:05Z).
std::string OrderableValueText(const DataType& type, int64_t value);
bool IsOrderable(const DataType& type);

// " WHERE ..." selecting the rows of `ranges` (empty when there are none), for statements
// both PostgreSQL and SQLite read; identifiers quoted, values formatted by FormatOrderable.
Result<std::string> RangeCondition(const std::vector<ExtractRange>& ranges);
// `table` ("name" or "schema.name") quoted for a FROM clause.
Result<std::string> QuotedTableName(const std::string& table, const std::string& default_schema);
// `relation` for a FROM clause: the quoted table name, or "(<query>) AS tarn_query" (the query
// on lines of its own, so that a trailing -- comment cannot swallow the closing parenthesis).
Result<std::string> FromClause(const SourceRelation& relation, const std::string& default_schema);
// The query without the whitespace and semicolons that may end it (which a subquery refuses).
std::string_view TrimQuery(std::string_view query);
// kInvalidArgument "<what>: two columns are named 'x'; give them distinct aliases" when a
// query's result `names` repeat one (the lake table needs one column per name).
Status CheckDistinctNames(const std::vector<std::string>& names, const std::string& what);

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
  // The columns of a query's result, without running it. The query must be one read-only
  // SELECT statement; nullability and primary key are unknown (every column nullable, no key),
  // and the name is {"", "query", "query"}. kInvalidArgument when the source refuses it.
  virtual Result<SourceTable> DescribeQuery(const std::string& query) = 0;
  // Describe or DescribeQuery, as `relation` says.
  Result<SourceTable> DescribeRelation(const SourceRelation& relation) {
    return relation.query.empty() ? Describe(relation.table) : DescribeQuery(relation.query);
  }
  // Streams the request's rows as batches of a schema with one optional field per column
  // (ids 1..N). kInvalidArgument for an unmapped column.
  virtual Result<std::unique_ptr<BatchReader>> Extract(const ExtractRequest& request) = 0;
  // The smallest and largest value of `column` over the rows the ranges select, in its units;
  // nullopt when there are none (or all are NULL).
  virtual Result<std::optional<std::pair<int64_t, int64_t>>> Bounds(
      const SourceRelation& relation, const ExtractRange& column,
      const std::vector<ExtractRange>& ranges) = 0;

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
