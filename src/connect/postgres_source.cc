#include "connect/postgres_source.h"

#include <libpq-fe.h>

#include <chrono>
#include <cstring>

#include "meta/postgres_connect.h"

namespace tarn {

namespace {

// The error of a failed `result` on `conn`, as "<context>: <server's first line>": missing
// tables, schemas and columns are kNotFound, a query the server refuses (syntax, types, an
// unsupported construct) kInvalidArgument, a write in the read-only session
// kFailedPrecondition: the caller's mistakes, not internal errors. A broken connection is
// kUnavailable, the rest by SQLSTATE. The caller still owns `result`.
Status ResultError(pg_conn* conn, const PGresult* result, const std::string& context) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string_view code = state ? state : "";
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = PostgresFirstLine(primary ? primary : PQresultErrorMessage(result));
  if (message.empty()) message = PostgresFirstLine(PQerrorMessage(conn));
  const std::string full = context + ": " + message;
  if (code == "42P01" || code == "3F000" || code == "42703") return Status::NotFound(full);
  if (PQstatus(conn) != CONNECTION_OK) return Status::Unavailable(full);
  if ((code.starts_with("42") && code != "42501") || code.starts_with("0A") ||
      code.starts_with("22")) {
    return Status::InvalidArgument(full);
  }
  if (code == "25006") return Status::FailedPrecondition(full);
  return Status(CodeForSqlState(code), full);
}

}  // namespace

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
  std::unique_ptr<PostgresSource> opened(new PostgresSource(config, conn));
  // tarn only reads a source: a job's query cannot write through this session either.
  TARN_RETURN_IF_ERROR(opened
                           ->Query("starting a read-only session",
                                   "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                           .status());
  return std::unique_ptr<Source>(std::move(opened));
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
    Status error = ResultError(conn_, result, what + " in source '" + config_.name + "'");
    PQclear(result);
    return error;
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

SourceColumn PostgresSource::ColumnFromCatalog(const Row& row) {
  SourceColumn c;
  c.name = row[0].value_or("");
  c.source_type = row[1].value_or("");
  c.nullable = row[5].value_or("f") != "t";
  const char kind = row[3].value_or("b")[0], category = row[4].value_or("U")[0];
  c.lake_type = MapType(row[2].value_or(""), std::atoi(row[6].value_or("-1").c_str()), kind,
                        category, &c.unmapped_reason);
  c.read_as = kind == 'e' ? "enum" : category == 'A' ? "array" : row[2].value_or("");
  return c;
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
  for (const Row& row : columns) table.columns.push_back(ColumnFromCatalog(row));
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

Result<SourceTable> PostgresSource::DescribeQuery(const std::string& query) {
  const std::string what = "describing the query of source '" + config_.name + "'";
  // Prepared alone first: one complete statement (PQprepare refuses two), so that wrapping it
  // in a subquery cannot change where it ends.
  auto prepare = [&](const std::string& sql) -> Status {
    PGresult* result = PQprepare(conn_, "", sql.c_str(), 0, nullptr);
    Status status = PQresultStatus(result) == PGRES_COMMAND_OK ? Status::OK()
                                                               : ResultError(conn_, result, what);
    PQclear(result);
    return status;
  };
  const std::string_view trimmed = TrimQuery(query);
  if (trimmed.empty()) return Status::InvalidArgument(what + ": the query is empty");
  TARN_RETURN_IF_ERROR(prepare(std::string(trimmed)));
  TARN_ASSIGN_OR_RETURN(std::string from, FromClause(SourceRelation::Query(query), "public"));
  TARN_RETURN_IF_ERROR(prepare("SELECT * FROM " + from));
  PGresult* described = PQdescribePrepared(conn_, "");
  if (PQresultStatus(described) != PGRES_COMMAND_OK) {
    Status error = ResultError(conn_, described, what);
    PQclear(described);
    return error;
  }
  std::vector<std::string> names;
  std::string oids = "{", typmods = "{";
  for (int i = 0; i < PQnfields(described); ++i) {
    names.emplace_back(PQfname(described, i));
    oids += (i > 0 ? "," : "") + std::to_string(PQftype(described, i));
    typmods += (i > 0 ? "," : "") + std::to_string(PQfmod(described, i));
  }
  PQclear(described);
  TARN_RETURN_IF_ERROR(CheckDistinctNames(names, what));
  // The same catalog facts as Describe reads for a table, by type oid and modifier.
  TARN_ASSIGN_OR_RETURN(
      std::vector<Row> types,
      Query(what,
            "SELECT format_type(t.oid, c.typmod), COALESCE(b.typname, t.typname), "
            "COALESCE(b.typtype, t.typtype), COALESCE(b.typcategory, t.typcategory), "
            "CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE c.typmod END FROM "
            "unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS c(oid, typmod, ord) JOIN pg_type t "
            "ON t.oid = c.oid LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype "
            "ORDER BY c.ord",
            {oids + "}", typmods + "}"}));
  if (types.size() != names.size()) {
    return Status::Internal(what + ": the catalog lacks a column's type");
  }
  SourceTable table;
  table.name = {"", "query", "query", true};
  table.can_select = true;
  for (size_t i = 0; i < names.size(); ++i) {
    const Row& t = types[i];
    table.columns.push_back(ColumnFromCatalog({names[i], t[0], t[1], t[2], t[3], "f", t[4]}));
  }
  return table;
}

namespace {

// How a column arrives in COPY's binary format (after the cast Extract may add).
enum class Wire {
  kInt2,
  kInt4,
  kInt8,
  kFloat4,
  kFloat8,
  kBool,
  kNumeric,
  kDate,
  kTime,
  kTimestamp,
  kUuid,
  kBytes
};

struct ReadPlan {
  std::string expression;  // the SELECT list entry
  Wire wire;
};

Result<ReadPlan> PlanRead(const SourceColumn& column) {
  TARN_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(column.name));
  const std::string& t = column.read_as;
  if (t == "array") return ReadPlan{"to_json(" + q + ")::text", Wire::kBytes};
  if (t == "enum" || t == "json" || t == "jsonb") return ReadPlan{q + "::text", Wire::kBytes};
  if (t == "oid") return ReadPlan{q + "::int8", Wire::kInt8};
  if (t == "int2") return ReadPlan{q, Wire::kInt2};
  if (t == "int4") return ReadPlan{q, Wire::kInt4};
  if (t == "int8") return ReadPlan{q, Wire::kInt8};
  if (t == "float4") return ReadPlan{q, Wire::kFloat4};
  if (t == "float8") return ReadPlan{q, Wire::kFloat8};
  if (t == "bool") return ReadPlan{q, Wire::kBool};
  if (t == "numeric") return ReadPlan{q, Wire::kNumeric};
  if (t == "date") return ReadPlan{q, Wire::kDate};
  if (t == "time") return ReadPlan{q, Wire::kTime};
  if (t == "timestamp" || t == "timestamptz") return ReadPlan{q, Wire::kTimestamp};
  if (t == "uuid") return ReadPlan{q, Wire::kUuid};
  if (t == "text" || t == "varchar" || t == "bpchar" || t == "name" || t == "char" ||
      t == "bytea") {
    return ReadPlan{q, Wire::kBytes};
  }
  return Status::InvalidArgument("column '" + column.name + "' (" + column.source_type +
                                 ") has no lake type: " + column.unmapped_reason);
}

// Fixed byte lengths of the binary wire formats; 0 for variable.
size_t WireLength(Wire wire) {
  switch (wire) {
    case Wire::kInt2:
      return 2;
    case Wire::kInt4:
    case Wire::kFloat4:
    case Wire::kDate:
      return 4;
    case Wire::kInt8:
    case Wire::kFloat8:
    case Wire::kTime:
    case Wire::kTimestamp:
      return 8;
    case Wire::kBool:
      return 1;
    case Wire::kUuid:
      return 16;
    default:
      return 0;
  }
}

inline uint16_t Be16(const char* p) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[0]) << 8) | static_cast<uint8_t>(p[1]));
}
inline uint32_t Be32(const char* p) { return (uint32_t{Be16(p)} << 16) | Be16(p + 2); }
inline uint64_t Be64(const char* p) { return (uint64_t{Be32(p)} << 32) | Be32(p + 4); }

constexpr int64_t kPostgresEpochDays = 10957;  // 2000-01-01 in days since 1970-01-01
constexpr int64_t kPostgresEpochMicros = kPostgresEpochDays * 86400 * int64_t{1000000};

Int128 Pow10(int n) {
  Int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// PostgreSQL's binary numeric (base-10000 digits with a weight) as the unscaled value of
// decimal(precision, scale), rounding half away from zero past `scale` digits.
Status DecodeNumeric(std::string_view data, const DataType& type, Int128* out) {
  if (data.size() < 8) return Status::Corruption("a numeric value is truncated");
  const int ndigits = static_cast<int16_t>(Be16(data.data()));
  const int weight = static_cast<int16_t>(Be16(data.data() + 2));
  const uint16_t sign = Be16(data.data() + 4);
  if (ndigits < 0 || data.size() != 8 + 2 * static_cast<size_t>(ndigits)) {
    return Status::Corruption("a numeric value has a bad length");
  }
  if (sign == 0xC000) return Status::InvalidArgument("NaN has no decimal value");
  if (sign == 0xD000 || sign == 0xF000) {
    return Status::InvalidArgument("infinity has no decimal value");
  }
  const Int128 limit = Pow10(type.precision);
  Int128 value = 0;
  bool round_up = false;
  for (int i = 0; i < ndigits; ++i) {
    const int digit = Be16(data.data() + 8 + 2 * static_cast<size_t>(i));
    if (digit > 9999) return Status::Corruption("a numeric digit is out of range");
    const int exponent = 4 * (weight - i) + type.scale;  // of this digit in the unscaled value
    if (exponent >= 0) {
      if (digit == 0) continue;
      if (exponent >= type.precision || digit > (limit - 1 - value) / Pow10(exponent)) {
        return Status::InvalidArgument("does not fit decimal(" + std::to_string(type.precision) +
                                       "," + std::to_string(type.scale) + ")");
      }
      value += digit * Pow10(exponent);
    } else if (exponent > -4) {
      const int divisor = static_cast<int>(Pow10(-exponent));
      value += digit / divisor;
      round_up = (digit % divisor) * 10 / divisor >= 5;
    } else if (exponent == -4) {
      round_up = digit / 1000 >= 5;
    }
  }
  if (round_up) ++value;
  if (value >= limit) {
    return Status::InvalidArgument("does not fit decimal(" + std::to_string(type.precision) + "," +
                                   std::to_string(type.scale) + ")");
  }
  *out = sign == 0x4000 ? -value : value;
  return Status::OK();
}

// The text of a numeric for an error message.
std::string NumericText(std::string_view data) {
  if (data.size() < 8) return "?";
  const int ndigits = static_cast<int16_t>(Be16(data.data()));
  const int weight = static_cast<int16_t>(Be16(data.data() + 2));
  std::string text = Be16(data.data() + 4) == 0x4000 ? "-" : "";
  if (weight < 0) text += "0." + std::string(4 * static_cast<size_t>(-weight - 1), '0');
  for (int i = 0; i < ndigits && 8 + 2 * static_cast<size_t>(i) + 2 <= data.size(); ++i) {
    std::string group = std::to_string(Be16(data.data() + 8 + 2 * static_cast<size_t>(i)));
    if (i > 0 || weight < 0) group.insert(0, 4 - group.size(), '0');
    if (i == weight + 1) text += '.';
    text += group;
  }
  for (int i = ndigits; i <= weight; ++i) text += "0000";
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

class PostgresBatchReader final : public BatchReader {
 public:
  PostgresBatchReader(pg_conn* conn, std::string source, ExtractRequest request,
                      std::vector<Wire> wires)
      : conn_(conn),
        source_(std::move(source)),
        request_(std::move(request)),
        wires_(std::move(wires)) {}
  ~PostgresBatchReader() override {
    if (done_) return;
    // Stop the server and drain, so the connection is usable (or at least closable) again.
    if (PGcancel* cancel = PQgetCancel(conn_)) {
      char error[256];
      PQcancel(cancel, error, sizeof(error));
      PQfreeCancel(cancel);
    }
    char* chunk = nullptr;
    while (PQgetCopyData(conn_, &chunk, 0) > 0) PQfreemem(chunk);
    while (PGresult* result = PQgetResult(conn_)) PQclear(result);
  }

  Result<bool> Next(ColumnBatch* batch) override {
    for (size_t c = 0; c < batch->num_columns(); ++c) batch->column(c).Clear();
    if (done_) return false;
    while (batch->num_rows() < request_.batch_rows) {
      TARN_ASSIGN_OR_RETURN(bool row, ReadRow(batch));
      if (!row) break;
    }
    return batch->num_rows() > 0;
  }

 private:
  // Makes `need` bytes available from `pos_`; false at the end of the data.
  Result<bool> Ensure(size_t need) {
    while (buffer_.size() - pos_ < need) {
      if (pos_ > 0) {
        buffer_.erase(0, pos_);
        pos_ = 0;
      }
      char* chunk = nullptr;
      const int n = PQgetCopyData(conn_, &chunk, 0);
      if (n > 0) {
        buffer_.append(chunk, static_cast<size_t>(n));
        bytes_read_ += n;
        PQfreemem(chunk);
        continue;
      }
      if (n == -2) return Failure();
      // The end: the command's own result says whether it succeeded.
      TARN_RETURN_IF_ERROR(Finish());
      return false;
    }
    return true;
  }

  Status Failure() {
    done_ = true;
    std::string message = PostgresFirstLine(PQerrorMessage(conn_));
    while (PGresult* result = PQgetResult(conn_)) PQclear(result);
    if (PQstatus(conn_) != CONNECTION_OK) {
      return Status::Unavailable("reading " + request_.relation.ToString() + " from " + source_ +
                                 ": the connection broke: " + message);
    }
    return Status::Internal("reading " + request_.relation.ToString() + " from " + source_ + ": " +
                            message);
  }

  Status Finish() {
    done_ = true;
    Status status;
    while (PGresult* result = PQgetResult(conn_)) {
      if (PQresultStatus(result) != PGRES_COMMAND_OK && status.ok()) {
        status = ResultError(conn_, result,
                             "reading " + request_.relation.ToString() + " from " + source_);
      }
      PQclear(result);
    }
    if (status.ok() && !trailer_) {
      return Status::Corruption("reading " + request_.relation.ToString() + " from " + source_ +
                                ": the COPY data ended without its trailer");
    }
    return status;
  }

  Status Corrupt(const std::string& what) {
    return Status::Corruption("reading " + request_.relation.ToString() + " from " + source_ +
                              ": malformed COPY data: " + what);
  }

  Result<bool> ReadRow(ColumnBatch* batch) {
    if (!header_) {
      static constexpr char kSignature[] = "PGCOPY\n\377\r\n";
      TARN_ASSIGN_OR_RETURN(bool more, Ensure(19));
      if (!more) return Corrupt("no header");
      if (std::memcmp(buffer_.data() + pos_, kSignature, 11) != 0) return Corrupt("bad signature");
      const uint32_t extension = Be32(buffer_.data() + pos_ + 15);
      TARN_ASSIGN_OR_RETURN(more, Ensure(19 + size_t{extension}));
      if (!more) return Corrupt("a truncated header");
      pos_ += 19 + extension;
      header_ = true;
    }
    TARN_ASSIGN_OR_RETURN(bool more, Ensure(2));
    if (!more) return false;
    const int16_t fields = static_cast<int16_t>(Be16(buffer_.data() + pos_));
    if (fields == -1) {
      pos_ += 2;
      trailer_ = true;
      TARN_ASSIGN_OR_RETURN(more, Ensure(1));  // reads to the end and checks the result
      if (more) return Corrupt("data after the trailer");
      return false;
    }
    if (fields != static_cast<int16_t>(wires_.size())) {
      return Corrupt("a row of " + std::to_string(fields) + " fields, expected " +
                     std::to_string(wires_.size()));
    }
    // The whole row first, so a row is never half-appended.
    size_t length = 2;
    for (size_t c = 0; c < wires_.size(); ++c) {
      TARN_ASSIGN_OR_RETURN(more, Ensure(length + 4));
      if (!more) return Corrupt("a truncated row");
      const int32_t n = static_cast<int32_t>(Be32(buffer_.data() + pos_ + length));
      length += 4 + (n > 0 ? static_cast<size_t>(n) : 0);
    }
    TARN_ASSIGN_OR_RETURN(more, Ensure(length));
    if (!more) return Corrupt("a truncated row");
    const char* p = buffer_.data() + pos_ + 2;
    const size_t row = batch->num_rows();
    for (size_t c = 0; c < wires_.size(); ++c) {
      const int32_t n = static_cast<int32_t>(Be32(p));
      p += 4;
      Column& column = batch->column(c);
      if (n < 0) {
        column.AppendNull();
        continue;
      }
      Status status = Append(c, std::string_view(p, static_cast<size_t>(n)), &column);
      if (!status.ok()) {
        for (size_t k = 0; k <= c; ++k) batch->column(k).Truncate(row);
        return status;
      }
      p += n;
    }
    pos_ += length;
    return true;
  }

  Status Append(size_t c, std::string_view v, Column* column) {
    const Wire wire = wires_[c];
    const size_t fixed = WireLength(wire);
    if (fixed != 0 && v.size() != fixed) {
      return Corrupt("column '" + request_.columns[c].name + "' has a value of " +
                     std::to_string(v.size()) + " bytes");
    }
    const char* p = v.data();
    const bool wide = column->type().id != TypeId::kInt;
    auto integer = [&](int64_t value) {
      wide ? column->AppendInt64(value) : column->AppendInt32(static_cast<int32_t>(value));
    };
    switch (wire) {
      case Wire::kInt2:
        integer(static_cast<int16_t>(Be16(p)));
        return Status::OK();
      case Wire::kInt4:
        integer(static_cast<int32_t>(Be32(p)));
        return Status::OK();
      case Wire::kInt8:
        integer(static_cast<int64_t>(Be64(p)));
        return Status::OK();
      case Wire::kFloat4: {
        uint32_t bits = Be32(p);
        float value;
        std::memcpy(&value, &bits, 4);
        column->AppendFloat(value);
        return Status::OK();
      }
      case Wire::kFloat8: {
        uint64_t bits = Be64(p);
        double value;
        std::memcpy(&value, &bits, 8);
        column->AppendDouble(value);
        return Status::OK();
      }
      case Wire::kBool:
        column->AppendBool(p[0] != 0);
        return Status::OK();
      case Wire::kNumeric: {
        Int128 unscaled = 0;
        Status status = DecodeNumeric(v, column->type(), &unscaled);
        if (!status.ok()) {
          return Status(status.code(), "column '" + request_.columns[c].name + "' of " +
                                           request_.relation.ToString() + " in " + source_ +
                                           ": value " + NumericText(v) + " " + status.message());
        }
        column->AppendDecimal(unscaled);
        return Status::OK();
      }
      case Wire::kDate: {
        const int32_t days = static_cast<int32_t>(Be32(p));
        if (days == INT32_MAX || days == INT32_MIN) return Infinite(c);
        column->AppendInt32(static_cast<int32_t>(days + kPostgresEpochDays));
        return Status::OK();
      }
      case Wire::kTime:
        column->AppendInt64(static_cast<int64_t>(Be64(p)));
        return Status::OK();
      case Wire::kTimestamp: {
        const int64_t micros = static_cast<int64_t>(Be64(p));
        if (micros == INT64_MAX || micros == INT64_MIN) return Infinite(c);
        column->AppendInt64(micros + kPostgresEpochMicros);
        return Status::OK();
      }
      case Wire::kUuid:
      case Wire::kBytes:
        column->AppendBytes(v);
        return Status::OK();
    }
    return Status::OK();
  }

  Status Infinite(size_t c) {
    return Status::InvalidArgument("column '" + request_.columns[c].name + "' of " +
                                   request_.relation.ToString() + " in " + source_ +
                                   " holds infinity, which the lake's dates and timestamps "
                                   "cannot hold; filter or cast it in a query");
  }

  pg_conn* conn_;
  std::string source_;
  ExtractRequest request_;
  std::vector<Wire> wires_;
  std::string buffer_;
  size_t pos_ = 0;
  bool header_ = false;
  bool trailer_ = false;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<BatchReader>> PostgresSource::Extract(const ExtractRequest& request) {
  if (request.columns.empty()) return Status::InvalidArgument("an extraction needs columns");
  std::string select;
  std::vector<Wire> wires;
  for (const SourceColumn& column : request.columns) {
    TARN_ASSIGN_OR_RETURN(ReadPlan plan, PlanRead(column));
    select += (select.empty() ? "" : ", ") + plan.expression;
    wires.push_back(plan.wire);
  }
  TARN_ASSIGN_OR_RETURN(std::string from, FromClause(request.relation, "public"));
  TARN_ASSIGN_OR_RETURN(std::string where, RangeCondition(request.ranges));
  const std::string sql =
      "COPY (SELECT " + select + " FROM " + from + where + ") TO STDOUT (FORMAT binary)";
  // The extended protocol runs exactly one statement, whatever a query holds.
  PGresult* result = PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
  if (PQresultStatus(result) != PGRES_COPY_OUT) {
    Status error = ResultError(
        conn_, result,
        "reading " + request.relation.ToString() + " from source '" + config_.name + "'");
    PQclear(result);
    return error;
  }
  PQclear(result);
  return std::unique_ptr<BatchReader>(
      new PostgresBatchReader(conn_, "source '" + config_.name + "'", request, std::move(wires)));
}

Result<std::optional<std::pair<int64_t, int64_t>>> PostgresSource::Bounds(
    const SourceRelation& relation, const ExtractRange& column,
    const std::vector<ExtractRange>& ranges) {
  TARN_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(column.column));
  std::string units;
  switch (column.type.id) {
    case TypeId::kInt:
    case TypeId::kLong:
      units = q + "::int8";
      break;
    case TypeId::kDate:
      units = "(" + q + " - DATE '1970-01-01')::int8";
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      units = "floor(extract(epoch FROM " + q + ") * 1000000)::int8";
      break;
    default:
      return Status::InvalidArgument("column '" + column.column + "' is " + column.type.ToString() +
                                     ", which cannot be split into ranges; use an integer, date "
                                     "or timestamp column");
  }
  TARN_ASSIGN_OR_RETURN(std::string from, FromClause(relation, "public"));
  TARN_ASSIGN_OR_RETURN(std::string where, RangeCondition(ranges));
  TARN_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      Query("finding the bounds of " + column.column + " in " + relation.ToString(),
            "SELECT min(" + units + "), max(" + units + ") FROM " + from + where));
  if (rows.empty() || !rows[0][0] || !rows[0][1]) return std::nullopt;
  return std::make_pair(std::stoll(*rows[0][0]), std::stoll(*rows[0][1]));
}

}  // namespace tarn
