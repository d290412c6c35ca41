// SQLite engine of Database: WAL journal, synchronous=FULL, a busy timeout, foreign keys on.
#pragma once

#include <memory>

#include "meta/database.h"

struct sqlite3;

namespace tarn {

class SqliteDatabase final : public Database {
 public:
  // `options.uri` is "sqlite:PATH" or "sqlite::memory:". The file is created if missing (its
  // folder must exist). kCorruption when the file is not a SQLite database.
  static Result<std::unique_ptr<Database>> Open(const DatabaseOptions& options);
  ~SqliteDatabase() override;

  DatabaseEngine engine() const override { return DatabaseEngine::kSqlite; }
  Result<QueryResult> Execute(std::string_view sql, const std::vector<SqlValue>& params) override;
  using Database::Execute;

 protected:
  std::string_view BeginStatement() const override { return "BEGIN IMMEDIATE"; }

 private:
  SqliteDatabase(sqlite3* db, std::string description)
      : Database(std::move(description)), db_(db) {}
  Status Error(int rc, std::string_view sql) const;

  sqlite3* db_;
};

}  // namespace tarn
