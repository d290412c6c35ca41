// Iceberg table metadata, format version 2 (spec "Table Metadata Fields"; NOTES.md 1.1-1.3):
// the JSON document that a metadata file holds, parsed and written back. Fields tarn does not
// model (statistics, partition-statistics, ...) are kept as they were and written back
// unchanged, so a commit by tarn never drops what another engine wrote.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "columnar/schema.h"

namespace tarn::iceberg {

struct PartitionField {
  int32_t source_id = 0;
  int32_t field_id = 0;  // 1000 and up
  std::string name;
  std::string transform;  // identity, year, month, day, hour, bucket[N], truncate[W], void
  bool operator==(const PartitionField&) const = default;
};

struct PartitionSpec {
  int32_t spec_id = 0;
  std::vector<PartitionField> fields;
  bool unpartitioned() const { return fields.empty(); }
  bool operator==(const PartitionSpec&) const = default;
};

// The spec's fields as the JSON array metadata files and manifest headers both carry.
std::string PartitionFieldsJson(const PartitionSpec& spec);

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;                   // a full URI
  std::map<std::string, std::string> summary;  // "operation" and the counts, all strings
  std::optional<int32_t> schema_id;

  std::string operation() const;
  // summary[key] as a number, 0 when absent or not a number.
  int64_t SummaryCount(const std::string& key) const;
};

struct TableMetadata {
  int format_version = 2;
  std::string table_uuid;
  std::string location;  // a full URI, no trailing slash
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int32_t last_column_id = 0;
  std::vector<std::pair<int32_t, Schema>> schemas;  // schema-id, schema
  int32_t current_schema_id = 0;
  std::vector<PartitionSpec> specs;
  int32_t default_spec_id = 0;
  int32_t last_partition_id = 999;
  nlohmann::ordered_json sort_orders = nlohmann::ordered_json::array();
  int64_t default_sort_order_id = 0;
  std::map<std::string, std::string> properties;
  std::optional<int64_t> current_snapshot_id;
  std::vector<Snapshot> snapshots;
  std::vector<std::pair<int64_t, int64_t>> snapshot_log;      // timestamp-ms, snapshot-id
  std::vector<std::pair<int64_t, std::string>> metadata_log;  // timestamp-ms, metadata-file
  nlohmann::ordered_json refs = nlohmann::ordered_json::object();
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();  // fields not modelled

  // The current schema (REQUIRES: schemas holds current_schema_id).
  const Schema& schema() const;
  const Schema* SchemaById(int32_t id) const;
  const PartitionSpec& spec() const;
  const PartitionSpec* SpecById(int32_t id) const;
  const Snapshot* current_snapshot() const;
  const Snapshot* SnapshotById(int64_t id) const;
  // The snapshot that was current at `timestamp_ms` (from the snapshot log), or nullptr.
  const Snapshot* SnapshotAsOf(int64_t timestamp_ms) const;
};

// Parses a metadata file; kCorruption names `name` and the field at fault. Format versions
// other than 1 and 2 are kNotImplemented.
Result<TableMetadata> ParseTableMetadata(std::string_view json, const std::string& name);
std::string TableMetadataToJson(const TableMetadata& metadata);

// "00001-<uuid>.metadata.json": the name of metadata file number `version`.
std::string MetadataFileName(int64_t version);
// The number that starts a metadata file name, or -1 (PyIceberg's rule).
int64_t MetadataFileVersion(std::string_view file_name);

}  // namespace tarn::iceberg
