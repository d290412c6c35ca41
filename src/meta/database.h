// Database: tarn's metadata database, over SQLite (embedded default) or PostgreSQL (shared by
// several workers). It holds the Iceberg SQL catalog tables and tarn's own tables side by side,
// so that one transaction can move a table's metadata pointer and tarn's bookkeeping together
// (DESIGN.md, "The one idea").
//
// SQL uses '?' placeholders on both engines; values are always bound, never spliced into text.
// One statement per Execute call. A Database is one connection: not thread-safe; open one per
// thread or worker.
//
// Error codes: kAlreadyExists for a unique-key violation, kAborted for a serialization failure or
// deadlock (re-run the transaction), kUnavailable for a lost connection or a busy database,
// kPermissionDenied for refused credentials or privileges, kCorruption for a damaged file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/secret.h"
#include "base/status.h"

namespace tarn {

struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

// NULL, INTEGER/BIGINT/BOOLEAN, REAL/DOUBLE, TEXT/VARCHAR, BLOB/BYTEA.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string, Blob>;
using SqlRow = std::vector<SqlValue>;

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<SqlRow> rows;
  int64_t rows_affected = 0;  // for INSERT / UPDATE / DELETE

  // Typed access with a clear error when the cell is NULL or of another type.
  Result<int64_t> GetInt(size_t row, size_t column) const;
  Result<std::string> GetString(size_t row, size_t column) const;
  bool IsNull(size_t row, size_t column) const;
};

enum class DatabaseEngine { kSqlite, kPostgres };

struct DatabaseOptions {
  // "sqlite:PATH", "sqlite::memory:", or "postgresql://user@host:port/db?sslmode=..."
  // (a password inside the URI is refused: use `password`).
  std::string uri;
  Secret password{};  // PostgreSQL; when empty libpq's PGPASSWORD / ~/.pgpass still apply
  int64_t busy_timeout_ms = 5000;  // SQLite: wait this long for another writer
  int64_t connect_timeout_s = 5;   // PostgreSQL, unless the URI sets connect_timeout
  bool migrate = true;             // apply pending schema migrations when opening
};

class Database {
 public:
  // Connects, and (when options.migrate) brings the schema up to date. kFailedPrecondition if the
  // database was migrated by a newer tarn.
  static Result<std::unique_ptr<Database>> Open(const DatabaseOptions& options);

  virtual ~Database() = default;
  virtual DatabaseEngine engine() const = 0;
  // "sqlite:/abs/tarn.db" or the PostgreSQL URI: safe to print.
  const std::string& description() const { return description_; }

  // Runs one statement. `params` bind to the '?' placeholders in order.
  virtual Result<QueryResult> Execute(std::string_view sql,
                                      const std::vector<SqlValue>& params) = 0;
  Result<QueryResult> Execute(std::string_view sql) { return Execute(sql, {}); }

  // Runs `body` inside a transaction: COMMIT when it returns OK, ROLLBACK otherwise (the body's
  // Status is returned). On SQLite the transaction takes the write lock at once (BEGIN
  // IMMEDIATE), so two writers never deadlock. Not reentrant: kFailedPrecondition when nested.
  Status Transaction(const std::function<Status()>& body);
  bool in_transaction() const { return in_transaction_; }

 protected:
  explicit Database(std::string description) : description_(std::move(description)) {}
  virtual std::string_view BeginStatement() const = 0;

 private:
  std::string description_;
  bool in_transaction_ = false;
};

// The first line of `sql`, shortened, for error messages.
std::string SqlSnippet(std::string_view sql);

}  // namespace tarn
