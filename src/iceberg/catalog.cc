#include "iceberg/catalog.h"

namespace tarn::iceberg {

Status ValidateName(std::string_view level, std::string_view what) {
  bool ok = !level.empty() && level.size() <= 128 && level[0] != '-';
  for (char c : level) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-');
  }
  if (!ok) {
    return Status::InvalidArgument(std::string(what) + " '" + std::string(level) +
                                   "' must be 1 to 128 letters, digits, '_' or '-'");
  }
  return Status::OK();
}

Status ValidateNamespace(std::string_view ns) {
  size_t start = 0;
  while (true) {
    size_t dot = ns.find('.', start);
    TARN_RETURN_IF_ERROR(ValidateName(ns.substr(start, dot - start), "namespace level"));
    if (dot == std::string_view::npos) return Status::OK();
    start = dot + 1;
  }
}

Result<TableIdentifier> TableIdentifier::Parse(std::string_view text) {
  size_t dot = text.rfind('.');
  if (dot == std::string_view::npos) {
    return Status::InvalidArgument("table '" + std::string(text) +
                                   "' needs a namespace: NAMESPACE.TABLE");
  }
  TableIdentifier id{std::string(text.substr(0, dot)), std::string(text.substr(dot + 1))};
  TARN_RETURN_IF_ERROR(ValidateNamespace(id.ns));
  TARN_RETURN_IF_ERROR(ValidateName(id.name, "table name"));
  return id;
}

Status Catalog::CreateNamespace(const std::string& ns,
                                const std::map<std::string, std::string>& properties) {
  TARN_RETURN_IF_ERROR(ValidateNamespace(ns));
  return db_.Transaction([&]() -> Status {
    TARN_ASSIGN_OR_RETURN(bool exists, NamespaceExists(ns));
    if (exists) return Status::AlreadyExists("namespace '" + ns + "' already exists");
    std::map<std::string, std::string> all = properties;
    all["exists"] = "true";
    for (const auto& [key, value] : all) {
      TARN_RETURN_IF_ERROR(db_.Execute("INSERT INTO iceberg_namespace_properties (catalog_name, "
                                       "namespace, property_key, property_value) VALUES (?,?,?,?)",
                                       {name_, ns, key, value})
                               .status());
    }
    return Status::OK();
  });
}

Result<bool> Catalog::NamespaceExists(const std::string& ns) {
  TARN_ASSIGN_OR_RETURN(
      QueryResult r,
      db_.Execute("SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ? AND "
                  "namespace = ? UNION ALL SELECT 1 FROM iceberg_tables WHERE catalog_name = ? "
                  "AND (table_namespace = ? OR table_namespace LIKE ?)",
                  {name_, ns, name_, ns, ns + ".%"}));
  return !r.rows.empty();
}

Result<std::vector<std::string>> Catalog::ListNamespaces() {
  TARN_ASSIGN_OR_RETURN(
      QueryResult r,
      db_.Execute("SELECT namespace FROM iceberg_namespace_properties WHERE catalog_name = ? "
                  "UNION SELECT table_namespace FROM iceberg_tables WHERE catalog_name = ? "
                  "ORDER BY 1",
                  {name_, name_}));
  std::vector<std::string> out;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    TARN_ASSIGN_OR_RETURN(std::string ns, r.GetString(i, 0));
    out.push_back(std::move(ns));
  }
  return out;
}

Result<std::map<std::string, std::string>> Catalog::NamespaceProperties(const std::string& ns) {
  TARN_ASSIGN_OR_RETURN(bool exists, NamespaceExists(ns));
  if (!exists) return Status::NotFound("namespace '" + ns + "' does not exist");
  TARN_ASSIGN_OR_RETURN(
      QueryResult r,
      db_.Execute("SELECT property_key, property_value FROM iceberg_namespace_properties WHERE "
                  "catalog_name = ? AND namespace = ? ORDER BY 1",
                  {name_, ns}));
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    TARN_ASSIGN_OR_RETURN(std::string key, r.GetString(i, 0));
    out[key] = r.IsNull(i, 1) ? "" : r.GetString(i, 1).value();
  }
  return out;
}

Status Catalog::DropNamespace(const std::string& ns) {
  return db_.Transaction([&]() -> Status {
    TARN_ASSIGN_OR_RETURN(bool exists, NamespaceExists(ns));
    if (!exists) return Status::NotFound("namespace '" + ns + "' does not exist");
    TARN_ASSIGN_OR_RETURN(std::vector<TableIdentifier> tables, ListTables(ns));
    TARN_ASSIGN_OR_RETURN(
        QueryResult nested,
        db_.Execute("SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ? AND "
                    "namespace LIKE ?",
                    {name_, ns + ".%"}));
    if (!tables.empty() || !nested.rows.empty()) {
      return Status::FailedPrecondition(
          "namespace '" + ns + "' is not empty (" + std::to_string(tables.size()) + " tables" +
          (nested.rows.empty() ? "" : ", and nested namespaces") + ")");
    }
    return db_
        .Execute(
            "DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ?",
            {name_, ns})
        .status();
  });
}

Status Catalog::CreateTable(const TableIdentifier& id, const std::string& metadata_location) {
  return db_.Transaction([&]() -> Status {
    TARN_ASSIGN_OR_RETURN(bool exists, NamespaceExists(id.ns));
    if (!exists) {
      return Status::NotFound("namespace '" + id.ns + "' does not exist (tarn namespace create " +
                              id.ns + ")");
    }
    Result<QueryResult> r = db_.Execute(
        "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
        "metadata_location, previous_metadata_location, iceberg_type) VALUES "
        "(?,?,?,?,NULL,'TABLE')",
        {name_, id.ns, id.name, metadata_location});
    if (r.status().code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("table '" + id.ToString() + "' already exists");
    }
    return r.status();
  });
}

Result<std::string> Catalog::LoadTable(const TableIdentifier& id) {
  TARN_ASSIGN_OR_RETURN(
      QueryResult r,
      db_.Execute("SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND "
                  "table_namespace = ? AND table_name = ? AND (iceberg_type = 'TABLE' OR "
                  "iceberg_type IS NULL)",
                  {name_, id.ns, id.name}));
  if (r.rows.empty() || r.IsNull(0, 0)) {
    return Status::NotFound("table '" + id.ToString() + "' does not exist in catalog '" + name_ +
                            "'");
  }
  return r.GetString(0, 0);
}

Result<std::vector<TableIdentifier>> Catalog::ListTables(const std::string& ns) {
  TARN_ASSIGN_OR_RETURN(
      QueryResult r,
      db_.Execute("SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND "
                  "table_namespace = ? AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL) "
                  "ORDER BY table_name",
                  {name_, ns}));
  std::vector<TableIdentifier> out;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    TARN_ASSIGN_OR_RETURN(std::string name, r.GetString(i, 0));
    out.push_back({ns, std::move(name)});
  }
  return out;
}

Status Catalog::CommitTable(const TableIdentifier& id, const std::string& expected,
                            const std::string& new_location) {
  TARN_ASSIGN_OR_RETURN(
      QueryResult r,
      db_.Execute("UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ? "
                  "WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND "
                  "metadata_location = ? AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)",
                  {new_location, expected, name_, id.ns, id.name, expected}));
  if (r.rows_affected == 1) return Status::OK();
  Result<std::string> now = LoadTable(id);
  if (!now.ok()) return now.status();
  return Status::Aborted("table '" + id.ToString() +
                         "' changed under this commit: it now points at " + *now + ", not " +
                         expected);
}

Status Catalog::RenameTable(const TableIdentifier& from, const TableIdentifier& to) {
  return db_.Transaction([&]() -> Status {
    TARN_ASSIGN_OR_RETURN(bool exists, NamespaceExists(to.ns));
    if (!exists) return Status::NotFound("namespace '" + to.ns + "' does not exist");
    Result<QueryResult> r = db_.Execute(
        "UPDATE iceberg_tables SET table_namespace = ?, table_name = ? WHERE catalog_name = ? "
        "AND table_namespace = ? AND table_name = ?",
        {to.ns, to.name, name_, from.ns, from.name});
    if (r.status().code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("table '" + to.ToString() + "' already exists");
    }
    TARN_RETURN_IF_ERROR(r.status());
    if (r->rows_affected != 1) {
      return Status::NotFound("table '" + from.ToString() + "' does not exist");
    }
    return Status::OK();
  });
}

Status Catalog::DropTable(const TableIdentifier& id) {
  TARN_ASSIGN_OR_RETURN(
      QueryResult r,
      db_.Execute("DELETE FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND "
                  "table_name = ?",
                  {name_, id.ns, id.name}));
  if (r.rows_affected == 0) return Status::NotFound("table '" + id.ToString() + "' does not exist");
  return Status::OK();
}

}  // namespace tarn::iceberg
