#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "cli/lake.h"
#include "iceberg/catalog.h"

namespace tarn {
namespace {

struct NamespaceOptions {
  std::string name;
  std::vector<std::string> properties;  // key=value
};

Status RunNamespace(const GlobalOptions& global, const std::string& verb,
                    const NamespaceOptions& o) {
  TARN_ASSIGN_OR_RETURN(LakeConfig config, LoadConfigForCommand(global));
  TARN_ASSIGN_OR_RETURN(Lake lake, OpenLake(std::move(config)));
  iceberg::Catalog catalog(*lake.db, lake.config.catalog_name);
  if (verb == "create") {
    TARN_ASSIGN_OR_RETURN(auto properties, ParsePropertyOptions(o.properties));
    TARN_RETURN_IF_ERROR(catalog.CreateNamespace(o.name, properties));
    std::printf("Created namespace %s in catalog %s\n", o.name.c_str(), catalog.name().c_str());
    return Status::OK();
  }
  if (verb == "drop") {
    TARN_RETURN_IF_ERROR(catalog.DropNamespace(o.name));
    std::printf("Dropped namespace %s\n", o.name.c_str());
    return Status::OK();
  }
  TARN_ASSIGN_OR_RETURN(std::vector<std::string> namespaces, catalog.ListNamespaces());
  for (const std::string& ns : namespaces) {
    TARN_ASSIGN_OR_RETURN(std::vector<iceberg::TableIdentifier> tables, catalog.ListTables(ns));
    std::printf("%-32s %zu %s\n", ns.c_str(), tables.size(),
                tables.size() == 1 ? "table" : "tables");
  }
  if (namespaces.empty()) std::printf("No namespaces yet: tarn namespace create NAME\n");
  return Status::OK();
}

}  // namespace

void AddNamespaceCommand(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand("namespace", "Create, list and drop namespaces");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n  tarn namespace create sales --property owner=finance\n"
      "  tarn namespace list\n  tarn namespace drop sales\n");
  auto o = std::make_shared<NamespaceOptions>();
  for (const char* verb : {"create", "list", "drop"}) {
    CLI::App* sub = cmd->add_subcommand(
        verb, std::string(verb) == "create"
                  ? "Create a namespace"
                  : (std::string(verb) == "list" ? "List namespaces and their tables"
                                                 : "Drop an empty namespace"));
    if (std::string(verb) != "list") {
      sub->add_option("name", o->name, "Namespace (levels joined by '.')")->required();
    }
    if (std::string(verb) == "create") {
      sub->add_option("--property", o->properties, "KEY=VALUE, repeatable");
    }
    std::string v = verb;
    sub->callback([&global, action, o, v] {
      *action = [&global, o, v] { return RunNamespace(global, v, *o); };
    });
  }
}

}  // namespace tarn
