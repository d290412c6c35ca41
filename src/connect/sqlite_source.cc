#include "connect/sqlite_source.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "columnar/value_text.h"

namespace tarn {
namespace {

using Row = std::vector<std::optional<std::string>>;

// The connection's last error as a Status: damaged files, busy databases, the rest.
Status Error(sqlite3* db, const std::string& what) {
  const int code = sqlite3_errcode(db);
  const std::string message = what + ": " + sqlite3_errmsg(db);
  if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) return Status::Corruption(message);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return Status::Unavailable(message);
  if (code == SQLITE_ERROR) return Status::InvalidArgument(message);
  return Status::Internal(message);
}

// Runs one metadata query with text parameters; every cell as text (NULL as nullopt).
Result<std::vector<Row>> Query(sqlite3* db, const std::string& what, const std::string& sql,
                               const std::vector<std::string>& params = {}) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    Status status = Error(db, what);
    sqlite3_finalize(stmt);
    return status;
  }
  for (size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].data(),
                      static_cast<int>(params[i].size()), SQLITE_TRANSIENT);
  }
  std::vector<Row> rows;
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      Status status = Error(db, what);
      sqlite3_finalize(stmt);
      return status;
    }
    Row row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char* text = sqlite3_column_text(stmt, c);
      if (text == nullptr) {
        row.emplace_back();
      } else {
        row.emplace_back(std::string(reinterpret_cast<const char*>(text),
                                     static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
      }
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  return rows;
}

// Prepares exactly one statement of `sql`; text after it (a second statement) is refused
// rather than ignored. The caller finalizes the statement.
Result<sqlite3_stmt*> PrepareOne(sqlite3* db, const std::string& sql, const std::string& what) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt, &tail) !=
      SQLITE_OK) {
    sqlite3_finalize(stmt);
    if (std::string_view(sqlite3_errmsg(db)).starts_with("no such")) {
      return Status::NotFound(what + ": " + sqlite3_errmsg(db));
    }
    return Error(db, what);
  }
  const std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
  if (stmt == nullptr || !TrimQuery(rest).empty()) {
    sqlite3_finalize(stmt);
    return Status::InvalidArgument(what + ": expected one statement" +
                                   (stmt == nullptr ? ", found none" : ", found more"));
  }
  return stmt;
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

}  // namespace

Result<std::unique_ptr<Source>> SqliteSource::Open(const SourceConfig& config) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(config.path, ec)) {
    return Status::NotFound("source '" + config.name + "': no SQLite database at '" + config.path +
                            "'");
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(config.path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::Unavailable("source '" + config.name + "': cannot open '" + config.path +
                               "': " + message);
  }
  sqlite3_busy_timeout(db, static_cast<int>(config.connect_timeout_s * 1000));
  std::unique_ptr<Source> source(new SqliteSource(config, db));
  // Reading the schema proves the file is a database.
  Result<std::vector<Row>> check = Query(db, "source '" + config.name + "' ('" + config.path + "')",
                                         "SELECT count(*) FROM sqlite_schema");
  if (!check.ok()) return check.status();
  return source;
}

SqliteSource::~SqliteSource() { sqlite3_close(db_); }

Result<SourceInfo> SqliteSource::Probe() {
  SourceInfo info;
  info.server = std::string("SQLite ") + sqlite3_libversion();
  auto start = std::chrono::steady_clock::now();
  TARN_RETURN_IF_ERROR(Query(db_, "source '" + config_.name + "'", "SELECT 1").status());
  info.round_trip_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return info;
}

Result<std::vector<SourceTableName>> SqliteSource::ListTables(const std::string& schema) {
  if (!schema.empty() && schema != "main") {
    return Status::NotFound("source '" + config_.name +
                            "' is SQLite, whose tables are all in schema 'main'");
  }
  TARN_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      Query(db_, "listing the tables of source '" + config_.name + "'",
            "SELECT name, type FROM main.sqlite_schema WHERE type IN ('table', 'view') AND "
            "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"));
  std::vector<SourceTableName> tables;
  tables.reserve(rows.size());
  for (const Row& row : rows) {
    tables.push_back({"main", row[0].value_or(""), row[1].value_or(""), true});
  }
  return tables;
}

std::optional<DataType> SqliteSource::MapType(const std::string& declared, std::string* reason) {
  const std::string t = Upper(declared);
  auto has = [&](const char* part) { return t.find(part) != std::string::npos; };
  if (t.empty()) {
    *reason = "has no declared type (SQLite allows any value); declare one, or cast it in a query";
    return std::nullopt;
  }
  if (has("BOOL")) return DataType{TypeId::kBoolean};
  if (has("DATETIME") || has("TIMESTAMP")) return DataType{TypeId::kTimestamp};
  if (t == "DATE") return DataType{TypeId::kDate};
  if (t == "TIME") return DataType{TypeId::kTime};
  if (has("INT")) return DataType{TypeId::kLong};  // SQLite integers are 64-bit
  if (has("CHAR") || has("CLOB") || has("TEXT") || t == "JSON" || t == "UUID") {
    return DataType{TypeId::kString};
  }
  if (has("BLOB")) return DataType{TypeId::kBinary};
  if (has("REAL") || has("FLOA") || has("DOUB")) return DataType{TypeId::kDouble};
  if (t.starts_with("DECIMAL") || t.starts_with("NUMERIC")) {
    int precision = 0, scale = 0;
    size_t open = t.find('(');
    if (open == std::string::npos) return DataType::Decimal(38, 18);  // as Spark maps it
    if (std::sscanf(t.c_str() + open, "(%d,%d)", &precision, &scale) == 2 ||
        std::sscanf(t.c_str() + open, "(%d)", &precision) == 1) {
      if (precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision) {
        return DataType::Decimal(precision, scale);
      }
    }
    *reason = "is " + declared + ", beyond the lake's decimal(38, s)";
    return std::nullopt;
  }
  *reason = "has type " + declared + ", which tarn does not map; cast it in a query";
  return std::nullopt;
}

Result<SourceTable> SqliteSource::Describe(const std::string& text) {
  TARN_ASSIGN_OR_RETURN(SourceTableName name, ParseSourceTableName(text, "main"));
  if (name.schema != "main") {
    return Status::NotFound("source '" + config_.name +
                            "' is SQLite, whose tables are all in schema 'main'");
  }
  const std::string what = "describing " + name.ToString() + " in source '" + config_.name + "'";
  TARN_ASSIGN_OR_RETURN(std::vector<Row> kind,
                        Query(db_, what,
                              "SELECT type FROM main.sqlite_schema WHERE name = ? AND type IN "
                              "('table', 'view')",
                              {name.name}));
  if (kind.empty()) {
    return Status::NotFound("source '" + config_.name + "' has no table '" + name.name + "'");
  }
  name.kind = kind[0][0].value_or("table");
  TARN_ASSIGN_OR_RETURN(
      std::vector<Row> columns,
      Query(db_, what,
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?, 'main') ORDER BY cid",
            {name.name}));
  SourceTable table;
  table.name = name;
  table.can_select = true;
  std::vector<std::pair<int, std::string>> key;
  for (const Row& row : columns) {
    SourceColumn c;
    c.name = row[0].value_or("");
    c.source_type = row[1].value_or("");
    int pk = std::atoi(row[3].value_or("0").c_str());
    c.nullable = row[2].value_or("0") == "0" && pk == 0;
    c.lake_type = MapType(c.source_type, &c.unmapped_reason);
    if (pk > 0) key.emplace_back(pk, c.name);
    table.columns.push_back(std::move(c));
  }
  std::sort(key.begin(), key.end());
  for (auto& [order, column] : key) table.primary_key.push_back(column);
  TARN_ASSIGN_OR_RETURN(std::string quoted, QuoteIdentifier(name.name));
  TARN_ASSIGN_OR_RETURN(std::vector<Row> count,
                        Query(db_, what, "SELECT count(*) FROM main." + quoted));
  table.row_estimate = std::atoll(count[0][0].value_or("0").c_str());
  return table;
}

Result<SourceTable> SqliteSource::DescribeQuery(const std::string& query) {
  const std::string what = "describing the query of source '" + config_.name + "'";
  const std::string_view trimmed = TrimQuery(query);
  if (trimmed.empty()) return Status::InvalidArgument(what + ": the query is empty");
  // Prepared alone first: one complete, read-only statement, so that wrapping it in a subquery
  // cannot change where it ends.
  TARN_ASSIGN_OR_RETURN(sqlite3_stmt * alone, PrepareOne(db_, std::string(trimmed), what));
  const bool reads = sqlite3_stmt_readonly(alone) != 0 && sqlite3_column_count(alone) > 0;
  // The names as the query gives them (a subquery would rename a second "id" to "id:1").
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(sqlite3_column_count(alone)));
  for (int i = 0; i < sqlite3_column_count(alone); ++i) {
    names.emplace_back(sqlite3_column_name(alone, i));
  }
  sqlite3_finalize(alone);
  if (!reads) return Status::InvalidArgument(what + ": it is not a SELECT statement");
  TARN_RETURN_IF_ERROR(CheckDistinctNames(names, what));
  TARN_ASSIGN_OR_RETURN(std::string from, FromClause(SourceRelation::Query(query), "main"));
  TARN_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, PrepareOne(db_, "SELECT * FROM " + from, what));
  SourceTable table;
  table.name = {"", "query", "query", true};
  table.can_select = true;
  for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
    SourceColumn c;
    c.name = sqlite3_column_name(stmt, i);
    const char* declared = sqlite3_column_decltype(stmt, i);
    if (declared == nullptr) {
      // SQLite types values, not expressions: only a table's column has a declared type.
      c.unmapped_reason =
          "is an expression, which has no declared type in SQLite; select a column of a table "
          "instead";
    } else {
      c.source_type = declared;
      c.lake_type = MapType(c.source_type, &c.unmapped_reason);
    }
    table.columns.push_back(std::move(c));
  }
  sqlite3_finalize(stmt);
  return table;
}

namespace {

class SqliteBatchReader final : public BatchReader {
 public:
  SqliteBatchReader(sqlite3* db, sqlite3_stmt* stmt, std::string source, ExtractRequest request)
      : db_(db), stmt_(stmt), source_(std::move(source)), request_(std::move(request)) {}
  ~SqliteBatchReader() override { sqlite3_finalize(stmt_); }

  Result<bool> Next(ColumnBatch* batch) override {
    for (size_t c = 0; c < batch->num_columns(); ++c) batch->column(c).Clear();
    while (!done_ && batch->num_rows() < request_.batch_rows) {
      const int rc = sqlite3_step(stmt_);
      if (rc == SQLITE_DONE) {
        done_ = true;
        break;
      }
      if (rc != SQLITE_ROW) {
        done_ = true;
        return Error(db_, "reading " + request_.relation.ToString() + " from " + source_);
      }
      const size_t row = batch->num_rows();
      for (size_t c = 0; c < request_.columns.size(); ++c) {
        Status status = Append(static_cast<int>(c), &batch->column(c));
        if (!status.ok()) {
          for (size_t k = 0; k <= c; ++k) batch->column(k).Truncate(row);
          return status;
        }
      }
      ++rows_;
    }
    return batch->num_rows() > 0;
  }

 private:
  Status Append(int c, Column* column) {
    const int kind = sqlite3_column_type(stmt_, c);
    if (kind == SQLITE_NULL) {
      column->AppendNull();
      return Status::OK();
    }
    const DataType& type = column->type();
    // Numbers count as 8 bytes: asking SQLite for their size would format them as text.
    bytes_read_ += kind == SQLITE_TEXT || kind == SQLITE_BLOB ? sqlite3_column_bytes(stmt_, c) : 8;
    switch (type.id) {
      case TypeId::kLong:
        if (kind == SQLITE_INTEGER) {
          column->AppendInt64(sqlite3_column_int64(stmt_, c));
          return Status::OK();
        }
        break;
      case TypeId::kDouble:
        if (kind == SQLITE_INTEGER || kind == SQLITE_FLOAT) {
          column->AppendDouble(sqlite3_column_double(stmt_, c));
          return Status::OK();
        }
        break;
      case TypeId::kBoolean:
        if (kind == SQLITE_INTEGER) {
          column->AppendBool(sqlite3_column_int64(stmt_, c) != 0);
          return Status::OK();
        }
        break;
      case TypeId::kString:
      case TypeId::kBinary: {
        const void* data =
            kind == SQLITE_BLOB ? sqlite3_column_blob(stmt_, c) : sqlite3_column_text(stmt_, c);
        column->AppendBytes(std::string_view(static_cast<const char*>(data),
                                             static_cast<size_t>(sqlite3_column_bytes(stmt_, c))));
        return Status::OK();
      }
      default:
        break;
    }
    // Everything else (dates and timestamps as text, decimals, a number stored as text) goes
    // through the text form, which checks it.
    const char* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    std::string_view value(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, c)));
    Status status = AppendText(value, type, column);
    if (!status.ok()) {
      return Status::InvalidArgument("column '" + request_.columns[c].name + "' of " +
                                     request_.relation.ToString() + " in " + source_ + ", row " +
                                     std::to_string(rows_ + 1) + ": " + status.message());
    }
    return Status::OK();
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string source_;
  ExtractRequest request_;
  int64_t rows_ = 0;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<BatchReader>> SqliteSource::Extract(const ExtractRequest& request) {
  if (request.columns.empty()) return Status::InvalidArgument("an extraction needs columns");
  std::string select;
  for (const SourceColumn& column : request.columns) {
    if (!column.lake_type) {
      return Status::InvalidArgument("column '" + column.name + "' (" + column.source_type +
                                     ") has no lake type: " + column.unmapped_reason);
    }
    TARN_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(column.name));
    select += (select.empty() ? "" : ", ") + q;
  }
  TARN_ASSIGN_OR_RETURN(std::string from, FromClause(request.relation, "main"));
  TARN_ASSIGN_OR_RETURN(std::string where, RangeCondition(request.ranges));
  TARN_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      PrepareOne(db_, "SELECT " + select + " FROM " + from + where,
                 "reading " + request.relation.ToString() + " from source '" + config_.name + "'"));
  return std::unique_ptr<BatchReader>(
      new SqliteBatchReader(db_, stmt, "source '" + config_.name + "'", request));
}

Result<std::optional<std::pair<int64_t, int64_t>>> SqliteSource::Bounds(
    const SourceRelation& relation, const ExtractRange& column,
    const std::vector<ExtractRange>& ranges) {
  if (!IsOrderable(column.type)) {
    return Status::InvalidArgument("column '" + column.column + "' is " + column.type.ToString() +
                                   ", which cannot be split into ranges; use an integer, date or "
                                   "timestamp column");
  }
  TARN_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(column.column));
  TARN_ASSIGN_OR_RETURN(std::string from, FromClause(relation, "main"));
  TARN_ASSIGN_OR_RETURN(std::string where, RangeCondition(ranges));
  const std::string what = "finding the bounds of " + column.column + " in " + relation.ToString() +
                           " of source '" + config_.name + "'";
  TARN_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      Query(db_, what, "SELECT min(" + q + "), max(" + q + ") FROM " + from + where));
  if (rows.empty() || !rows[0][0] || !rows[0][1]) return std::nullopt;
  TARN_ASSIGN_OR_RETURN(int64_t low, ParseOrderable(column.type, *rows[0][0]));
  TARN_ASSIGN_OR_RETURN(int64_t high, ParseOrderable(column.type, *rows[0][1]));
  return std::make_pair(low, high);
}

}  // namespace tarn
