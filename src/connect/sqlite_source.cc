#include "connect/sqlite_source.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

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

}  // namespace tarn
