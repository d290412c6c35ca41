#include "meta/postgres_database.h"

#include <libpq-fe.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "meta/postgres_connect.h"

namespace tarn {
namespace {

// libpq type oids (from pg_type.h).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;

std::string DoubleText(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

}  // namespace

std::string ToPostgresPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  char quote = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote re-enters at once: still correct
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += "$" + std::to_string(next++);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::unique_ptr<Database>> PostgresDatabase::Open(const DatabaseOptions& options) {
  const std::string cannot = "cannot connect to metadata database '" + options.uri + "'";
  TARN_ASSIGN_OR_RETURN(
      PGconn * conn,
      ConnectPostgres(options.uri, options.password, options.connect_timeout_s,
                      {"metadata database URI is malformed",
                       "metadata database URI contains a password; remove it and set "
                       "metadata.password to env:NAME or file:PATH",
                       cannot, cannot, cannot}));
  return std::unique_ptr<Database>(new PostgresDatabase(conn, options.uri));
}

PostgresDatabase::~PostgresDatabase() { PQfinish(conn_); }

Result<QueryResult> PostgresDatabase::Execute(std::string_view sql,
                                              const std::vector<SqlValue>& params) {
  std::string text = ToPostgresPlaceholders(sql);
  std::vector<std::string> storage(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0);
  std::vector<int> formats(params.size(), 0);
  std::vector<Oid> types(params.size(), 0);  // 0: the server infers the type from context
  for (size_t i = 0; i < params.size(); ++i) {
    const SqlValue& value = params[i];
    if (std::holds_alternative<std::monostate>(value)) continue;
    if (const int64_t* v = std::get_if<int64_t>(&value)) {
      storage[i] = std::to_string(*v);
    } else if (const double* d = std::get_if<double>(&value)) {
      storage[i] = DoubleText(*d);
    } else if (const std::string* s = std::get_if<std::string>(&value)) {
      storage[i] = *s;
    } else {
      storage[i] = std::get<Blob>(value).bytes;
      formats[i] = 1;
      types[i] = kByteaOid;
    }
    values[i] = storage[i].data();
    lengths[i] = static_cast<int>(storage[i].size());
  }
  PGresult* res = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), types.data(),
                               values.data(), lengths.data(), formats.data(), /*resultFormat=*/0);
  std::unique_ptr<PGresult, void (*)(PGresult*)> guard(res, PQclear);
  ExecStatusType status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    StatusCode code = state ? CodeForSqlState(state)
                            : (PQstatus(conn_) == CONNECTION_BAD ? StatusCode::kUnavailable
                                                                 : StatusCode::kInternal);
    std::string message =
        PostgresFirstLine(res ? PQresultErrorMessage(res) : PQerrorMessage(conn_));
    if (message.empty()) message = PostgresFirstLine(PQerrorMessage(conn_));
    return Status(code, "metadata database '" + description() + "': " + message +
                            " (in: " + SqlSnippet(sql) + ")");
  }

  QueryResult result;
  const char* affected = PQcmdTuples(res);
  result.rows_affected = (affected && *affected) ? std::strtoll(affected, nullptr, 10) : 0;
  int columns = PQnfields(res);
  int rows = PQntuples(res);
  for (int c = 0; c < columns; ++c) result.columns.emplace_back(PQfname(res, c));
  result.rows.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    SqlRow row;
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(res, r, c)) {
        row.emplace_back(std::monostate{});
        continue;
      }
      const char* cell = PQgetvalue(res, r, c);
      switch (PQftype(res, c)) {
        case kBoolOid:
          row.emplace_back(int64_t{cell[0] == 't' ? 1 : 0});
          break;
        case kInt2Oid:
        case kInt4Oid:
        case kInt8Oid:
        case kOidOid:
          row.emplace_back(int64_t{std::strtoll(cell, nullptr, 10)});
          break;
        case kFloat4Oid:
        case kFloat8Oid:
          row.emplace_back(std::strtod(cell, nullptr));
          break;
        case kByteaOid: {
          size_t length = 0;
          unsigned char* bytes =
              PQunescapeBytea(reinterpret_cast<const unsigned char*>(cell), &length);
          row.emplace_back(Blob{std::string(reinterpret_cast<char*>(bytes), length)});
          PQfreemem(bytes);
          break;
        }
        default:
          row.emplace_back(std::string(cell, static_cast<size_t>(PQgetlength(res, r, c))));
      }
    }
    result.rows.push_back(std::move(row));
  }
  return result;
}

}  // namespace tarn
