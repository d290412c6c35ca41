// Iceberg tables whose catalog lives in PostgreSQL (a real server the harness starts): the
// operations and judges of iceberg_test, and commits racing from separate connections.
#include <thread>

#include "iceberg_fixture.h"
#include "postgres_server.h"
#include "server_environment.h"

namespace tarn::testing {
namespace {

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment<PostgresServer>);

class IcebergPostgresTest : public IcebergTableTest {
 protected:
  std::string DatabaseUri() override {
    PostgresServer* server = ServerEnvironment<PostgresServer>::server();
    if (server == nullptr) return "";
    static int counter = 0;
    Result<std::string> uri = server->CreateDatabase("iceberg" + std::to_string(++counter));
    EXPECT_THAT(uri, IsOk());
    return uri.ok() ? *uri : "";
  }
};

TEST_F(IcebergPostgresTest, EveryOperationCommitsThroughThePostgresCatalog) {
  TableIdentifier id{"sales", "orders"};
  TARN_ASSERT_OK_AND_ASSIGN(PartitionSpec spec, iceberg::ParsePartitionSpec("day(ts)", schema_));
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, spec));
  TARN_ASSERT_OK(Append(*table, {Rows(0, 40)}).status());
  TARN_ASSERT_OK(Append(*table, {Rows(40, 20)}).status());
  TARN_ASSERT_OK_AND_ASSIGN(Table::DeleteResult deleted, table->DeleteWhere("id IN (5, 45)"));
  EXPECT_EQ(deleted.rows, 2);
  std::vector<std::string> rows = ScanText(*table);
  ASSERT_EQ(rows.size(), 58u);
  EXPECT_EQ(IcebirdText(*table), rows);
  TARN_ASSERT_OK(table->Compact().status());
  TARN_ASSERT_OK(table->ExpireSnapshots(std::nullopt, 1).status());
  EXPECT_EQ(ScanText(*table), rows);
  EXPECT_EQ(IcebirdText(*table), rows);
  nlohmann::json check = CheckManifests(*table);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();

  // The catalog row other engines read names the current metadata file.
  TARN_ASSERT_OK_AND_ASSIGN(
      QueryResult row,
      db_->Execute(
          "SELECT metadata_location, iceberg_type FROM iceberg_tables WHERE "
          "catalog_name = 'lake' AND table_namespace = 'sales' AND table_name = 'orders'"));
  ASSERT_EQ(row.rows.size(), 1u);
  EXPECT_EQ(row.GetString(0, 0).value(), table->metadata_location());
  TARN_ASSERT_OK_AND_ASSIGN(auto reloaded, Table::Load(*catalog_, *base_, id));
  EXPECT_EQ(ScanText(*reloaded), rows);
}

// Four writers, each with its own connection, append at once: every append lands exactly once,
// the losers of each compare-and-swap retrying on fresh metadata.
TEST_F(IcebergPostgresTest, AppendsFromSeveralConnectionsAllLand) {
  TableIdentifier id{"sales", "busy"};
  TARN_ASSERT_OK(Table::Create(*catalog_, *base_, id, schema_, {}).status());
  const std::string uri = db_->description();
  constexpr int kWriters = 4, kAppends = 5;
  std::vector<std::thread> writers;
  std::vector<Status> outcomes(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      outcomes[w] = [&]() -> Status {
        DatabaseOptions options;
        options.uri = uri;
        TARN_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(options));
        Catalog catalog(*db, "lake");
        iceberg::TableOptions table_options;
        table_options.commit_attempts = 50;  // four writers contend for every commit
        TARN_ASSIGN_OR_RETURN(auto table, Table::Load(catalog, *base_, id, table_options));
        for (int a = 0; a < kAppends; ++a) {
          TARN_RETURN_IF_ERROR(Append(*table, {Rows((w * kAppends + a) * 10, 10)}).status());
        }
        return Status::OK();
      }();
    });
  }
  for (std::thread& t : writers) t.join();
  for (const Status& s : outcomes) EXPECT_THAT(s, IsOk());
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Load(*catalog_, *base_, id));
  std::vector<std::string> rows = ScanText(*table);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kWriters * kAppends * 10));
  for (size_t i = 0; i < rows.size(); ++i)
    EXPECT_TRUE(rows[i].starts_with(std::to_string(i) + "|"));
  EXPECT_EQ(table->metadata().snapshots.size(), static_cast<size_t>(kWriters * kAppends));
  nlohmann::json check = CheckManifests(*table);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();
}

}  // namespace
}  // namespace tarn::testing
