// The `tarn` subcommands. Each Add*Command registers itself on the app and, when chosen, sets
// `*action` to the work to run after parsing. Output for people goes to stdout; errors are
// returned as Status and printed once by main.
#pragma once

#include <functional>
#include <string>

#include "base/status.h"

namespace CLI {
class App;
}

namespace tarn {

struct GlobalOptions {
  std::string config;      // --config
  std::string log_level;   // --log-level (empty: from tarn.yaml, else info)
  std::string log_format;  // --log-format
};

using Action = std::function<Status()>;

void AddVersionCommand(CLI::App& app, Action* action);
void AddInitCommand(CLI::App& app, const GlobalOptions& global, Action* action);
void AddInfoCommand(CLI::App& app, const GlobalOptions& global, Action* action);
void AddConvertCommand(CLI::App& app, Action* action);
void AddParquetCommand(CLI::App& app, Action* action);
void AddNamespaceCommand(CLI::App& app, const GlobalOptions& global, Action* action);
void AddTableCommand(CLI::App& app, const GlobalOptions& global, Action* action);
void AddSourceCommand(CLI::App& app, const GlobalOptions& global, Action* action);
void AddIngestCommand(CLI::App& app, const GlobalOptions& global, Action* action);

// Loads tarn.yaml for a command and applies its log settings unless flags override them.
struct LakeConfig;
Result<LakeConfig> LoadConfigForCommand(const GlobalOptions& global);

}  // namespace tarn
