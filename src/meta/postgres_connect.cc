#include "meta/postgres_connect.h"

#include <libpq-fe.h>

#include <vector>

namespace tarn {

std::string PostgresFirstLine(const char* text) {
  std::string line = text ? text : "";
  line = line.substr(0, line.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

StatusCode CodeForSqlState(std::string_view state) {
  if (state == "23505") return StatusCode::kAlreadyExists;
  if (state.starts_with("23")) return StatusCode::kFailedPrecondition;
  if (state == "40001" || state == "40P01") return StatusCode::kAborted;
  if (state.starts_with("08") || state.starts_with("53") || state.starts_with("57")) {
    return StatusCode::kUnavailable;
  }
  if (state == "42501" || state.starts_with("28")) return StatusCode::kPermissionDenied;
  return StatusCode::kInternal;
}

Result<pg_conn*> ConnectPostgres(const std::string& uri, const Secret& password,
                                 int64_t connect_timeout_s, const PostgresErrorNames& names) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(uri.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string message = PostgresFirstLine(parse_error);
    PQfreemem(parse_error);
    return Status::InvalidArgument(names.malformed_uri + ": " + message);
  }
  bool has_password = false;
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr && *o->val != '\0') {
      has_password = true;
    }
  }
  PQconninfoFree(parsed);
  if (has_password) return Status::InvalidArgument(names.password_in_uri);

  std::string timeout = std::to_string(connect_timeout_s);
  // Order matters: values after "dbname" override what the URI says, values before it don't.
  std::vector<const char*> keys = {"connect_timeout", "dbname", "application_name",
                                   "client_encoding"};
  std::vector<const char*> values = {timeout.c_str(), uri.c_str(), "tarn", "UTF8"};
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.Reveal().c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return Status::Internal("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PostgresFirstLine(PQerrorMessage(conn));
    bool refused = message.find("authentication failed") != std::string::npos ||
                   message.find("no password supplied") != std::string::npos ||
                   (message.find("role \"") != std::string::npos &&
                    message.find("does not exist") != std::string::npos) ||
                   PQconnectionNeedsPassword(conn);
    bool missing = message.find("database \"") != std::string::npos &&
                   message.find("does not exist") != std::string::npos;
    PQfinish(conn);
    if (refused) return Status::PermissionDenied(names.refused + ": " + message);
    if (missing) return Status::NotFound(names.missing + ": " + message);
    return Status::Unavailable(names.unreachable + ": " + message);
  }
  // Keep notices (e.g. "relation already exists, skipping") out of the user's terminal.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return conn;
}

}  // namespace tarn
