// A SQLite database file as a source, opened read-only through SQLite's C API.
#pragma once

#include "connect/source.h"

struct sqlite3;

namespace tarn {

class SqliteSource final : public Source {
 public:
  static Result<std::unique_ptr<Source>> Open(const SourceConfig& config);
  ~SqliteSource() override;

  Result<SourceInfo> Probe() override;
  Result<std::vector<SourceTableName>> ListTables(const std::string& schema) override;
  Result<SourceTable> Describe(const std::string& table) override;
  Result<SourceTable> DescribeQuery(const std::string& query) override;
  // Steps a SELECT; text values (dates, timestamps, decimals) are read by their text form.
  Result<std::unique_ptr<BatchReader>> Extract(const ExtractRequest& request) override;
  Result<std::optional<std::pair<int64_t, int64_t>>> Bounds(
      const SourceRelation& relation, const ExtractRange& column,
      const std::vector<ExtractRange>& ranges) override;

  // The lake type for a declared column type, by SQLite's affinity rules refined by name
  // (BOOLEAN, DATE, DATETIME / TIMESTAMP, DECIMAL(p,s)); nullopt with a reason otherwise.
  static std::optional<DataType> MapType(const std::string& declared, std::string* reason);

 private:
  SqliteSource(SourceConfig config, sqlite3* db) : Source(std::move(config)), db_(db) {}
  sqlite3* db_;
};

}  // namespace tarn
