// tarn source test|tables|describe: what a configured source holds, before any job runs.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <regex>

#include "cli/commands.h"
#include "cli/lake_config.h"
#include "connect/source.h"

namespace tarn {
namespace {

struct SourceOptions {
  std::string name;
  std::string table;    // describe
  std::string query;    // describe --query
  std::string schema;   // tables
  std::string include;  // tables
  std::string exclude;  // tables
};

Result<std::regex> Regex(const std::string& flag, const std::string& text) {
  try {
    return std::regex(text, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument(flag + " '" + text +
                                   "' is not a valid regular expression: " + e.what());
  }
}

std::string Where(const SourceConfig& config) {
  return config.kind == SourceKind::kSqlite ? "sqlite " + config.path : config.uri;
}

Status Test(Source& source) {
  TARN_ASSIGN_OR_RETURN(SourceInfo info, source.Probe());
  TARN_ASSIGN_OR_RETURN(std::vector<SourceTableName> tables, source.ListTables(""));
  std::vector<std::string> unreadable;
  for (const SourceTableName& t : tables) {
    if (!t.can_select) unreadable.push_back(t.ToString());
  }
  std::printf("source      %s (%s)\n", source.config().name.c_str(),
              Where(source.config()).c_str());
  std::printf("server      %s\n", info.server.c_str());
  if (!info.user.empty()) std::printf("user        %s\n", info.user.c_str());
  std::printf("round trip  %.2f ms\n", info.round_trip_ms);
  std::printf("tables      %zu visible, %zu readable\n", tables.size(),
              tables.size() - unreadable.size());
  if (!unreadable.empty()) {
    std::string list;
    for (size_t i = 0; i < unreadable.size() && i < 10; ++i) {
      list += (i ? ", " : "") + unreadable[i];
    }
    if (unreadable.size() > 10) list += ", ...";
    std::printf("no SELECT   %s (GRANT SELECT to %s to ingest them)\n", list.c_str(),
                info.user.c_str());
  }
  return Status::OK();
}

Status Tables(Source& source, const SourceOptions& o) {
  std::optional<std::regex> include, exclude;
  if (!o.include.empty()) {
    TARN_ASSIGN_OR_RETURN(include, Regex("--include", o.include));
  }
  if (!o.exclude.empty()) {
    TARN_ASSIGN_OR_RETURN(exclude, Regex("--exclude", o.exclude));
  }
  TARN_ASSIGN_OR_RETURN(std::vector<SourceTableName> tables, source.ListTables(o.schema));
  size_t shown = 0;
  for (const SourceTableName& t : tables) {
    if (include && !std::regex_search(t.name, *include)) continue;
    if (exclude && std::regex_search(t.name, *exclude)) continue;
    std::printf("%-40s %s%s\n", t.ToString().c_str(), t.kind.c_str(),
                t.can_select ? "" : " (no SELECT privilege)");
    ++shown;
  }
  std::fprintf(stderr, "%zu of %zu tables\n", shown, tables.size());
  return Status::OK();
}

Status Describe(Source& source, const SourceOptions& o) {
  if (o.table.empty() == o.query.empty()) {
    return Status::InvalidArgument("describe a TABLE or a --query, one of them");
  }
  TARN_ASSIGN_OR_RETURN(SourceTable table, source.DescribeRelation({o.table, o.query}));
  if (o.query.empty()) {
    std::string rows = table.row_estimate ? "about " + std::to_string(*table.row_estimate) + " rows"
                                          : "row count unknown (never analyzed)";
    std::printf("table        %s (%s), %s%s\n", table.name.ToString().c_str(),
                table.name.kind.c_str(), rows.c_str(),
                table.can_select ? "" : "; NO SELECT privilege for this user");
  } else {
    std::printf("query        %zu columns (not run; nullability unknown)\n", table.columns.size());
  }
  std::string key;
  for (const std::string& k : table.primary_key) key += (key.empty() ? "" : ", ") + k;
  std::printf("primary key  %s\n", key.empty() ? "none" : key.c_str());
  std::printf("\n%-28s %-30s %-16s %s\n", "column", "source type", "lake type", "nullable");
  size_t unmapped = 0;
  for (const SourceColumn& c : table.columns) {
    std::string lake = c.lake_type ? c.lake_type->ToString() : "-";
    std::printf("%-28s %-30s %-16s %s\n", c.name.c_str(), c.source_type.c_str(), lake.c_str(),
                c.nullable ? "yes" : "no");
    if (!c.lake_type) ++unmapped;
  }
  if (unmapped > 0) {
    std::printf("\n");
    for (const SourceColumn& c : table.columns) {
      if (!c.lake_type)
        std::printf("not mapped: '%s' %s\n", c.name.c_str(), c.unmapped_reason.c_str());
    }
  }
  return Status::OK();
}

Status RunSource(const GlobalOptions& global, const std::string& verb, const SourceOptions& o) {
  TARN_ASSIGN_OR_RETURN(LakeConfig config, LoadConfigForCommand(global));
  TARN_ASSIGN_OR_RETURN(const SourceConfig* source_config, config.FindSource(o.name));
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, Source::Open(*source_config));
  if (verb == "test") return Test(*source);
  if (verb == "tables") return Tables(*source, o);
  return Describe(*source, o);
}

}  // namespace

void AddSourceCommand(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand("source", "Inspect the databases configured under sources:");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n  tarn source test shop\n  tarn source tables shop --schema public --exclude "
      "'^tmp_'\n  tarn source describe shop public.orders\n");
  auto o = std::make_shared<SourceOptions>();
  struct Verb {
    const char* name;
    const char* help;
  };
  for (Verb verb : {Verb{"test", "Connect, report the server, round trip and privileges"},
                    Verb{"tables", "List the tables and views the source shows"},
                    Verb{"describe",
                         "Columns, lake types, primary key and size of one table (or "
                         "a query's result)"}}) {
    CLI::App* sub = cmd->add_subcommand(verb.name, verb.help);
    sub->add_option("source", o->name, "The source's name in tarn.yaml")->required();
    std::string v = verb.name;
    if (v == "tables") {
      sub->add_option("--schema", o->schema, "Only this schema");
      sub->add_option("--include", o->include, "Only tables whose name matches this regex");
      sub->add_option("--exclude", o->exclude, "Leave out tables whose name matches this regex");
    }
    if (v == "describe") {
      sub->add_option("table", o->table, "TABLE or SCHEMA.TABLE (quote parts with \"...\")");
      sub->add_option("--query", o->query, "Instead of a table: the result columns of this SELECT");
    }
    sub->callback([&global, action, o, v] {
      *action = [&global, o, v] { return RunSource(global, v, *o); };
    });
  }
}

}  // namespace tarn
