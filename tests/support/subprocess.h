// Runs a program and captures its output, for tests that drive `tarn`, initdb or node.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace tarn::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

// Runs `argv` to completion in `cwd` (empty: the current folder) with extra `env` entries.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& cwd = "",
                         const std::map<std::string, std::string>& env = {});

// Starts `argv` with stdout on a pipe. Returns the pid and the read end of the pipe.
struct Spawned {
  pid_t pid = -1;
  int stdout_fd = -1;
};
Spawned SpawnProcess(const std::vector<std::string>& argv,
                     const std::map<std::string, std::string>& env = {});

// Reads one line from `fd`, giving up after `timeout_ms`. Empty on timeout or EOF.
std::string ReadLine(int fd, int timeout_ms);

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// A fresh folder under $TMPDIR, removed (recursively) when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tarn::testing
