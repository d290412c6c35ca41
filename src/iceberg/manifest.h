// Manifests and manifest lists (spec "Manifests", "Manifest Lists"; NOTES.md 1.4-1.5): Avro
// files with exactly the schemas, field ids, record names and file metadata Java writes, so
// that every engine reads what tarn writes, and tarn reads what they write.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "columnar/column.h"
#include "format/avro/avro_schema.h"
#include "iceberg/table_metadata.h"

namespace tarn::iceberg {

enum class FileContent { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };
enum class EntryStatus { kExisting = 0, kAdded = 1, kDeleted = 2 };

struct DataFile {
  FileContent content = FileContent::kData;
  std::string file_path;  // a full URI
  std::string file_format = "PARQUET";
  int32_t spec_id = 0;                           // the partition spec of the manifest that lists it
  std::vector<std::optional<Column>> partition;  // one value per spec field; nullopt is null
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int32_t, int64_t> column_sizes;
  std::map<int32_t, int64_t> value_counts;
  std::map<int32_t, int64_t> null_value_counts;
  std::map<int32_t, int64_t> nan_value_counts;
  std::map<int32_t, std::string> lower_bounds;  // single-value serialization (values.h)
  std::map<int32_t, std::string> upper_bounds;
  std::vector<int64_t> split_offsets;
  std::vector<int32_t> equality_ids;
  std::optional<int32_t> sort_order_id;
  std::optional<std::string> referenced_data_file;
};

struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  std::optional<int64_t> snapshot_id;  // null for ADDED: inherited from the manifest list
  std::optional<int64_t> sequence_number;
  std::optional<int64_t> file_sequence_number;
  DataFile file;
};

struct FieldSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<std::string> lower_bound;  // single-value serialization of the result type
  std::optional<std::string> upper_bound;
};

struct ManifestFile {
  std::string manifest_path;  // a full URI
  int64_t manifest_length = 0;
  int32_t partition_spec_id = 0;
  int32_t content = 0;  // 0 data, 1 deletes
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files_count = 0;
  int32_t existing_files_count = 0;
  int32_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
  std::optional<std::vector<FieldSummary>> partitions;
};

// What a manifest's header says and its partition tuple looks like.
struct ManifestContext {
  const Schema* schema = nullptr;
  int32_t schema_id = 0;
  const PartitionSpec* spec = nullptr;
  std::vector<DataType> partition_types;  // PartitionTypes(spec, schema)
  int32_t content = 0;                    // 0 data, 1 deletes
};

// The Avro schema of a manifest entry for a partition tuple of these types (manifest_entry).
AvroSchemaPtr ManifestEntrySchema(const PartitionSpec& spec,
                                  const std::vector<DataType>& partition_types);
// The Avro schema of the manifest list (manifest_file).
AvroSchemaPtr ManifestListSchema();

// A whole manifest file (deflate), and the ManifestFile that lists it (with every count and the
// partition summaries filled in; manifest_path and manifest_length are for the caller to set,
// the length being the returned bytes' size). REQUIRES all entries have `context`'s content.
Result<std::string> WriteManifest(const ManifestContext& context,
                                  const std::vector<ManifestEntry>& entries, int64_t snapshot_id,
                                  int64_t sequence_number, ManifestFile* listed);
// Reads a manifest; ADDED entries inherit snapshot id and sequence numbers from `listed`.
// `partition_types` are the spec's result types (from the table metadata).
Result<std::vector<ManifestEntry>> ReadManifest(const std::string& bytes, const std::string& uri,
                                                const ManifestFile& listed,
                                                const std::vector<DataType>& partition_types);

Result<std::string> WriteManifestList(int64_t snapshot_id, std::optional<int64_t> parent_id,
                                      int64_t sequence_number,
                                      const std::vector<ManifestFile>& manifests);
Result<std::vector<ManifestFile>> ReadManifestList(const std::string& bytes,
                                                   const std::string& uri);

}  // namespace tarn::iceberg
