#include "connect/postgres_source.h"

#include <libpq-fe.h>

#include <chrono>

#include "meta/postgres_connect.h"

namespace tarn {

Result<std::unique_ptr<Source>> PostgresSource::Open(const SourceConfig& config) {
  const std::string source = "source '" + config.name + "'";
  Secret password;
  if (config.password) {
    Result<Secret> resolved = config.password->Resolve();
    if (!resolved.ok()) {
      return resolved.status().WithContext("the password of " + source);
    }
    password = *std::move(resolved);
  }
  TARN_ASSIGN_OR_RETURN(
      PGconn * conn,
      ConnectPostgres(
          config.uri, password, config.connect_timeout_s,
          {source + ": the URI is malformed",
           source + ": the URI holds a password; use password: env:NAME or "
                    "file:PATH instead",
           source + ": the server refused the credentials", source, source + " is unreachable"}));
  return std::unique_ptr<Source>(new PostgresSource(config, conn));
}

PostgresSource::~PostgresSource() { PQfinish(conn_); }

Result<std::vector<PostgresSource::Row>> PostgresSource::Query(
    const std::string& what, const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  PGresult* result = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                  values.data(), nullptr, nullptr, /*resultFormat=*/0);
  if (PQresultStatus(result) != PGRES_TUPLES_OK && PQresultStatus(result) != PGRES_COMMAND_OK) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const std::string_view code = state ? state : "";
    std::string message = PostgresFirstLine(PQresultErrorMessage(result));
    if (message.empty()) message = PostgresFirstLine(PQerrorMessage(conn_));
    PQclear(result);
    const std::string full = what + " in source '" + config_.name + "': " + message;
    // Missing tables and schemas are the caller's mistake here, not an internal error.
    if (code == "42P01" || code == "3F000") return Status::NotFound(full);
    if (PQstatus(conn_) != CONNECTION_OK) return Status::Unavailable(full);
    return Status(CodeForSqlState(code), full);
  }
  std::vector<Row> rows;
  for (int r = 0; r < PQntuples(result); ++r) {
    Row row;
    for (int c = 0; c < PQnfields(result); ++c) {
      if (PQgetisnull(result, r, c)) {
        row.emplace_back();
      } else {
        row.emplace_back(
            std::string(PQgetvalue(result, r, c), static_cast<size_t>(PQgetlength(result, r, c))));
      }
    }
    rows.push_back(std::move(row));
  }
  PQclear(result);
  return rows;
}

Result<SourceInfo> PostgresSource::Probe() {
  SourceInfo info;
  auto start = std::chrono::steady_clock::now();
  TARN_RETURN_IF_ERROR(Query("a round trip", "SELECT 1").status());
  info.round_trip_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  TARN_ASSIGN_OR_RETURN(std::vector<Row> rows,
                        Query("reading the server version", "SELECT version(), current_user"));
  info.server = rows[0][0].value_or("");
  info.server = info.server.substr(0, info.server.find(" on "));  // drop the build platform
  info.user = rows[0][1].value_or("");
  return info;
}

Result<std::vector<SourceTableName>> PostgresSource::ListTables(const std::string& schema) {
  TARN_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      Query("listing tables",
            "SELECT n.nspname, c.relname, CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN "
            "'partitioned table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE "
            "'foreign table' END, has_schema_privilege(n.oid, 'USAGE') AND "
            "has_table_privilege(c.oid, 'SELECT') FROM pg_class c JOIN pg_namespace n ON n.oid "
            "= c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT "
            "c.relispartition AND "
            "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE "
            "'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' AND ($1 = '' OR n.nspname = $1) "
            "ORDER BY 1, 2",
            {schema}));
  std::vector<SourceTableName> tables;
  tables.reserve(rows.size());
  for (const Row& row : rows) {
    tables.push_back({row[0].value_or(""), row[1].value_or(""), row[2].value_or(""),
                      row[3].value_or("f") == "t"});
  }
  return tables;
}

std::optional<DataType> PostgresSource::MapType(const std::string& type_name, int typmod, char kind,
                                                char category, std::string* reason) {
  const std::string& t = type_name;
  if (t == "int2" || t == "int4") return DataType{TypeId::kInt};
  if (t == "int8" || t == "oid") return DataType{TypeId::kLong};
  if (t == "float4") return DataType{TypeId::kFloat};
  if (t == "float8") return DataType{TypeId::kDouble};
  if (t == "bool") return DataType{TypeId::kBoolean};
  if (t == "numeric") {
    if (typmod < 4) return DataType::Decimal(38, 18);  // unconstrained: as Spark maps it
    int precision = ((typmod - 4) >> 16) & 0xFFFF;
    int scale = (typmod - 4) & 0xFFFF;
    if (scale > 0x7FFF) scale -= 0x10000;  // PostgreSQL 15 allows negative scales
    if (precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision) {
      return DataType::Decimal(precision, scale);
    }
    *reason = "is numeric(" + std::to_string(precision) + "," + std::to_string(scale) +
              "), beyond the lake's decimal(38, s) with 0 <= s <= precision; cast it in a query";
    return std::nullopt;
  }
  if (t == "text" || t == "varchar" || t == "bpchar" || t == "name" || t == "json" ||
      t == "jsonb" || t == "char") {
    return DataType{TypeId::kString};
  }
  if (t == "bytea") return DataType{TypeId::kBinary};
  if (t == "date") return DataType{TypeId::kDate};
  if (t == "time") return DataType{TypeId::kTime};
  if (t == "timestamp") return DataType{TypeId::kTimestamp};
  if (t == "timestamptz") return DataType{TypeId::kTimestampTz};
  if (t == "uuid") return DataType{TypeId::kUuid};
  if (kind == 'e') return DataType{TypeId::kString};      // enums: their labels
  if (category == 'A') return DataType{TypeId::kString};  // arrays: JSON text
  *reason = "has type " + t + ", which tarn does not map; cast it in a query";
  return std::nullopt;
}

Result<SourceTable> PostgresSource::Describe(const std::string& text) {
  TARN_ASSIGN_OR_RETURN(SourceTableName name, ParseSourceTableName(text, "public"));
  const std::string what = "describing " + name.ToString();
  TARN_ASSIGN_OR_RETURN(
      std::vector<Row> rel,
      Query(what,
            "SELECT c.oid, CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned "
            "table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'foreign table' "
            "END, c.reltuples::bigint, has_schema_privilege(n.oid, 'USAGE') AND "
            "has_table_privilege(c.oid, 'SELECT') FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = "
            "$2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
            {name.schema, name.name}));
  if (rel.empty()) {
    return Status::NotFound("source '" + config_.name + "' has no table " + name.ToString());
  }
  const std::string oid = rel[0][0].value_or("0");
  name.kind = rel[0][1].value_or("table");
  SourceTable table;
  table.name = name;
  int64_t tuples = std::atoll(rel[0][2].value_or("-1").c_str());
  if (tuples >= 0) table.row_estimate = tuples;  // -1: never vacuumed or analyzed
  table.can_select = rel[0][3].value_or("f") == "t";

  TARN_ASSIGN_OR_RETURN(std::vector<Row> columns,
                        Query(what,
                              "SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
                              "COALESCE(b.typname, t.typname), COALESCE(b.typtype, t.typtype), "
                              "COALESCE(b.typcategory, t.typcategory), a.attnotnull, "
                              "CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END "
                              "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                              "LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype "
                              "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped "
                              "ORDER BY a.attnum",
                              {oid}));
  for (const Row& row : columns) {
    SourceColumn c;
    c.name = row[0].value_or("");
    c.source_type = row[1].value_or("");
    c.nullable = row[5].value_or("f") != "t";
    c.lake_type = MapType(row[2].value_or(""), std::atoi(row[6].value_or("-1").c_str()),
                          row[3].value_or("b")[0], row[4].value_or("U")[0], &c.unmapped_reason);
    table.columns.push_back(std::move(c));
  }
  TARN_ASSIGN_OR_RETURN(
      std::vector<Row> key,
      Query(what,
            "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH "
            "ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid AND "
            "a.attnum = k.attnum WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY k.ord",
            {oid}));
  for (const Row& row : key) table.primary_key.push_back(row[0].value_or(""));
  return table;
}

}  // namespace tarn
