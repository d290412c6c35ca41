// Opening a libpq connection the one way tarn does, for the metadata database and for
// PostgreSQL sources alike: the URI's own parameters (sslmode, sslrootcert, ...) apply, a
// password inside the URI is refused (passwords come only from secret references), and a
// failure is classified so that the caller can say what went wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/secret.h"
#include "base/status.h"

struct pg_conn;

namespace tarn {

// How the caller's errors read. Each prefix is followed by ": " and libpq's message;
// `password_in_uri` is the whole message.
struct PostgresErrorNames {
  std::string malformed_uri;    // kInvalidArgument
  std::string password_in_uri;  // kInvalidArgument
  std::string refused;          // kPermissionDenied: credentials or role refused
  std::string missing;          // kNotFound: no such database
  std::string unreachable;      // kUnavailable: everything else
};

// Connects to `uri` with `password` (when not empty), waiting at most `connect_timeout_s`.
// The connection uses UTF-8 and application_name tarn. The caller owns the result (PQfinish).
Result<pg_conn*> ConnectPostgres(const std::string& uri, const Secret& password,
                                 int64_t connect_timeout_s, const PostgresErrorNames& names);

// The first line of a libpq message, trailing spaces removed.
std::string PostgresFirstLine(const char* text);

// The Status code for a SQLSTATE: unique violations, constraint failures, serialization
// failures, lost connections, refused privileges; kInternal for the rest.
StatusCode CodeForSqlState(std::string_view state);

}  // namespace tarn
