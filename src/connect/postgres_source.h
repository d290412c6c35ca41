// A PostgreSQL database as a source, through libpq. TLS and every other connection parameter
// come from the libpq URI (sslmode=require / verify-ca / verify-full are honoured by libpq).
#pragma once

#include "connect/source.h"

struct pg_conn;

namespace tarn {

class PostgresSource final : public Source {
 public:
  static Result<std::unique_ptr<Source>> Open(const SourceConfig& config);
  ~PostgresSource() override;

  Result<SourceInfo> Probe() override;
  Result<std::vector<SourceTableName>> ListTables(const std::string& schema) override;
  Result<SourceTable> Describe(const std::string& table) override;
  Result<SourceTable> DescribeQuery(const std::string& query) override;
  // COPY (SELECT ...) TO STDOUT (FORMAT binary), decoded as it streams.
  Result<std::unique_ptr<BatchReader>> Extract(const ExtractRequest& request) override;
  Result<std::optional<std::pair<int64_t, int64_t>>> Bounds(
      const SourceRelation& relation, const ExtractRange& column,
      const std::vector<ExtractRange>& ranges) override;

  // The lake type for a column of type `type_name` (pg_type.typname; a domain's base type),
  // type modifier `typmod`, pg_type.typtype `kind` and typcategory `category`; nullopt with a
  // reason when tarn does not map it.
  static std::optional<DataType> MapType(const std::string& type_name, int typmod, char kind,
                                         char category, std::string* reason);

 private:
  using Row = std::vector<std::optional<std::string>>;
  PostgresSource(SourceConfig config, pg_conn* conn) : Source(std::move(config)), conn_(conn) {}
  // Runs one catalog query with text parameters; cells as text, NULL as nullopt.
  Result<std::vector<Row>> Query(const std::string& what, const std::string& sql,
                                 const std::vector<std::string>& params = {});

  // A column from the catalog row (name, format_type, typname, typtype, typcategory,
  // attnotnull, typmod) that Describe and DescribeQuery read.
  static SourceColumn ColumnFromCatalog(const Row& row);

  pg_conn* conn_;
};

}  // namespace tarn
