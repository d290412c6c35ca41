// The Iceberg SQL catalog (NOTES.md 1.8): namespaces in iceberg_namespace_properties (with the
// reserved `exists` property), tables in iceberg_tables as pointers to their current metadata
// file, and commits as a compare-and-swap of that pointer. The same rows Java's JdbcCatalog,
// PyIceberg's SqlCatalog and Trino read, under one catalog name.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "meta/database.h"

namespace tarn::iceberg {

struct TableIdentifier {
  std::string ns;  // levels joined by '.'
  std::string name;

  // "ns.table" or "a.b.table": the last level is the table. kInvalidArgument for a missing
  // level or a name that is not a safe identifier (NamespaceIsValid).
  static Result<TableIdentifier> Parse(std::string_view text);
  std::string ToString() const { return ns + "." + name; }
  bool operator==(const TableIdentifier&) const = default;
};

// Each level: 1 to 128 letters, digits, '_' or '-', not starting with '-'. Names become parts
// of object keys, so nothing else is accepted.
Status ValidateName(std::string_view level, std::string_view what);
Status ValidateNamespace(std::string_view ns);

class Catalog {
 public:
  Catalog(Database& db, std::string name) : db_(db), name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  Database& db() { return db_; }

  // kAlreadyExists when it exists.
  Status CreateNamespace(const std::string& ns,
                         const std::map<std::string, std::string>& properties = {});
  Result<bool> NamespaceExists(const std::string& ns);
  Result<std::vector<std::string>> ListNamespaces();
  Result<std::map<std::string, std::string>> NamespaceProperties(const std::string& ns);
  // kNotFound when absent; kFailedPrecondition while it holds tables.
  Status DropNamespace(const std::string& ns);

  // kNotFound for a missing namespace; kAlreadyExists for an existing table.
  Status CreateTable(const TableIdentifier& id, const std::string& metadata_location);
  // The table's current metadata location; kNotFound when absent.
  Result<std::string> LoadTable(const TableIdentifier& id);
  Result<std::vector<TableIdentifier>> ListTables(const std::string& ns);
  // Compare-and-swap: kAborted when the table no longer points at `expected` (another writer
  // committed first), kNotFound when it was dropped.
  Status CommitTable(const TableIdentifier& id, const std::string& expected,
                     const std::string& new_location);
  Status RenameTable(const TableIdentifier& from, const TableIdentifier& to);
  // Removes the catalog row (files are the caller's business); kNotFound when absent.
  Status DropTable(const TableIdentifier& id);

 private:
  Database& db_;
  std::string name_;
};

}  // namespace tarn::iceberg
