// Pieces of the table layer that its files share (table.cc, data_writer.cc, maintenance.cc).
// Not for use outside src/iceberg.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "format/parquet/parquet_writer.h"
#include "iceberg/manifest.h"

namespace tarn::iceberg::internal {

// `files` as the ADDED entries of snapshot `snapshot_id` (sequence numbers left to inherit).
std::vector<ManifestEntry> AddedEntries(const std::vector<DataFile>& files, int64_t snapshot_id);
// A random positive snapshot id.
int64_t NewSnapshotId();
// How long to pause before retry `attempt` (1, 2, ...) of a commit that lost its
// compare-and-swap, in microseconds: growing, capped at 1 s, jittered.
int64_t RetryPause(int attempt);
// A partition value as a path segment: Hive style name=value, with anything but
// [A-Za-z0-9_.-] escaped as %XX. Also the key that groups files by partition.
std::string PartitionPath(const PartitionSpec& spec, const std::vector<std::optional<Column>>& v);
// Fills the metrics of `file` from what the Parquet writer saw.
void SetMetrics(const Schema& schema, const ParquetFileSummary& summary, DataFile* file);

}  // namespace tarn::iceberg::internal
