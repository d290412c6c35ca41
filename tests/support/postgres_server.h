// A throwaway PostgreSQL cluster on 127.0.0.1 for integration tests, made with initdb and
// pg_ctl (see shared/TESTING.md). As root, the cluster runs as the postgres user.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"

namespace tarn::testing {

class PostgresServer {
 public:
  // initdb + start; kUnavailable with the server log when it does not come up.
  static Result<std::unique_ptr<PostgresServer>> Start();
  ~PostgresServer();

  // A role that logs in only with its password (scram-sha-256); every other role is trusted.
  // Tests create it: CREATE ROLE tarn_password_role LOGIN PASSWORD '...'.
  static constexpr char kPasswordRole[] = "tarn_password_role";

  int port() const { return port_; }
  // The server's bin folder (psql, pg_dump, ... of the same version).
  const std::string& bin_dir() const { return bin_; }
  // "postgresql://postgres@127.0.0.1:PORT/DB"
  std::string Uri(const std::string& database = "postgres") const;
  // Creates an empty database and returns its URI.
  Result<std::string> CreateDatabase(const std::string& name);
  // Runs SQL through psql as the superuser; returns its stdout.
  Result<std::string> Psql(const std::string& database, const std::string& sql);

 private:
  PostgresServer(std::string dir, std::string bin, int port)
      : dir_(std::move(dir)), bin_(std::move(bin)), port_(port) {}
  std::string dir_;
  std::string bin_;
  int port_;
};

}  // namespace tarn::testing
