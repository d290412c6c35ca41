// The `tarn` command. Parses the command line, runs one subcommand, and turns its Status into
// one line on stderr and an exit code (cli/exit_codes.h).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "base/logging.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"

int main(int argc, char** argv) {
  using tarn::Status;
  CLI::App app{"tarn: keep a data lake correct, governed and lawful (Iceberg tables, one program)",
               "tarn"};
  tarn::GlobalOptions global;
  app.add_option("--config", global.config,
                 "tarn.yaml to use (default: $TARN_CONFIG, else ./tarn.yaml)");
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn, error or off");
  app.add_option("--log-format", global.log_format, "text or json");
  app.set_version_flag("--version", std::string("tarn ") + TARN_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.footer(
      "Examples:\n"
      "  tarn init                 create ./lake and ./tarn.yaml\n"
      "  tarn info                 show and check the lake\n"
      "  tarn convert a.csv a.parquet   convert between CSV, JSON lines and Parquet\n"
      "  tarn parquet inspect a.parquet  look inside a Parquet file\n"
      "  tarn namespace create sales      a namespace for Iceberg tables\n"
      "  tarn table create sales.orders --schema 'id:long,amount:decimal(12,2)'\n"
      "  tarn table append sales.orders orders.csv   then: tarn table scan sales.orders\n"
      "  tarn COMMAND --help       options and examples of one command\n");

  tarn::Action action;
  tarn::AddVersionCommand(app, &action);
  tarn::AddInitCommand(app, global, &action);
  tarn::AddInfoCommand(app, global, &action);
  tarn::AddConvertCommand(app, &action);
  tarn::AddParquetCommand(app, &action);
  tarn::AddNamespaceCommand(app, global, &action);
  tarn::AddTableCommand(app, global, &action);
  tarn::AddSourceCommand(app, global, &action);
  tarn::AddIngestCommand(app, global, &action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "tarn: error: %s (see 'tarn --help')\n", e.what());
    return tarn::kExitUsage;
  }

  // Commands that read tarn.yaml re-apply its log settings; this covers the others.
  Status logging = tarn::ConfigureLogging(global.log_level.empty() ? "info" : global.log_level,
                                          global.log_format.empty() ? "text" : global.log_format);
  if (!logging.ok()) {
    std::fprintf(stderr, "tarn: error: %s\n", logging.message().c_str());
    return tarn::kExitUsage;
  }
  Status status = action ? action() : Status::InvalidArgument("no command given");
  if (!status.ok()) {
    std::fprintf(stderr, "tarn: error: %s\n", status.message().c_str());
    return tarn::ExitCodeFor(status.code());
  }
  return 0;
}
