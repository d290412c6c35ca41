#include <curl/curl.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"

namespace tarn {

void AddVersionCommand(CLI::App& app, Action* action) {
  CLI::App* cmd = app.add_subcommand("version", "Print the version of tarn and its libraries");
  cmd->footer("Example:\n  tarn version\n");
  cmd->callback([action] {
    *action = [] {
      int pq = PQlibVersion();
      std::printf("tarn %s\n", TARN_VERSION);
      std::printf("  sqlite %s, libpq %d.%d, %s\n", sqlite3_libversion(), pq / 10000, pq % 100,
                  curl_version());
      return Status::OK();
    };
  });
}

}  // namespace tarn
