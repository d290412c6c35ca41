#include "s3_server.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tarn::testing {

Result<std::unique_ptr<S3Server>> S3Server::Start() {
  auto dir = std::make_unique<TempDir>();
  std::string script = std::string(TARN_SOURCE_DIR) + "/tests/support/s3rver.js";
  Spawned spawned = SpawnProcess({"node", script, dir->path(), kBucket},
                                 {{"NODE_OPTIONS", "--openssl-legacy-provider"},
                                  {"NODE_PATH", std::string(TARN_SOURCE_DIR) + "/node_modules"}});
  if (spawned.pid < 0) return Status::Unavailable("cannot start node");
  std::string line = ReadLine(spawned.stdout_fd, 20000);
  close(spawned.stdout_fd);
  if (!line.starts_with("listening ")) {
    kill(spawned.pid, SIGKILL);
    waitpid(spawned.pid, nullptr, 0);
    return Status::Unavailable("s3rver did not start (is node_modules installed? run make deps)");
  }
  int port = std::stoi(line.substr(10));
  return std::unique_ptr<S3Server>(new S3Server(spawned.pid, port, std::move(dir)));
}

S3Server::~S3Server() {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

S3Options S3Server::Options() const {
  S3Options options;
  options.endpoint = endpoint();
  options.region = "us-east-1";
  options.addressing = S3Addressing::kPath;
  options.credentials.access_key_id = kAccessKey;
  options.credentials.secret_access_key = Secret(kSecretKey);
  options.retry_base_delay_ms = 10;
  return options;
}

}  // namespace tarn::testing
