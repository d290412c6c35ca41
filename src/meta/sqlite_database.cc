#include "meta/sqlite_database.h"

#include <sqlite3.h>

#include <filesystem>

namespace tarn {
namespace {

struct StatementCloser {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementCloser>;

StatusCode CodeFor(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
      return StatusCode::kAlreadyExists;
    default:
      break;
  }
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT:
      return StatusCode::kFailedPrecondition;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return StatusCode::kUnavailable;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return StatusCode::kPermissionDenied;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kCorruption;
    default:
      return StatusCode::kInternal;
  }
}

}  // namespace

Result<std::unique_ptr<Database>> SqliteDatabase::Open(const DatabaseOptions& options) {
  std::string path = options.uri.substr(7);
  bool memory = path == ":memory:";
  if (path.empty())
    return Status::InvalidArgument("metadata database 'sqlite:': the path is empty");
  std::string description = "sqlite:" + path;
  if (!memory) {
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    if (!ec) path = absolute.lexically_normal().string();
    description = "sqlite:" + path;
  }
  sqlite3* handle = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &handle,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close(handle);
    return Status(CodeFor(rc), "cannot open metadata database '" + description + "': " + message);
  }
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(handle, description));
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, static_cast<int>(options.busy_timeout_ms));
  // The first statement reads the header, so this is where a foreign file is noticed.
  for (const char* pragma : {memory ? "PRAGMA journal_mode=MEMORY" : "PRAGMA journal_mode=WAL",
                             "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    Result<QueryResult> result = db->Execute(pragma);
    if (!result.ok()) return result.status();
  }
  return std::unique_ptr<Database>(std::move(db));
}

SqliteDatabase::~SqliteDatabase() { sqlite3_close_v2(db_); }

Status SqliteDatabase::Error(int rc, std::string_view sql) const {
  return Status(CodeFor(rc), "metadata database '" + description() + "': " + sqlite3_errmsg(db_) +
                                 " (in: " + SqlSnippet(sql) + ")");
}

Result<QueryResult> SqliteDatabase::Execute(std::string_view sql,
                                            const std::vector<SqlValue>& params) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  Statement stmt(raw);
  if (rc != SQLITE_OK) return Error(rc, sql);
  if (stmt == nullptr) return Status::InvalidArgument("empty SQL statement");
  for (const char* p = tail; p < sql.data() + sql.size(); ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != ';') {
      return Status::InvalidArgument("one SQL statement per call (in: " + SqlSnippet(sql) + ")");
    }
  }
  if (sqlite3_bind_parameter_count(stmt.get()) != static_cast<int>(params.size())) {
    return Status::Internal("statement has " +
                            std::to_string(sqlite3_bind_parameter_count(stmt.get())) +
                            " placeholders but " + std::to_string(params.size()) +
                            " values (in: " + SqlSnippet(sql) + ")");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i + 1);
    const SqlValue& value = params[i];
    if (std::holds_alternative<std::monostate>(value)) {
      rc = sqlite3_bind_null(stmt.get(), index);
    } else if (const int64_t* v = std::get_if<int64_t>(&value)) {
      rc = sqlite3_bind_int64(stmt.get(), index, *v);
    } else if (const double* d = std::get_if<double>(&value)) {
      rc = sqlite3_bind_double(stmt.get(), index, *d);
    } else if (const std::string* s = std::get_if<std::string>(&value)) {
      rc = sqlite3_bind_text64(stmt.get(), index, s->data(), s->size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
    } else {
      const std::string& bytes = std::get<Blob>(value).bytes;
      rc = sqlite3_bind_blob64(stmt.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) return Error(rc, sql);
  }

  QueryResult result;
  int columns = sqlite3_column_count(stmt.get());
  for (int c = 0; c < columns; ++c) result.columns.emplace_back(sqlite3_column_name(stmt.get(), c));
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    SqlRow row;
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt.get(), c)) {
        case SQLITE_INTEGER:
          row.emplace_back(int64_t{sqlite3_column_int64(stmt.get(), c)});
          break;
        case SQLITE_FLOAT:
          row.emplace_back(sqlite3_column_double(stmt.get(), c));
          break;
        case SQLITE_TEXT:
          row.emplace_back(
              std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), c)),
                          static_cast<size_t>(sqlite3_column_bytes(stmt.get(), c))));
          break;
        case SQLITE_BLOB: {
          const char* data = static_cast<const char*>(sqlite3_column_blob(stmt.get(), c));
          row.emplace_back(Blob{std::string(
              data ? data : "", static_cast<size_t>(sqlite3_column_bytes(stmt.get(), c)))});
          break;
        }
        default:
          row.emplace_back(std::monostate{});
      }
    }
    result.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return Error(rc, sql);
  if (!sqlite3_stmt_readonly(stmt.get())) result.rows_affected = sqlite3_changes64(db_);
  return result;
}

}  // namespace tarn
