// PostgreSQL engine of Database, over libpq. Parameters travel separately from the SQL text
// (PQexecParams), so no value is ever interpreted as SQL.
#pragma once

#include <memory>

#include "meta/database.h"

struct pg_conn;

namespace tarn {

class PostgresDatabase final : public Database {
 public:
  // kInvalidArgument when the URI is malformed or carries a password; kUnavailable when the
  // server cannot be reached; kPermissionDenied when it refuses the credentials.
  static Result<std::unique_ptr<Database>> Open(const DatabaseOptions& options);
  ~PostgresDatabase() override;

  DatabaseEngine engine() const override { return DatabaseEngine::kPostgres; }
  Result<QueryResult> Execute(std::string_view sql, const std::vector<SqlValue>& params) override;
  using Database::Execute;

 protected:
  std::string_view BeginStatement() const override { return "BEGIN"; }

 private:
  PostgresDatabase(pg_conn* conn, std::string description)
      : Database(std::move(description)), conn_(conn) {}

  pg_conn* conn_;
};

// Rewrites '?' placeholders as $1, $2, ... outside quoted text. Exposed for tests.
std::string ToPostgresPlaceholders(std::string_view sql);

}  // namespace tarn
