#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>

#include "base/time_util.h"
#include "cli/commands.h"
#include "cli/lake.h"
#include "cli/row_source.h"
#include "columnar/value_text.h"
#include "iceberg/catalog.h"
#include "iceberg/partition.h"
#include "iceberg/scan.h"
#include "iceberg/table.h"

namespace tarn {
namespace {

struct TableOptions {
  std::string name;                                   // NS.TABLE
  std::string schema;                                 // create
  std::string partition;                              // create
  std::vector<std::string> properties;                // create
  std::vector<std::string> files;                     // append
  std::string from;                                   // append: csv | jsonl | parquet
  std::string columns;                                // scan
  std::string where;                                  // scan
  int64_t snapshot = 0;                               // scan
  std::string as_of;                                  // scan
  std::string format = "csv";                         // scan
  int64_t limit = -1;                                 // scan
  bool purge = false;                                 // drop
  std::string older_than;                             // expire, orphans
  int retain_last = 1;                                // expire
  bool dry_run = false;                               // orphans
  bool only_with_deletes = false;                     // compact
  int64_t target_file_mb = 128;                       // compact
  std::vector<std::string> add, drop, rename, widen;  // schema
};

// --add name:type, --drop name, --rename old=new, --widen name:type, in that order.
Result<std::vector<iceberg::Table::SchemaChange>> SchemaChanges(const TableOptions& o) {
  using Change = iceberg::Table::SchemaChange;
  std::vector<Change> changes;
  auto typed = [](const std::string& spec, const char* flag) -> Result<Field> {
    size_t colon = spec.find(':');
    if (colon == std::string::npos || colon == 0) {
      return Status::InvalidArgument(std::string(flag) + " '" + spec + "' is not NAME:TYPE");
    }
    TARN_ASSIGN_OR_RETURN(DataType type, ParseDataType(spec.substr(colon + 1)));
    return Field{0, spec.substr(0, colon), type, false};
  };
  for (const std::string& a : o.add) {
    TARN_ASSIGN_OR_RETURN(Field f, typed(a, "--add"));
    changes.push_back({Change::kAdd, f.name, "", f.type});
  }
  for (const std::string& d : o.drop) changes.push_back({Change::kDrop, d, "", {}});
  for (const std::string& r : o.rename) {
    size_t eq = r.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == r.size()) {
      return Status::InvalidArgument("--rename '" + r + "' is not OLD=NEW");
    }
    TARN_RETURN_IF_ERROR(iceberg::ValidateName(r.substr(eq + 1), "column name"));
    changes.push_back({Change::kRename, r.substr(0, eq), r.substr(eq + 1), {}});
  }
  for (const std::string& w : o.widen) {
    TARN_ASSIGN_OR_RETURN(Field f, typed(w, "--widen"));
    changes.push_back({Change::kWiden, f.name, "", f.type});
  }
  return changes;
}

std::vector<std::string> SplitColumns(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? comma : comma - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string Millis(int64_t ms) { return FormatUtc(ms * 1000, "%Y-%m-%dT%H:%M:%SZ"); }

// --as-of: a timestamp with or without an offset (UTC), or a date (its midnight, UTC).
Result<int64_t> ParseTimeMillis(const std::string& text) {
  for (TypeId id : {TypeId::kTimestampTz, TypeId::kTimestamp, TypeId::kDate}) {
    Column c(DataType{id});
    if (AppendText(text, DataType{id}, &c).ok()) {
      return id == TypeId::kDate ? int64_t{c.GetInt32(0)} * 86400000 : c.GetInt64(0) / 1000;
    }
  }
  return Status::InvalidArgument("--as-of '" + text +
                                 "' is not a time: use 2024-01-02T03:04:05Z or 2024-01-02");
}

Status Show(iceberg::Table& table) {
  const iceberg::TableMetadata& m = table.metadata();
  std::printf("table        %s\n", table.id().ToString().c_str());
  std::printf("location     %s\n", m.location.c_str());
  std::printf("metadata     %s\n", table.metadata_location().c_str());
  std::printf("uuid         %s (format version %d)\n", m.table_uuid.c_str(), m.format_version);
  std::string spec;
  for (const iceberg::PartitionField& f : m.spec().fields) {
    const Schema& s = m.schema();
    std::string source = "?";
    for (const Field& field : s.fields()) {
      if (field.id == f.source_id) source = field.name;
    }
    spec += (spec.empty() ? "" : ", ") + f.transform + "(" + source + ") as " + f.name;
  }
  std::printf("partitioned  %s\n", spec.empty() ? "no" : spec.c_str());
  const iceberg::Snapshot* current = m.current_snapshot();
  if (current == nullptr) {
    std::printf("snapshot     none yet (tarn table append %s FILE)\n",
                table.id().ToString().c_str());
  } else {
    std::printf("snapshot     %lld at %s (%s)\n", static_cast<long long>(current->snapshot_id),
                Millis(current->timestamp_ms).c_str(), current->operation().c_str());
    std::printf("rows         %lld in %lld data files, %lld bytes\n",
                static_cast<long long>(current->SummaryCount("total-records")),
                static_cast<long long>(current->SummaryCount("total-data-files")),
                static_cast<long long>(current->SummaryCount("total-files-size")));
  }
  std::printf("schema       %s\n", m.schema().ToString().c_str());
  for (const auto& [k, v] : m.properties)
    std::printf("property     %s = %s\n", k.c_str(), v.c_str());
  return Status::OK();
}

Status Append(iceberg::Table& table, const TableOptions& o) {
  if (o.files.empty()) return Status::InvalidArgument("name at least one file to append");
  iceberg::DataWriter writer(table);
  auto schema = std::make_shared<const Schema>(table.metadata().schema());
  for (const std::string& path : o.files) {
    TARN_ASSIGN_OR_RETURN(FileFormat format, FormatOf(path, o.from));
    TARN_ASSIGN_OR_RETURN(FileLocation in, OpenFileLocation(path, false));
    // Text input is read with the table's schema; Parquet brings its own, matched by name.
    std::shared_ptr<const Schema> text_schema = format == FileFormat::kParquet ? nullptr : schema;
    Result<std::unique_ptr<RowSource>> source =
        OpenRowSource(std::move(in), format, TextOptions{}, text_schema);
    if (!source.ok()) return source.status().WithContext(path);
    ColumnBatch batch((*source)->schema());
    int64_t before = writer.rows();
    while (true) {
      Result<bool> more = (*source)->Next(&batch);
      if (!more.ok()) return more.status().WithContext(path);
      if (!*more) break;
      Status status = writer.Write(batch);
      if (!status.ok()) return status.WithContext(path);
    }
    spdlog::info("{}: {} rows", path, writer.rows() - before);
  }
  TARN_ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> files, writer.Finish());
  if (files.empty()) {
    std::printf("No rows in the input: nothing committed\n");
    return Status::OK();
  }
  Result<iceberg::Snapshot> snap = table.AppendFiles(files);
  if (!snap.ok()) {
    if (snap.status().code() == StatusCode::kAborted ||
        snap.status().code() == StatusCode::kInvalidArgument) {
      for (const iceberg::DataFile& f : files) {  // certainly uncommitted
        Result<std::string> key = iceberg::KeyForUri(table.store(), f.file_path);
        if (key.ok()) (void)table.store().Delete(*key);
      }
    }
    return snap.status();
  }
  std::printf("Appended %s rows in %zu files to %s: snapshot %lld, %s rows in all\n",
              snap->summary.at("added-records").c_str(), files.size(),
              table.id().ToString().c_str(), static_cast<long long>(snap->snapshot_id),
              snap->summary.at("total-records").c_str());
  return Status::OK();
}

Status Scan(iceberg::Table& table, const TableOptions& o) {
  iceberg::ScanOptions options;
  options.columns = SplitColumns(o.columns);
  options.where = o.where;
  if (o.snapshot != 0) options.snapshot_id = o.snapshot;
  if (!o.as_of.empty()) {
    TARN_ASSIGN_OR_RETURN(int64_t millis, ParseTimeMillis(o.as_of));
    options.as_of_ms = millis;
  }
  if (o.format != "csv" && o.format != "jsonl") {
    return Status::InvalidArgument("--format must be csv or jsonl");
  }
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<iceberg::TableScan> scan,
                        iceberg::TableScan::Open(table, options));
  TARN_ASSIGN_OR_RETURN(
      std::unique_ptr<TextTableWriter> out,
      TextTableWriter::Open(StdoutWriter(),
                            o.format == "csv" ? TextFormat::kCsv : TextFormat::kJsonLines,
                            TextOptions{}, scan->schema()));
  int64_t left = o.limit < 0 ? INT64_MAX : o.limit;
  ColumnBatch batch(scan->schema());
  while (left > 0) {
    TARN_ASSIGN_OR_RETURN(bool more, scan->Next(&batch));
    if (!more) break;
    if (static_cast<int64_t>(batch.num_rows()) > left) {
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        batch.column(c).Truncate(static_cast<size_t>(left));
      }
    }
    left -= static_cast<int64_t>(batch.num_rows());
    TARN_RETURN_IF_ERROR(out->Write(batch));
  }
  spdlog::info("{}: read {} data files, skipped {} by partition values and column bounds",
               table.id().ToString(), scan->files().size(), scan->files_skipped());
  return out->Close();
}

Status History(iceberg::Table& table) {
  const iceberg::TableMetadata& m = table.metadata();
  std::printf("%-20s %-20s %-10s %12s %12s %8s\n", "time", "snapshot", "operation", "added rows",
              "total rows", "files");
  for (const auto& [ts, id] : m.snapshot_log) {
    const iceberg::Snapshot* s = m.SnapshotById(id);
    if (s == nullptr) continue;
    std::printf("%-20s %-20lld %-10s %12lld %12lld %8lld%s\n", Millis(ts).c_str(),
                static_cast<long long>(id), s->operation().c_str(),
                static_cast<long long>(s->SummaryCount("added-records")),
                static_cast<long long>(s->SummaryCount("total-records")),
                static_cast<long long>(s->SummaryCount("total-data-files")),
                m.current_snapshot_id == id ? "  (current)" : "");
  }
  if (m.snapshot_log.empty()) std::printf("(no snapshots yet)\n");
  return Status::OK();
}

Status RunTable(const GlobalOptions& global, const std::string& verb, const TableOptions& o) {
  TARN_ASSIGN_OR_RETURN(LakeConfig config, LoadConfigForCommand(global));
  TARN_ASSIGN_OR_RETURN(Lake lake, OpenLake(std::move(config)));
  iceberg::Catalog catalog(*lake.db, lake.config.catalog_name);
  if (verb == "list") {
    std::vector<std::string> namespaces;
    if (o.name.empty()) {
      TARN_ASSIGN_OR_RETURN(namespaces, catalog.ListNamespaces());
    } else {
      namespaces.push_back(o.name);
    }
    for (const std::string& ns : namespaces) {
      TARN_ASSIGN_OR_RETURN(std::vector<iceberg::TableIdentifier> tables, catalog.ListTables(ns));
      for (const iceberg::TableIdentifier& id : tables) std::printf("%s\n", id.ToString().c_str());
    }
    return Status::OK();
  }
  TARN_ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(o.name));
  if (verb == "create") {
    if (o.schema.empty()) return Status::InvalidArgument("--schema is required");
    TARN_ASSIGN_OR_RETURN(std::shared_ptr<const Schema> schema, LoadSchema(o.schema));
    iceberg::PartitionSpec spec;
    if (!o.partition.empty()) {
      TARN_ASSIGN_OR_RETURN(spec, iceberg::ParsePartitionSpec(o.partition, *schema));
    }
    TARN_ASSIGN_OR_RETURN(auto properties, ParsePropertyOptions(o.properties));
    TARN_ASSIGN_OR_RETURN(
        std::unique_ptr<iceberg::Table> table,
        iceberg::Table::Create(catalog, *lake.store, id, *schema, spec, std::move(properties)));
    std::printf("Created %s at %s\n", id.ToString().c_str(), table->metadata().location.c_str());
    return Status::OK();
  }
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<iceberg::Table> table,
                        iceberg::Table::Load(catalog, *lake.store, id));
  if (verb == "show") return Show(*table);
  if (verb == "schema") {
    TARN_ASSIGN_OR_RETURN(std::vector<iceberg::Table::SchemaChange> changes, SchemaChanges(o));
    if (!changes.empty()) {
      TARN_RETURN_IF_ERROR(table->UpdateSchema(changes).status());
      std::printf("Schema %d of %s:\n", table->metadata().current_schema_id, id.ToString().c_str());
    }
    for (const Field& f : table->metadata().schema().fields()) {
      std::printf("%4d  %-32s %-20s %s\n", f.id, f.name.c_str(), f.type.ToString().c_str(),
                  f.required ? "required" : "optional");
    }
    return Status::OK();
  }
  if (verb == "history") return History(*table);
  if (verb == "append") return Append(*table, o);
  if (verb == "scan") return Scan(*table, o);
  if (verb == "compact") {
    TARN_ASSIGN_OR_RETURN(iceberg::Table::CompactResult done,
                          table->Compact(o.only_with_deletes, o.target_file_mb << 20));
    if (!done.snapshot) {
      std::printf("Nothing to compact in %s\n", id.ToString().c_str());
      return Status::OK();
    }
    std::printf(
        "Rewrote %lld data files into %lld (%lld rows) and removed %lld delete files of %s: "
        "snapshot %lld\n",
        static_cast<long long>(done.files_rewritten), static_cast<long long>(done.files_written),
        static_cast<long long>(done.rows), static_cast<long long>(done.delete_files_removed),
        id.ToString().c_str(), static_cast<long long>(done.snapshot->snapshot_id));
    return Status::OK();
  }
  if (verb == "expire") {
    std::optional<int64_t> older_than;
    if (!o.older_than.empty()) {
      TARN_ASSIGN_OR_RETURN(older_than, ParseTimeMillis(o.older_than));
    }
    TARN_ASSIGN_OR_RETURN(iceberg::Table::ExpireResult expired,
                          table->ExpireSnapshots(older_than, o.retain_last));
    std::printf("Expired %lld snapshots of %s and deleted %lld files they alone referenced\n",
                static_cast<long long>(expired.snapshots), id.ToString().c_str(),
                static_cast<long long>(expired.files_deleted));
    return Status::OK();
  }
  if (verb == "orphans") {
    int64_t older_than = table->options().clock->NowMillis() - int64_t{3} * 86400 * 1000;
    if (!o.older_than.empty()) {
      TARN_ASSIGN_OR_RETURN(older_than, ParseTimeMillis(o.older_than));
    }
    TARN_ASSIGN_OR_RETURN(std::vector<std::string> orphans,
                          table->RemoveOrphanFiles(older_than, o.dry_run));
    for (const std::string& key : orphans) std::printf("%s\n", lake.store->Uri(key).c_str());
    std::printf("%s %zu orphan files of %s last modified before %s\n",
                o.dry_run ? "Found" : "Removed", orphans.size(), id.ToString().c_str(),
                Millis(older_than).c_str());
    return Status::OK();
  }
  if (verb == "delete") {
    if (o.where.empty()) return Status::InvalidArgument("--where is required");
    TARN_ASSIGN_OR_RETURN(iceberg::Table::DeleteResult deleted, table->DeleteWhere(o.where));
    if (!deleted.snapshot) {
      std::printf("No rows of %s match: nothing deleted\n", id.ToString().c_str());
      return Status::OK();
    }
    std::printf("Deleted %lld rows in %lld data files of %s: snapshot %lld\n",
                static_cast<long long>(deleted.rows), static_cast<long long>(deleted.data_files),
                id.ToString().c_str(), static_cast<long long>(deleted.snapshot->snapshot_id));
    return Status::OK();
  }
  // drop
  std::string prefix = iceberg::KeyForUri(*lake.store, table->metadata().location).value_or("");
  TARN_RETURN_IF_ERROR(catalog.DropTable(id));
  if (!o.purge) {
    std::printf("Dropped %s from the catalog; its files stay under %s (--purge removes them)\n",
                id.ToString().c_str(), table->metadata().location.c_str());
    return Status::OK();
  }
  if (prefix.empty()) return Status::OK();
  std::vector<std::string> keys;
  TARN_RETURN_IF_ERROR(lake.store->ListAll(prefix + "/", [&](const ObjectInfo& info) {
    keys.push_back(info.key);
    return Status::OK();
  }));
  TARN_RETURN_IF_ERROR(lake.store->DeleteMany(keys));
  std::printf("Dropped %s and removed its %zu files\n", id.ToString().c_str(), keys.size());
  return Status::OK();
}

}  // namespace

void AddTableCommand(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand("table", "Iceberg tables: create, append, scan, inspect");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n"
      "  tarn table create sales.orders --schema 'id:long,customer:string?,amount:decimal(12,2),"
      "ts:timestamp' --partition 'day(ts)'\n"
      "  tarn table append sales.orders orders-2024-01.csv more.parquet\n"
      "  tarn table scan sales.orders --columns id,amount --where \"amount > 100\" --limit 10\n"
      "  tarn table scan sales.orders --as-of 2024-01-02T00:00:00Z --format jsonl\n"
      "  tarn table delete sales.orders --where \"customer = 'ann'\"\n"
      "  tarn table history sales.orders\n"
      "  tarn table schema sales.orders --add 'channel:string' --rename customer=client\n"
      "  tarn table compact sales.orders --only-with-deletes\n"
      "  tarn table expire sales.orders --older-than 2024-06-01 --retain-last 5\n"
      "  tarn table orphans sales.orders --dry-run\n");
  auto o = std::make_shared<TableOptions>();
  struct Verb {
    const char* name;
    const char* help;
  };
  for (Verb verb :
       {Verb{"create", "Create a table"}, Verb{"list", "List tables"},
        Verb{"show", "Location, snapshot, size, partitioning and schema"},
        Verb{"schema",
             "Columns with their field ids; --add, --drop, --rename, --widen change them"},
        Verb{"history", "Snapshots, oldest first"},
        Verb{"append", "Append rows from CSV, JSON lines or Parquet files"},
        Verb{"scan", "Print rows (CSV or JSON lines)"},
        Verb{"delete", "Delete the rows matching --where (position deletes)"},
        Verb{"compact", "Rewrite small files and files with deletes"},
        Verb{"expire", "Expire old snapshots and delete the files only they referenced"},
        Verb{"orphans", "Remove files under the table that no metadata references"},
        Verb{"drop", "Drop a table"}}) {
    std::string v = verb.name;
    CLI::App* sub = cmd->add_subcommand(v, verb.help);
    if (v == "list") {
      sub->add_option("namespace", o->name, "Only this namespace");
    } else {
      sub->add_option("table", o->name, "NAMESPACE.TABLE")->required();
    }
    if (v == "create") {
      sub->add_option("--schema", o->schema,
                      "name:type[?],... ('?' = optional), or @file.json in Iceberg's form")
          ->required();
      sub->add_option("--partition", o->partition,
                      "e.g. 'day(ts), bucket(16, id)': identity, year, month, day, hour, "
                      "bucket(N, col), truncate(W, col)");
      sub->add_option("--property", o->properties,
                      "KEY=VALUE table property, repeatable (e.g. "
                      "commit.manifest.min-count-to-merge=50)");
    }
    if (v == "append") {
      sub->add_option("files", o->files, "Files (local or s3://), read by extension")->required();
      sub->add_option("--from", o->from, "Input format for every file: csv, jsonl or parquet");
    }
    if (v == "scan") {
      sub->add_option("--columns", o->columns, "Columns to print, comma-separated");
      sub->add_option("--where", o->where, "A predicate, e.g. \"ts >= TIMESTAMP '2024-01-01'\"");
      sub->add_option("--snapshot", o->snapshot, "Read this snapshot (see history)");
      sub->add_option("--as-of", o->as_of, "Read the table as it was at this time (ISO 8601)");
      sub->add_option("--format", o->format, "csv or jsonl")->capture_default_str();
      sub->add_option("--limit", o->limit, "At most this many rows");
    }
    if (v == "delete") {
      sub->add_option("--where", o->where, "The rows to delete, e.g. \"customer_id = 42\"")
          ->required();
    }
    if (v == "schema") {
      sub->add_option("--add", o->add, "Add an optional column NAME:TYPE (repeatable)");
      sub->add_option("--drop", o->drop, "Drop a column (repeatable)");
      sub->add_option("--rename", o->rename, "Rename OLD=NEW (repeatable)");
      sub->add_option("--widen", o->widen,
                      "Widen NAME:TYPE: int to long, float to double, decimal precision");
    }
    if (v == "compact") {
      sub->add_flag("--only-with-deletes", o->only_with_deletes,
                    "Only the files that row-level deletes touch");
      sub->add_option("--target-file-mb", o->target_file_mb,
                      "Files under this size are bin-packed per partition")
          ->capture_default_str();
    }
    if (v == "expire") {
      sub->add_option("--older-than", o->older_than,
                      "Expire snapshots older than this time (default: all but --retain-last)");
      sub->add_option("--retain-last", o->retain_last,
                      "Keep the current snapshot and this many - 1 ancestors")
          ->capture_default_str();
    }
    if (v == "orphans") {
      sub->add_option("--older-than", o->older_than,
                      "Only files last modified before this time (default: 3 days ago, so that "
                      "files of commits in progress are safe)");
      sub->add_flag("--dry-run", o->dry_run, "List them, delete nothing");
    }
    if (v == "drop") sub->add_flag("--purge", o->purge, "Also remove the table's files");
    sub->callback(
        [&global, action, o, v] { *action = [&global, o, v] { return RunTable(global, v, *o); }; });
  }
}

}  // namespace tarn
