#include "meta/database.h"

#include "meta/migrations.h"
#include "meta/postgres_database.h"
#include "meta/sqlite_database.h"

namespace tarn {
namespace {

Status CellError(size_t row, size_t column, std::string_view want) {
  return Status::Internal("metadata row " + std::to_string(row) + " column " +
                          std::to_string(column) + " is not " + std::string(want));
}

}  // namespace

Result<int64_t> QueryResult::GetInt(size_t row, size_t column) const {
  if (row >= rows.size() || column >= rows[row].size()) return CellError(row, column, "present");
  if (const int64_t* v = std::get_if<int64_t>(&rows[row][column])) return *v;
  return CellError(row, column, "an integer");
}

Result<std::string> QueryResult::GetString(size_t row, size_t column) const {
  if (row >= rows.size() || column >= rows[row].size()) return CellError(row, column, "present");
  if (const std::string* v = std::get_if<std::string>(&rows[row][column])) return *v;
  return CellError(row, column, "text");
}

bool QueryResult::IsNull(size_t row, size_t column) const {
  return row < rows.size() && column < rows[row].size() &&
         std::holds_alternative<std::monostate>(rows[row][column]);
}

Result<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  std::unique_ptr<Database> db;
  if (options.uri.starts_with("sqlite:")) {
    TARN_ASSIGN_OR_RETURN(db, SqliteDatabase::Open(options));
  } else if (options.uri.starts_with("postgresql://") || options.uri.starts_with("postgres://")) {
    TARN_ASSIGN_OR_RETURN(db, PostgresDatabase::Open(options));
  } else {
    return Status::InvalidArgument("metadata database '" + options.uri +
                                   "': expected sqlite:PATH or postgresql://...");
  }
  if (options.migrate) {
    Status status = Migrate(*db);
    if (!status.ok()) return status.WithContext("metadata database '" + db->description() + "'");
  }
  return db;
}

Status Database::Transaction(const std::function<Status()>& body) {
  if (in_transaction_) {
    return Status::FailedPrecondition("a metadata transaction is already open on this connection");
  }
  TARN_RETURN_IF_ERROR(Execute(BeginStatement()).status());
  in_transaction_ = true;
  Status status = body();
  in_transaction_ = false;
  if (!status.ok()) {
    (void)Execute("ROLLBACK");  // the body's error is what the caller needs to see
    return status;
  }
  Result<QueryResult> commit = Execute("COMMIT");
  if (!commit.ok()) {
    (void)Execute("ROLLBACK");
    return commit.status();
  }
  return Status::OK();
}

std::string SqlSnippet(std::string_view sql) {
  std::string_view first = sql.substr(0, sql.find('\n'));
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  if (first.size() > 60) return std::string(first.substr(0, 60)) + "...";
  return std::string(first);
}

}  // namespace tarn
