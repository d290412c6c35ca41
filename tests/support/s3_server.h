// A real S3-compatible server on 127.0.0.1 for integration tests: @20minutes/s3rver 4.0.4 from
// the project's node_modules, which verifies SigV4 signatures (credentials S3RVER / S3RVER).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "base/status.h"
#include "store/s3/s3_store.h"
#include "subprocess.h"

namespace tarn::testing {

class S3Server {
 public:
  static constexpr char kBucket[] = "tarn-test";
  static constexpr char kAccessKey[] = "S3RVER";
  static constexpr char kSecretKey[] = "S3RVER";

  // Starts the server with the bucket kBucket. kUnavailable when it does not come up.
  static Result<std::unique_ptr<S3Server>> Start();
  ~S3Server();

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Options that reach this server with the right credentials, path-style.
  S3Options Options() const;

 private:
  S3Server(pid_t pid, int port, std::unique_ptr<TempDir> dir)
      : pid_(pid), port_(port), dir_(std::move(dir)) {}
  pid_t pid_;
  int port_;
  std::unique_ptr<TempDir> dir_;
};

}  // namespace tarn::testing
