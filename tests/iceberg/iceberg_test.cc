// Iceberg tables in the SQL catalog: single values and transforms against the spec's own
// examples; tables tarn creates and appends to, read back by tarn's scan and by icebird, their
// manifests checked by python3-avro; commits that race or fail at every step.
#include <filesystem>
#include <set>

#include "iceberg/values.h"
#include "iceberg_fixture.h"
#include "store/fault_injecting_store.h"
#include "store/forwarding_store.h"

namespace tarn::testing {
namespace {

using iceberg::Transform;
using ::testing::AllOf;
using ::testing::HasSubstr;

Column One(const DataType& type, std::string_view text) {
  Column c(type);
  EXPECT_THAT(AppendText(text, type, &c), IsOk()) << text;
  return c;
}

// Spec, Appendix B: "32-bit hash requirements", the hash of each example value.
TEST(IcebergValuesTest, BucketHashesMatchTheSpecExamples) {
  struct Case {
    DataType type;
    const char* text;
    int32_t hash;
  };
  const Case cases[] = {
      {DataType{TypeId::kInt}, "34", 2017239379},
      {DataType{TypeId::kLong}, "34", 2017239379},
      {DataType::Decimal(9, 2), "14.20", -500754589},
      {DataType{TypeId::kDate}, "2017-11-16", -653330422},
      {DataType{TypeId::kTime}, "22:31:08", -662762989},
      {DataType{TypeId::kTimestamp}, "2017-11-16T22:31:08", -2047944441},
      {DataType{TypeId::kTimestampTz}, "2017-11-16T14:31:08-08:00", -2047944441},
      {DataType{TypeId::kString}, "iceberg", 1210000089},
      {DataType{TypeId::kUuid}, "f79c3e09-677c-4bbd-a479-3f349cb785e7", 1488055340},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Column value = One(c.type, c.text);
    // bucket[N] is (hash & INT_MAX) % N; with N = 2^31 - 1 the masked hash shows through.
    Transform bucket{Transform::kBucket, INT32_MAX};
    std::optional<Column> b = bucket.Apply(value, 0);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->GetInt32(0), (c.hash & INT32_MAX) % INT32_MAX);
  }
  EXPECT_EQ(iceberg::Murmur3Hash32(std::string("\x00\x01\x02\x03", 4)), -188683207);
}

TEST(IcebergValuesTest, TransformsFollowTheSpec) {
  auto apply = [](const char* transform, const DataType& type, const char* text) {
    Column value = One(type, text);
    std::optional<Column> out = Transform::Parse(transform).value().Apply(value, 0);
    std::string shown = "null";
    if (out) {
      shown.clear();
      FormatValue(*out, 0, &shown);
    }
    return shown;
  };
  const DataType ts{TypeId::kTimestamp};
  EXPECT_EQ(apply("year", ts, "2017-11-16T22:31:08"), "47");
  EXPECT_EQ(apply("month", ts, "2017-11-16T22:31:08"), "574");
  EXPECT_EQ(apply("day", ts, "2017-11-16T22:31:08"), "2017-11-16");
  EXPECT_EQ(apply("hour", ts, "2017-11-16T22:31:08"), "419686");
  EXPECT_EQ(apply("day", ts, "1969-12-31T23:59:59"), "1969-12-31");  // floor, not truncation
  EXPECT_EQ(apply("month", DataType{TypeId::kDate}, "1969-12-31"), "-1");
  // Spec examples for truncate.
  EXPECT_EQ(apply("truncate[10]", DataType{TypeId::kInt}, "1"), "0");
  EXPECT_EQ(apply("truncate[10]", DataType{TypeId::kInt}, "-1"), "-10");
  EXPECT_EQ(apply("truncate[50]", DataType::Decimal(9, 2), "10.65"), "10.50");
  EXPECT_EQ(apply("truncate[3]", DataType{TypeId::kString}, "iceberg"), "ice");
  EXPECT_EQ(apply("truncate[2]", DataType{TypeId::kString}, "äöü"), "äö");
  EXPECT_THAT(Transform::Parse("bucket[0]"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Transform::Parse("day").value().ResultType(DataType{TypeId::kString}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("does not apply to string")));
}

TEST(IcebergValuesTest, SingleValuesRoundTripAndBoundsTruncate) {
  for (const auto& [type, text] : std::vector<std::pair<DataType, std::string>>{
           {DataType{TypeId::kInt}, "-7"},
           {DataType{TypeId::kLong}, "-9223372036854775808"},
           {DataType::Decimal(38, 4), "-1234567890123456789012345678901.2345"},
           {DataType::Decimal(5, 2), "-1.28"},
           {DataType{TypeId::kDate}, "1960-02-29"},
           {DataType{TypeId::kTimestampTz}, "2262-04-12T00:00:00Z"},
           {DataType{TypeId::kString}, "ümlaut"},
           {DataType{TypeId::kUuid}, "f79c3e09-677c-4bbd-a479-3f349cb785e7"},
           {DataType{TypeId::kBoolean}, "true"},
           {DataType{TypeId::kDouble}, "-0.5"}}) {
    SCOPED_TRACE(text);
    Column value = One(type, text);
    std::string bytes = iceberg::SerializeValue(value, 0);
    std::optional<Column> back = iceberg::DeserializeValue(type, bytes);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(iceberg::CompareValues(*back, value), 0);
  }
  // Decimals take the fewest bytes: 14.20 is 1420 = 0x058C.
  EXPECT_EQ(iceberg::SerializeValue(One(DataType::Decimal(9, 2), "14.20"), 0), "\x05\x8c");
  EXPECT_EQ(iceberg::SerializeValue(One(DataType::Decimal(9, 2), "-1.28"), 0), "\x80");
  const DataType str{TypeId::kString};
  EXPECT_EQ(iceberg::TruncateLowerBound(str, "abcdefghijklmnopqrstuvwxyz"), "abcdefghijklmnop");
  EXPECT_EQ(iceberg::TruncateUpperBound(str, "abcdefghijklmnopqrstuvwxyz"), "abcdefghijklmnoq");
  EXPECT_EQ(iceberg::TruncateUpperBound(str, "short"), "short");
  const DataType bin{TypeId::kBinary};
  EXPECT_EQ(iceberg::TruncateUpperBound(bin, std::string(20, '\xff')), std::nullopt);
}

TEST_F(IcebergTableTest, AppendsAreReadByTarnAndIcebirdAndPassTheAvroCheck) {
  TableIdentifier id{"sales", "orders"};
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, {}));
  EXPECT_TRUE(ScanText(*table).empty());
  TARN_ASSERT_OK_AND_ASSIGN(Snapshot first, Append(*table, {Rows(0, 500)}));
  TARN_ASSERT_OK_AND_ASSIGN(Snapshot second, Append(*table, {Rows(500, 300), Rows(800, 200)}));
  EXPECT_EQ(second.parent_snapshot_id, first.snapshot_id);
  EXPECT_EQ(second.sequence_number, 2);
  EXPECT_EQ(second.summary.at("total-records"), "1000");
  EXPECT_EQ(second.summary.at("added-records"), "500");
  EXPECT_EQ(second.summary.at("total-data-files"), "2");

  std::vector<std::string> ours = ScanText(*table);
  ASSERT_EQ(ours.size(), 1000u);
  EXPECT_EQ(ours[7], "7|null|8.75|2024-01-01T07:00:00");
  EXPECT_EQ(ours[999], "999|customer 11|1248.75|2024-02-11T15:00:00");
  EXPECT_EQ(IcebirdText(*table), ours);
  nlohmann::json check = CheckManifests(*table);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();
  EXPECT_EQ(check["data_files"], 3);  // 1 in the first snapshot, 2 in the second

  // A fresh load sees the same; time travel sees the first append only.
  TARN_ASSERT_OK_AND_ASSIGN(auto again, Table::Load(*catalog_, *base_, id));
  EXPECT_EQ(ScanText(*again), ours);
  iceberg::ScanOptions past;
  past.snapshot_id = first.snapshot_id;
  EXPECT_EQ(ScanText(*again, past).size(), 500u);
  past = {};
  past.as_of_ms = first.timestamp_ms;
  EXPECT_EQ(ScanText(*again, past).size(), 500u);
  past = {};
  past.snapshot_id = 12345;
  EXPECT_THAT(TableScan::Open(*again, past), StatusIs(StatusCode::kNotFound));
}

TEST_F(IcebergTableTest, PartitionedTablesPruneAndReadBackEverywhere) {
  TableIdentifier id{"sales", "by_day"};
  TARN_ASSERT_OK_AND_ASSIGN(PartitionSpec spec,
                            iceberg::ParsePartitionSpec("day(ts), bucket(4, id)", schema_));
  EXPECT_EQ(spec.fields[0].name, "ts_day");
  EXPECT_EQ(spec.fields[1].name, "id_bucket_4");
  EXPECT_EQ(spec.fields[1].field_id, 1001);
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, spec));
  TARN_ASSERT_OK_AND_ASSIGN(Snapshot snap, Append(*table, {Rows(0, 96)}));  // 4 days
  EXPECT_EQ(snap.summary.at("changed-partition-count"), "16");              // 4 days x 4 buckets
  EXPECT_EQ(snap.summary.at("added-data-files"), "16");

  std::vector<std::string> ours = ScanText(*table);
  ASSERT_EQ(ours.size(), 96u);
  EXPECT_EQ(IcebirdText(*table), ours);
  nlohmann::json check = CheckManifests(*table);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();

  // One day's rows: the other days' files are never opened.
  iceberg::ScanOptions one_day;
  one_day.where = "ts >= TIMESTAMP '2024-01-02T00:00:00' AND ts < TIMESTAMP '2024-01-03T00:00:00'";
  TARN_ASSERT_OK_AND_ASSIGN(auto scan, TableScan::Open(*table, one_day));
  EXPECT_EQ(scan->files().size(), 4u);
  EXPECT_EQ(scan->files_skipped(), 12);
  EXPECT_EQ(ScanText(*table, one_day).size(), 24u);
  // By column bounds too: ids 90..95 live in the last day's files only.
  iceberg::ScanOptions ids;
  ids.where = "id >= 90";
  ids.columns = {"id"};
  TARN_ASSERT_OK_AND_ASSIGN(scan, TableScan::Open(*table, ids));
  EXPECT_LE(scan->files().size(), 4u);
  EXPECT_EQ(ScanText(*table, ids), (std::vector<std::string>{"90", "91", "92", "93", "94", "95"}));
}

TEST_F(IcebergTableTest, RegisteredParquetFilesAreAppendedWithTheirMetrics) {
  TableIdentifier id{"sales", "registered"};
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, {}));
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<DataFile> written, table->WriteDataFiles({Rows(0, 50)}));
  ASSERT_EQ(written.size(), 1u);
  std::string key = iceberg::KeyForUri(*base_, written[0].file_path).value();
  TARN_ASSERT_OK_AND_ASSIGN(DataFile described, table->DescribeParquetFile(key));
  EXPECT_EQ(described.record_count, 50);
  EXPECT_EQ(described.file_size_in_bytes, written[0].file_size_in_bytes);
  EXPECT_EQ(described.lower_bounds, written[0].lower_bounds);
  EXPECT_EQ(described.null_value_counts, written[0].null_value_counts);
  TARN_ASSERT_OK(table->AppendFiles({described}).status());
  EXPECT_EQ(ScanText(*table).size(), 50u);
}

TEST_F(IcebergTableTest, ConcurrentAppendsBothLand) {
  TableIdentifier id{"sales", "busy"};
  TARN_ASSERT_OK_AND_ASSIGN(auto a, Table::Create(*catalog_, *base_, id, schema_, {}));
  TARN_ASSERT_OK_AND_ASSIGN(auto b, Table::Load(*catalog_, *base_, id));
  TARN_ASSERT_OK(Append(*a, {Rows(0, 10)}).status());
  // b still holds the old metadata: its first compare-and-swap loses, and it tries again.
  TARN_ASSERT_OK_AND_ASSIGN(Snapshot snap, Append(*b, {Rows(10, 10)}));
  EXPECT_EQ(snap.sequence_number, 2);
  TARN_ASSERT_OK(a->Refresh());
  EXPECT_EQ(ScanText(*a).size(), 20u);
  EXPECT_EQ(IcebirdText(*a).size(), 20u);
  // The lost attempt's files are gone: only referenced metadata files remain.
  nlohmann::json check = CheckManifests(*a);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();
  EXPECT_EQ(check["manifests"], 3);  // snapshot 1: one; snapshot 2: its own and snapshot 1's
  int avro_files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path() + "/lake")) {
    avro_files += entry.path().extension() == ".avro" ? 1 : 0;
  }
  EXPECT_EQ(avro_files, 4);  // two manifests and two manifest lists
}

TEST_F(IcebergTableTest, AFailureAtAnyStepLeavesTheOldOrTheNewTable) {
  TableIdentifier id{"sales", "faulty"};
  TARN_ASSERT_OK_AND_ASSIGN(auto setup, Table::Create(*catalog_, *base_, id, schema_, {}));
  TARN_ASSERT_OK(Append(*setup, {Rows(0, 20)}).status());
  for (StoreOp op : {StoreOp::kPut, StoreOp::kWrite, StoreOp::kRead, StoreOp::kStat}) {
    for (FaultTiming timing : {FaultTiming::kBefore, FaultTiming::kAfter}) {
      for (int64_t n = 1; n <= 12; ++n) {
        SCOPED_TRACE(std::string(StoreOpName(op)) + " #" + std::to_string(n) +
                     (timing == FaultTiming::kAfter ? " (applied)" : ""));
        auto faulty = std::make_shared<FaultInjectingStore>(base_, 7);
        TARN_ASSERT_OK_AND_ASSIGN(auto before, Table::Load(*catalog_, *base_, id));
        size_t old_rows = ScanText(*before).size();
        auto table = Table::Load(*catalog_, *faulty, id);
        ASSERT_THAT(table, IsOk());
        faulty->FailNth(op, n, timing);
        Result<Snapshot> appended = Append(**table, {Rows(1000 + n, 5)});
        // Whatever happened, the table loads and scans to the old or the new rows.
        TARN_ASSERT_OK_AND_ASSIGN(auto after, Table::Load(*catalog_, *base_, id));
        size_t rows = ScanText(*after).size();
        if (appended.ok()) {
          EXPECT_EQ(rows, old_rows + 5);
        } else {
          EXPECT_TRUE(rows == old_rows || rows == old_rows + 5) << rows;
        }
      }
    }
  }
  // Every file the surviving metadata references exists and is well formed.
  TARN_ASSERT_OK_AND_ASSIGN(auto last, Table::Load(*catalog_, *base_, id));
  nlohmann::json check = CheckManifests(*last);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();
  EXPECT_EQ(IcebirdText(*last), ScanText(*last));
}

// The same for a delete, a compaction and a snapshot expiry, each failed or crashed at every
// call of every kind it makes (until a run makes fewer such calls than the fault waits for),
// each case on a fresh table of four snapshots: the table still loads, its rows are the old or
// the new ones, and every snapshot left still scans, so no file that metadata references went
// missing.
TEST_F(IcebergTableTest, DeletesCompactionsAndExpiriesSurviveAFailureAtAnyStep) {
  struct Operation {
    const char* name;
    std::function<Status(Table&)> run;
    bool changes_rows;  // else the rows stay exactly as they were
  };
  const std::vector<Operation> operations = {
      {"delete", [](Table& t) { return t.DeleteWhere("id = 15").status(); }, true},
      {"compact", [](Table& t) { return t.Compact().status(); }, false},
      {"expire", [](Table& t) { return t.ExpireSnapshots(std::nullopt, 2).status(); }, false},
  };
  int64_t cases = 0;
  std::unique_ptr<Table> last;
  for (const Operation& operation : operations) {
    for (StoreOp op :
         {StoreOp::kPut, StoreOp::kWrite, StoreOp::kRead, StoreOp::kStat, StoreOp::kDelete}) {
      // Fail before, fail after taking effect, crash. A read or stat that fails after running
      // changed nothing, and a crash there is the same as a crash at the next write.
      const bool reads = op == StoreOp::kRead || op == StoreOp::kStat;
      for (int mode = 0; mode < (reads ? 1 : 3); ++mode) {
        for (int64_t n = 1;; ++n) {
          SCOPED_TRACE(std::string(operation.name) + ": " + std::string(StoreOpName(op)) + " #" +
                       std::to_string(n) +
                       (mode == 1   ? " (applied)"
                        : mode == 2 ? " (crash)"
                                    : ""));
          TableIdentifier id{"sales", "faulty_" + std::to_string(cases++)};
          TARN_ASSERT_OK_AND_ASSIGN(auto setup, Table::Create(*catalog_, *base_, id, schema_, {}));
          TARN_ASSERT_OK(Append(*setup, {Rows(0, 10)}).status());
          TARN_ASSERT_OK(Append(*setup, {Rows(10, 10)}).status());
          TARN_ASSERT_OK(setup->DeleteWhere("id = 1").status());
          TARN_ASSERT_OK(Append(*setup, {Rows(20, 2)}).status());
          std::vector<std::string> before = ScanText(*setup);
          std::vector<std::string> changed;
          for (const std::string& r : before) {
            if (!operation.changes_rows || !r.starts_with("15|")) changed.push_back(r);
          }

          auto faulty = std::make_shared<FaultInjectingStore>(base_, 7);
          TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Load(*catalog_, *faulty, id));
          if (mode == 2) {
            faulty->CrashAtNth(op, n);
          } else {
            faulty->FailNth(op, n, mode == 1 ? FaultTiming::kAfter : FaultTiming::kBefore);
          }
          Status status = operation.run(*table);
          const bool struck = faulty->calls(op) >= n;

          TARN_ASSERT_OK_AND_ASSIGN(auto after_table, Table::Load(*catalog_, *base_, id));
          std::vector<std::string> after = ScanText(*after_table);
          if (status.ok()) {
            EXPECT_EQ(after, changed);
          } else {
            EXPECT_TRUE(after == changed || after == before) << status.ToString();
          }
          for (const Snapshot& snap : after_table->metadata().snapshots) {
            iceberg::ScanOptions past;
            past.snapshot_id = snap.snapshot_id;
            ScanText(*after_table, past);  // fails the test if a file is missing
          }
          last = std::move(after_table);
          if (!struck) break;  // the run made fewer such calls: later n change nothing
        }
      }
    }
  }
  EXPECT_GT(cases, 150);  // 171 when written
  nlohmann::json check = CheckManifests(*last);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();
  EXPECT_EQ(IcebirdText(*last), ScanText(*last));
}

TEST_F(IcebergTableTest, CatalogRowsAreWhatOtherEnginesRead) {
  TableIdentifier id{"sales", "visible"};
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, {}));
  TARN_ASSERT_OK_AND_ASSIGN(
      QueryResult rows,
      db_->Execute("SELECT catalog_name, table_namespace, table_name, metadata_location, "
                   "iceberg_type FROM iceberg_tables"));
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(rows.GetString(0, 0).value(), "lake");
  EXPECT_EQ(rows.GetString(0, 1).value(), "sales");
  EXPECT_EQ(rows.GetString(0, 2).value(), "visible");
  EXPECT_THAT(rows.GetString(0, 3).value(), ::testing::StartsWith("file:///"));
  EXPECT_THAT(rows.GetString(0, 3).value(), ::testing::EndsWith(".metadata.json"));
  EXPECT_EQ(rows.GetString(0, 4).value(), "TABLE");
  TARN_ASSERT_OK_AND_ASSIGN(
      QueryResult ns, db_->Execute("SELECT namespace, property_key, property_value FROM "
                                   "iceberg_namespace_properties WHERE catalog_name = 'lake'"));
  ASSERT_EQ(ns.rows.size(), 1u);
  EXPECT_EQ(ns.GetString(0, 1).value(), "exists");

  // The compare-and-swap refuses a stale pointer.
  EXPECT_THAT(catalog_->CommitTable(id, "file:///elsewhere.metadata.json", "file:///x"),
              StatusIs(StatusCode::kAborted, HasSubstr("changed under this commit")));
  EXPECT_THAT(catalog_->DropNamespace("sales"),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("not empty")));
  EXPECT_THAT(catalog_->CreateNamespace("sales"), StatusIs(StatusCode::kAlreadyExists));
  for (const char* hostile : {"../etc", "a/b", "x y", "", "-rf", "a..b"}) {
    EXPECT_THAT(catalog_->CreateNamespace(hostile), StatusIs(StatusCode::kInvalidArgument))
        << hostile;
  }
  EXPECT_THAT(TableIdentifier::Parse("nonamespace"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Table::Create(*catalog_, *base_, {"missing", "t"}, schema_, {}),
              StatusIs(StatusCode::kNotFound, HasSubstr("namespace 'missing'")));
  EXPECT_THAT(Table::Create(*catalog_, *base_, id, schema_, {}),
              StatusIs(StatusCode::kAlreadyExists));
  TARN_ASSERT_OK(catalog_->RenameTable(id, {"sales", "renamed"}));
  TARN_ASSERT_OK(Table::Load(*catalog_, *base_, {"sales", "renamed"}).status());
  TARN_ASSERT_OK(catalog_->DropTable({"sales", "renamed"}));
  TARN_ASSERT_OK(catalog_->DropNamespace("sales"));
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<std::string> namespaces, catalog_->ListNamespaces());
  EXPECT_TRUE(namespaces.empty());
}

TEST_F(IcebergTableTest, DeletesAreMergedOnReadByTarnAndIcebird) {
  TableIdentifier id{"sales", "deletes"};
  TARN_ASSERT_OK_AND_ASSIGN(PartitionSpec spec, iceberg::ParsePartitionSpec("day(ts)", schema_));
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, spec));
  TARN_ASSERT_OK_AND_ASSIGN(Snapshot before, Append(*table, {Rows(0, 100)}));
  TARN_ASSERT_OK(Append(*table, {Rows(100, 100)}).status());

  TARN_ASSERT_OK_AND_ASSIGN(Table::DeleteResult deleted,
                            table->DeleteWhere("id IN (3, 50, 150, 199) OR customer IS NULL"));
  // Null customers at every 7th id (0, 7, ..., 196), and the four ids, none of them a multiple
  // of 7.
  int64_t nulls = 0;
  for (int64_t i = 0; i < 200; ++i) nulls += i % 7 == 0 ? 1 : 0;
  EXPECT_EQ(deleted.rows, nulls + 4);
  ASSERT_TRUE(deleted.snapshot.has_value());
  EXPECT_EQ(deleted.snapshot->operation(), "delete");
  EXPECT_EQ(deleted.snapshot->summary.at("added-position-deletes"), std::to_string(deleted.rows));
  EXPECT_EQ(deleted.snapshot->summary.at("total-records"), "200");  // data rows are untouched

  std::vector<std::string> ours = ScanText(*table);
  EXPECT_EQ(ours.size(), static_cast<size_t>(200 - deleted.rows));
  for (const std::string& row : ours) {
    EXPECT_THAT(row, ::testing::Not(HasSubstr("|null|"))) << row;
    EXPECT_FALSE(row.starts_with("3|") || row.starts_with("50|") || row.starts_with("199|"));
  }
  EXPECT_EQ(IcebirdText(*table), ours);
  nlohmann::json check = CheckManifests(*table);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();

  // Deleting again finds nothing: deleted rows stay deleted.
  TARN_ASSERT_OK_AND_ASSIGN(Table::DeleteResult again, table->DeleteWhere("id = 3"));
  EXPECT_EQ(again.rows, 0);
  EXPECT_FALSE(again.snapshot.has_value());
  // The past is still there.
  iceberg::ScanOptions past;
  past.snapshot_id = before.snapshot_id;
  EXPECT_EQ(ScanText(*table, past).size(), 100u);
  // Rows appended after a delete are not affected by it (sequence numbers).
  TARN_ASSERT_OK(Append(*table, {Rows(3, 1)}).status());
  EXPECT_EQ(ScanText(*table).size(), ours.size() + 1);
  EXPECT_EQ(IcebirdText(*table).size(), ours.size() + 1);
}

// Appends and deletes each add a manifest; once a snapshot would list the table's
// commit.manifest.min-count-to-merge of one kind, the older ones are merged into one, their
// entries EXISTING with the sequence numbers they had, so deletes keep applying to exactly
// the rows they applied to before.
TEST_F(IcebergTableTest, ManifestsAreMergedAndDeletesStillApply) {
  TableIdentifier id{"sales", "merged"};
  TARN_ASSERT_OK_AND_ASSIGN(PartitionSpec spec, iceberg::ParsePartitionSpec("day(ts)", schema_));
  TARN_ASSERT_OK_AND_ASSIGN(auto table,
                            Table::Create(*catalog_, *base_, id, schema_, spec,
                                          {{"commit.manifest.min-count-to-merge", "4"}}));
  auto count = [&](int32_t content) {
    auto manifests = table->Manifests(*table->metadata().current_snapshot());
    EXPECT_THAT(manifests, IsOk());
    int64_t n = 0;
    for (const iceberg::ManifestFile& m : *manifests) n += m.content == content ? 1 : 0;
    return n;
  };
  int64_t most = 0;
  std::optional<int64_t> early;
  for (int64_t a = 0; a < 12; ++a) {
    TARN_ASSERT_OK_AND_ASSIGN(Snapshot snap, Append(*table, {Rows(a * 10, 10)}));
    if (a == 1) early = snap.snapshot_id;
    if (a == 2 || a == 6 || a == 7 || a == 8 || a == 9) {
      // Ids 3, 13, ... (one per append so far), then the same ids are appended again below.
      TARN_ASSERT_OK_AND_ASSIGN(Table::DeleteResult d,
                                table->DeleteWhere("id = " + std::to_string(a * 10 + 3)));
      EXPECT_EQ(d.rows, 1);
    }
    most = std::max(most, count(0));
    EXPECT_LT(count(1), 4);
  }
  EXPECT_LT(most, 4);
  // The deleted ids come back once each when appended after the deletes.
  TARN_ASSERT_OK(Append(*table, {Rows(23, 1), Rows(63, 1)}).status());

  std::vector<std::string> ours = ScanText(*table);
  EXPECT_EQ(ours.size(), 120u - 5 + 2);
  for (const char* gone : {"73|", "83|", "93|"}) {
    EXPECT_EQ(std::count_if(ours.begin(), ours.end(),
                            [&](const std::string& r) { return r.starts_with(gone); }),
              0);
  }
  EXPECT_EQ(std::count_if(ours.begin(), ours.end(),
                          [](const std::string& r) { return r.starts_with("23|"); }),
            1);
  EXPECT_EQ(IcebirdText(*table), ours);
  nlohmann::json check = CheckManifests(*table);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();
  TARN_ASSERT_OK_AND_ASSIGN(auto plan, TableScan::Open(*table, {}));
  EXPECT_EQ(table->metadata().current_snapshot()->summary.at("total-data-files"),
            std::to_string(plan->files().size()));
  EXPECT_GT(plan->files().size(), 13u);  // 12 appends and 1 with two files, some split by day
  // Old snapshots keep their own manifest lists.
  iceberg::ScanOptions past;
  past.snapshot_id = early;
  EXPECT_EQ(ScanText(*table, past).size(), 20u);

  // Merging can be turned off, as in other engines.
  TARN_ASSERT_OK_AND_ASSIGN(auto unmerged,
                            Table::Create(*catalog_, *base_, {"sales", "unmerged"}, schema_, spec,
                                          {{"commit.manifest.min-count-to-merge", "4"},
                                           {"commit.manifest-merge.enabled", "false"}}));
  for (int64_t a = 0; a < 6; ++a) TARN_ASSERT_OK(Append(*unmerged, {Rows(a, 1)}).status());
  TARN_ASSERT_OK_AND_ASSIGN(auto listed,
                            unmerged->Manifests(*unmerged->metadata().current_snapshot()));
  EXPECT_EQ(listed.size(), 6u);
}

// Runs `hook` once, just before the first manifest is written through it: the moment between
// an operation's plan and its commit.
class BeforeManifestStore : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::function<void()> hook;
  Status PutIfAbsent(std::string_view key, std::string_view data) override {
    if (hook && key.ends_with(".avro") && key.find("/snap-") == std::string_view::npos) {
      std::function<void()> once = std::move(hook);
      hook = nullptr;
      once();
    }
    return ForwardingStore::PutIfAbsent(key, data);
  }
};

// A delete or compaction that a concurrent commit invalidates fails with kAborted, says what
// changed, leaves the table as the other writer left it, and succeeds when run again.
TEST_F(IcebergTableTest, ConflictingDeletesAndCompactionsAbortAndCanRunAgain) {
  TableIdentifier id{"sales", "conflicts"};
  TARN_ASSERT_OK_AND_ASSIGN(auto a, Table::Create(*catalog_, *base_, id, schema_, {}));
  TARN_ASSERT_OK(Append(*a, {Rows(0, 10)}).status());
  TARN_ASSERT_OK(Append(*a, {Rows(10, 10)}).status());

  // A delete planned on files that a compaction then rewrote.
  TARN_ASSERT_OK_AND_ASSIGN(auto stale, Table::Load(*catalog_, *base_, id));
  TARN_ASSERT_OK_AND_ASSIGN(Table::CompactResult compacted, a->Compact());
  EXPECT_EQ(compacted.files_rewritten, 2);
  EXPECT_THAT(stale->DeleteWhere("id = 3"),
              StatusIs(StatusCode::kAborted, AllOf(HasSubstr("which removed data file"),
                                                   HasSubstr("run the delete again"))));
  EXPECT_EQ(ScanText(*a).size(), 20u);
  TARN_ASSERT_OK(stale->Refresh());
  TARN_ASSERT_OK_AND_ASSIGN(Table::DeleteResult again, stale->DeleteWhere("id = 3"));
  EXPECT_EQ(again.rows, 1);

  // A compaction during which a delete lands on a file it is rewriting.
  TARN_ASSERT_OK(Append(*a, {Rows(20, 10)}).status());
  auto hooked = std::make_shared<BeforeManifestStore>(base_);
  TARN_ASSERT_OK_AND_ASSIGN(auto c, Table::Load(*catalog_, *hooked, id));
  hooked->hook = [&] { EXPECT_THAT(a->DeleteWhere("id = 25"), IsOk()); };
  EXPECT_THAT(c->Compact(), StatusIs(StatusCode::kAborted, AllOf(HasSubstr("which added deletes"),
                                                                 HasSubstr("run it again"))));
  EXPECT_FALSE(hooked->hook);  // it did run
  TARN_ASSERT_OK(a->Refresh());
  std::vector<std::string> rows = ScanText(*a);
  EXPECT_EQ(rows.size(), 28u);  // 30 rows, ids 3 and 25 deleted
  TARN_ASSERT_OK_AND_ASSIGN(Table::CompactResult retried, c->Compact());
  EXPECT_TRUE(retried.snapshot.has_value());
  EXPECT_EQ(ScanText(*c), rows);
  EXPECT_EQ(IcebirdText(*c), rows);
  nlohmann::json check = CheckManifests(*c);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();
}

TEST_F(IcebergTableTest, ADeleteRacingAnAppendIsReapplied) {
  TableIdentifier id{"sales", "race"};
  TARN_ASSERT_OK_AND_ASSIGN(auto a, Table::Create(*catalog_, *base_, id, schema_, {}));
  TARN_ASSERT_OK(Append(*a, {Rows(0, 10)}).status());
  TARN_ASSERT_OK_AND_ASSIGN(auto b, Table::Load(*catalog_, *base_, id));
  TARN_ASSERT_OK(Append(*a, {Rows(10, 10)}).status());
  TARN_ASSERT_OK_AND_ASSIGN(Table::DeleteResult deleted, b->DeleteWhere("id < 5"));
  EXPECT_EQ(deleted.rows, 5);
  TARN_ASSERT_OK(a->Refresh());
  EXPECT_EQ(ScanText(*a).size(), 15u);
}

// Tables written by other engines may carry equality deletes: tarn applies them by sequence
// number and partition, as icebird does.
TEST_F(IcebergTableTest, EqualityDeletesFromOtherWritersApply) {
  TableIdentifier id{"sales", "equality"};
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, {}));
  TARN_ASSERT_OK(Append(*table, {Rows(0, 30)}).status());
  // An equality delete file on customer, as another engine would commit it.
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{2, "customer", DataType{TypeId::kString}, false}});
  auto commit_keys = [&](const std::string& name, std::vector<std::optional<std::string>> values) {
    ColumnBatch keys(schema);
    for (const auto& v : values) {
      if (v) {
        keys.column(0).AppendBytes(*v);
      } else {
        keys.column(0).AppendNull();
      }
    }
    std::string key = "warehouse/sales/equality/data/" + name + ".parquet";
    auto writer = ParquetWriter::Open(*base_, key, schema);
    ASSERT_THAT(writer, IsOk());
    TARN_ASSERT_OK((*writer)->Write(keys));
    TARN_ASSERT_OK_AND_ASSIGN(ParquetFileSummary summary, (*writer)->Close());
    DataFile del;
    del.content = iceberg::FileContent::kEqualityDeletes;
    del.file_path = base_->Uri(key);
    del.record_count = static_cast<int64_t>(values.size());
    del.file_size_in_bytes = static_cast<int64_t>(summary.file_size);
    del.equality_ids = {2};
    TARN_ASSERT_OK_AND_ASSIGN(Snapshot snap, table->AppendFiles({del}));
    EXPECT_EQ(snap.summary.at("added-equality-deletes"), std::to_string(values.size()));
  };
  commit_keys("eq-1", {"customer 1", "customer 2"});
  std::vector<std::string> ours = ScanText(*table);
  size_t expected = 0;
  for (int64_t i = 0; i < 30; ++i) {
    expected += (i % 7 == 0 || (i % 13 != 1 && i % 13 != 2)) ? 1 : 0;
  }
  EXPECT_EQ(ours.size(), expected);
  EXPECT_EQ(IcebirdText(*table), ours);
  // A null in a delete column matches null (spec "Equality Delete Files"). icebird 0.3.1 treats
  // it as matching anything, so only tarn is asked here.
  commit_keys("eq-null", {std::nullopt});
  size_t nulls = 0;
  for (int64_t i = 0; i < 30; ++i) nulls += i % 7 == 0 ? 1 : 0;
  EXPECT_EQ(ScanText(*table).size(), expected - nulls);
  expected -= nulls;
  // Rows appended later have a greater sequence number: the delete does not apply to them.
  TARN_ASSERT_OK(Append(*table, {Rows(40, 1)}).status());  // customer 1
  EXPECT_EQ(ScanText(*table).size(), expected + 1);
}

TEST_F(IcebergTableTest, ExpiringSnapshotsRemovesWhatOnlyTheyReached) {
  TableIdentifier id{"sales", "expire"};
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, {}));
  TARN_ASSERT_OK_AND_ASSIGN(Snapshot first, Append(*table, {Rows(0, 10)}));
  TARN_ASSERT_OK(Append(*table, {Rows(10, 10)}).status());
  TARN_ASSERT_OK(table->DeleteWhere("id < 3").status());
  TARN_ASSERT_OK(Append(*table, {Rows(20, 10)}).status());
  std::vector<std::string> rows = ScanText(*table);
  ASSERT_EQ(rows.size(), 27u);

  // Keep the current snapshot and its parent; the two before expire. Their manifest lists
  // go; every data file is still reachable from the current snapshot, so none goes.
  TARN_ASSERT_OK_AND_ASSIGN(Table::ExpireResult expired,
                            table->ExpireSnapshots(std::nullopt, /*retain_last=*/2));
  EXPECT_EQ(expired.snapshots, 2);
  EXPECT_EQ(expired.files_deleted, 2);
  EXPECT_EQ(table->metadata().snapshots.size(), 2u);
  EXPECT_EQ(table->metadata().snapshot_log.size(), 2u);
  EXPECT_EQ(ScanText(*table), rows);
  EXPECT_EQ(IcebirdText(*table), rows);
  nlohmann::json check = CheckManifests(*table);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();
  iceberg::ScanOptions past;
  past.snapshot_id = first.snapshot_id;
  EXPECT_THAT(TableScan::Open(*table, past), StatusIs(StatusCode::kNotFound));
  // Nothing left to expire but the current snapshot's parent.
  TARN_ASSERT_OK_AND_ASSIGN(expired, table->ExpireSnapshots(std::nullopt, 1));
  EXPECT_EQ(expired.snapshots, 1);
  TARN_ASSERT_OK_AND_ASSIGN(expired, table->ExpireSnapshots(std::nullopt, 1));
  EXPECT_EQ(expired.snapshots, 0);
  EXPECT_EQ(ScanText(*table), rows);
}

TEST_F(IcebergTableTest, OrphanRemovalTakesOnlyUnreferencedOldFiles) {
  TableIdentifier id{"sales", "orphans"};
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, {}));
  TARN_ASSERT_OK(Append(*table, {Rows(0, 10)}).status());
  // Files a failed append left behind, and a stray file.
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<DataFile> uncommitted,
                            table->WriteDataFiles({Rows(10, 5)}));
  TARN_ASSERT_OK(base_->Put("warehouse/sales/orphans/data/stray.tmp", "x"));
  const int64_t later = 4102444800000;  // 2100-01-01: every file is older
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<std::string> found,
                            table->RemoveOrphanFiles(later, /*dry_run=*/true));
  std::sort(found.begin(), found.end());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[1], "warehouse/sales/orphans/data/stray.tmp");
  EXPECT_EQ(base_->Uri(found[0]), uncommitted[0].file_path);
  EXPECT_THAT(base_->Stat(found[0]), IsOk());  // a dry run deletes nothing
  // Within the safety interval nothing is old enough.
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<std::string> young, table->RemoveOrphanFiles(0, false));
  EXPECT_TRUE(young.empty());
  TARN_ASSERT_OK_AND_ASSIGN(found, table->RemoveOrphanFiles(later, false));
  EXPECT_EQ(found.size(), 2u);
  EXPECT_THAT(base_->Stat(found[0]), StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(ScanText(*table).size(), 10u);
  nlohmann::json check = CheckManifests(*table);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();
}

TEST_F(IcebergTableTest, CompactionBinPacksAndDropsDeletedRows) {
  TableIdentifier id{"sales", "compact"};
  TARN_ASSERT_OK_AND_ASSIGN(PartitionSpec spec, iceberg::ParsePartitionSpec("day(ts)", schema_));
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, spec));
  for (int64_t i = 0; i < 4; ++i) TARN_ASSERT_OK(Append(*table, {Rows(i * 12, 12)}).status());
  // 48 rows over 2 days in 4 appends: 4 small files per... day 0 has ids 0-23, day 1 24-47.
  TARN_ASSERT_OK(table->DeleteWhere("id IN (1, 30, 31)").status());
  std::vector<std::string> rows = ScanText(*table);
  ASSERT_EQ(rows.size(), 45u);

  // Only the files with deletes first.
  TARN_ASSERT_OK_AND_ASSIGN(Table::CompactResult only, table->Compact(/*only_with_deletes=*/true));
  EXPECT_EQ(only.files_rewritten, 2);  // the file of id 1, and the file of ids 30 and 31
  EXPECT_EQ(only.delete_files_removed, 2);
  ASSERT_TRUE(only.snapshot.has_value());
  EXPECT_EQ(only.snapshot->operation(), "replace");
  EXPECT_EQ(only.snapshot->summary.at("total-records"), "45");
  EXPECT_EQ(only.snapshot->summary.at("total-delete-files"), "0");
  EXPECT_EQ(ScanText(*table), rows);
  EXPECT_EQ(IcebirdText(*table), rows);

  // Then everything small: one file per day.
  TARN_ASSERT_OK_AND_ASSIGN(Table::CompactResult all, table->Compact());
  EXPECT_EQ(all.files_written, 2);
  EXPECT_EQ(all.snapshot->summary.at("total-data-files"), "2");
  EXPECT_EQ(all.rows, 45);
  EXPECT_EQ(ScanText(*table), rows);
  EXPECT_EQ(IcebirdText(*table), rows);
  nlohmann::json check = CheckManifests(*table);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();
  // Nothing left to do.
  TARN_ASSERT_OK_AND_ASSIGN(Table::CompactResult none, table->Compact());
  EXPECT_FALSE(none.snapshot.has_value());
  // Expiring the history then removes the rewritten files and the delete files for good.
  TARN_ASSERT_OK_AND_ASSIGN(Table::ExpireResult expired, table->ExpireSnapshots(std::nullopt, 1));
  EXPECT_GT(expired.files_deleted, 8);
  size_t parquet = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path() + "/lake")) {
    parquet += e.path().extension() == ".parquet" ? 1 : 0;
  }
  EXPECT_EQ(parquet, 2u);
  EXPECT_EQ(ScanText(*table), rows);
}

TEST_F(IcebergTableTest, SchemaEvolutionKeepsOldFilesReadable) {
  TableIdentifier id{"sales", "evolve"};
  Schema schema = Schema::Parse("id:int,name:string?,score:float?,price:decimal(9,2)?").value();
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema, {}));
  auto rows = [&](const Schema& s, int first, int count) {
    ColumnBatch b(std::make_shared<const Schema>(s));
    for (int i = first; i < first + count; ++i) {
      for (size_t c = 0; c < s.num_fields(); ++c) {
        EXPECT_THAT(
            AppendText(c == 0 ? std::to_string(i)
                              : (c == 1 ? "n" + std::to_string(i) : std::to_string(i) + ".5"),
                       s.field(c).type, &b.column(c)),
            IsOk());
      }
    }
    return b;
  };
  TARN_ASSERT_OK(Append(*table, {rows(schema, 0, 3)}).status());
  using Change = Table::SchemaChange;
  TARN_ASSERT_OK_AND_ASSIGN(
      Schema evolved,
      table->UpdateSchema({{Change::kAdd, "note", "", DataType{TypeId::kString}},
                           {Change::kDrop, "score", "", {}},
                           {Change::kRename, "name", "label", {}},
                           {Change::kWiden, "id", "", DataType{TypeId::kLong}},
                           {Change::kWiden, "price", "", DataType::Decimal(18, 2)}}));
  EXPECT_EQ(evolved.ToString(), "id:long,label:string?,price:decimal(18,2)?,note:string?");
  EXPECT_EQ(evolved.field(3).id, 5);  // new ids continue after the last
  EXPECT_EQ(table->metadata().schemas.size(), 2u);
  TARN_ASSERT_OK(Append(*table, {rows(evolved, 3, 2)}).status());

  std::vector<std::string> scanned = ScanText(*table);
  EXPECT_EQ(scanned, (std::vector<std::string>{"0|n0|0.50|null", "1|n1|1.50|null", "2|n2|2.50|null",
                                               "3|n3|3.50|3.5", "4|n4|4.50|4.5"}));
  iceberg::ScanOptions where;
  where.where = "id >= 2 AND label != 'n4'";
  EXPECT_EQ(ScanText(*table, where).size(), 2u);
  nlohmann::json check = CheckManifests(*table);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();

  // What Iceberg forbids is refused, naming the column.
  EXPECT_THAT(table->UpdateSchema({{Change::kWiden, "label", "", DataType{TypeId::kLong}}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("'label' cannot change")));
  EXPECT_THAT(table->UpdateSchema({{Change::kAdd, "id", "", DataType{TypeId::kLong}}}),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(table->UpdateSchema({{Change::kDrop, "nope", "", {}}}),
              StatusIs(StatusCode::kNotFound));
}

// Deletes by explicit (file, position), as the erasure of indexed subjects will ask.
TEST_F(IcebergTableTest, DeletesByPositionTakeExactlyThoseRows) {
  TableIdentifier id{"sales", "positions"};
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, {}));
  TARN_ASSERT_OK(Append(*table, {Rows(0, 10)}).status());
  TARN_ASSERT_OK_AND_ASSIGN(auto scan, TableScan::Open(*table, {}));
  ASSERT_EQ(scan->files().size(), 1u);
  const std::string path = scan->files()[0].file.file_path;
  TARN_ASSERT_OK_AND_ASSIGN(Table::DeleteResult deleted,
                            table->DeletePositions({{path, {9, 0, 4, 4}}}));
  EXPECT_EQ(deleted.rows, 3);
  std::vector<std::string> rows = ScanText(*table);
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_TRUE(rows[0].starts_with("1|"));
  EXPECT_TRUE(rows[3].starts_with("5|"));
  EXPECT_EQ(IcebirdText(*table), rows);
  EXPECT_THAT(table->DeletePositions({{path, {10}}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("holds 10 rows")));
  EXPECT_THAT(table->DeletePositions({{path + "x", {1}}}), StatusIs(StatusCode::kNotFound));
  // DuckDB reads the data file itself as written (deletes are Iceberg's business).
  EXPECT_EQ(DuckDbQuery("SELECT count(*)::VARCHAR, sum(id)::VARCHAR FROM '" +
                        path.substr(std::string("file://").size()) + "'"),
            nlohmann::json::parse(R"([["10","45"]])"));
}

// A writer keeps at most kMaxOpenFiles partitions open (memory is a row group per open file):
// rows in partition order make one file per partition; scattered rows make more files, and
// every row is still written once.
TEST_F(IcebergTableTest, DataWritersBoundTheirOpenFiles) {
  TARN_ASSERT_OK_AND_ASSIGN(PartitionSpec spec, iceberg::ParsePartitionSpec("day(ts)", schema_));
  TARN_ASSERT_OK_AND_ASSIGN(
      auto table, Table::Create(*catalog_, *base_, {"sales", "open_files"}, schema_, spec));
  const int64_t days = 2 * static_cast<int64_t>(iceberg::DataWriter::kMaxOpenFiles) + 4;
  // In order: a day at a time (24 rows an hour apart), one batch per day.
  std::vector<ColumnBatch> sorted;
  for (int64_t d = 0; d < days; ++d) sorted.push_back(Rows(d * 24, 24));
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<DataFile> files, table->WriteDataFiles(sorted));
  EXPECT_EQ(static_cast<int64_t>(files.size()), days);
  // Scattered: every batch touches every day, so files are finished and reopened.
  std::vector<ColumnBatch> scattered;
  for (int64_t hour = 0; hour < 3; ++hour) {
    ColumnBatch batch(std::make_shared<const Schema>(schema_));
    for (int64_t d = 0; d < days; ++d) {
      ColumnBatch one = Rows(1000 + d * 24 + hour, 1);
      for (size_t c = 0; c < batch.num_columns(); ++c) batch.column(c).AppendFrom(one.column(c), 0);
    }
    scattered.push_back(std::move(batch));
  }
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<DataFile> more, table->WriteDataFiles(scattered));
  EXPECT_GT(static_cast<int64_t>(more.size()), days);
  files.insert(files.end(), more.begin(), more.end());
  TARN_ASSERT_OK(table->AppendFiles(files).status());
  std::vector<std::string> rows = ScanText(*table);
  EXPECT_EQ(static_cast<int64_t>(rows.size()), days * 24 + days * 3);
  std::set<std::string> unique(rows.begin(), rows.end());
  EXPECT_EQ(unique.size(), rows.size());
  EXPECT_EQ(IcebirdText(*table), rows);
}

// Columns match by name whatever their order; extra ones are ignored, missing optional ones
// are null; rows of two days interleaved land in one file per day, each row once.
TEST_F(IcebergTableTest, DataWritersPlaceColumnsByName) {
  TARN_ASSERT_OK_AND_ASSIGN(PartitionSpec spec, iceberg::ParsePartitionSpec("day(ts)", schema_));
  TARN_ASSERT_OK_AND_ASSIGN(auto table,
                            Table::Create(*catalog_, *base_, {"sales", "placed"}, schema_, spec));
  auto shuffled = std::make_shared<const Schema>(
      Schema::Parse("ts:timestamp,extra:string,id:long,amount:decimal(12,2)?").value());
  ColumnBatch batch(shuffled);
  for (int64_t i = 0; i < 6; ++i) {
    const int64_t day = i % 2 == 0 ? 0 : 1;  // alternating days: six runs, two partitions
    batch.column(0).AppendInt64(1704067200000000LL + day * 86400000000LL + i * 1000000);
    batch.column(1).AppendBytes("ignored");
    batch.column(2).AppendInt64(i);
    batch.column(3).AppendDecimal(i * 100);
  }
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<DataFile> files, table->WriteDataFiles({batch}));
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].record_count + files[1].record_count, 6);
  TARN_ASSERT_OK(table->AppendFiles(files).status());
  std::vector<std::string> rows = ScanText(*table);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0], "0|null|0.00|2024-01-01T00:00:00");
  EXPECT_EQ(rows[1], "1|null|1.00|2024-01-02T00:00:01");
  EXPECT_EQ(IcebirdText(*table), rows);
}

// Ingestion's two commits: a re-read that replaces rows (new files + position deletes in one
// `overwrite`), and a full reload (every live file replaced).
TEST_F(IcebergTableTest, OverwritesReplaceRowsInOneSnapshot) {
  TableIdentifier id{"sales", "overwrite"};
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Create(*catalog_, *base_, id, schema_, {}));
  TARN_ASSERT_OK(Append(*table, {Rows(0, 10)}).status());
  TARN_ASSERT_OK_AND_ASSIGN(auto scan, TableScan::Open(*table, {}));
  const std::string path = scan->files()[0].file.file_path;
  // Rows 5..9 re-read as 5..14: positions 5..9 go, 10 rows come, in one snapshot.
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<DataFile> reread, table->WriteDataFiles({Rows(5, 10)}));
  TARN_ASSERT_OK_AND_ASSIGN(Table::DeleteResult replaced,
                            table->DeletePositions({{path, {5, 6, 7, 8, 9}}}, reread));
  ASSERT_TRUE(replaced.snapshot.has_value());
  EXPECT_EQ(replaced.rows, 5);
  EXPECT_EQ(replaced.snapshot->operation(), "overwrite");
  EXPECT_EQ(replaced.snapshot->summary.at("added-records"), "10");
  EXPECT_EQ(replaced.snapshot->summary.at("added-position-deletes"), "5");
  EXPECT_EQ(table->metadata().snapshots.size(), 2u);
  std::vector<std::string> rows = ScanText(*table);
  ASSERT_EQ(rows.size(), 15u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_TRUE(rows[i].starts_with(std::to_string(i) + "|")) << rows[i];
  }
  EXPECT_EQ(IcebirdText(*table), rows);
  // Nothing to delete: a plain append; nothing at all: no snapshot.
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<DataFile> more, table->WriteDataFiles({Rows(15, 1)}));
  TARN_ASSERT_OK_AND_ASSIGN(Table::DeleteResult appended, table->DeletePositions({}, more));
  EXPECT_EQ(appended.snapshot->operation(), "append");
  TARN_ASSERT_OK_AND_ASSIGN(Table::DeleteResult none, table->DeletePositions({}, {}));
  EXPECT_FALSE(none.snapshot.has_value());

  // A full reload: whatever the table held (data and delete files) gives way to the new rows.
  TARN_ASSERT_OK_AND_ASSIGN(std::vector<DataFile> reload, table->WriteDataFiles({Rows(100, 3)}));
  TARN_ASSERT_OK_AND_ASSIGN(Snapshot full, table->ReplaceAll(reload));
  EXPECT_EQ(full.operation(), "overwrite");
  EXPECT_EQ(full.summary.at("deleted-data-files"), "3");
  EXPECT_EQ(full.summary.at("removed-delete-files"), "1");
  EXPECT_EQ(full.summary.at("total-records"), "3");
  EXPECT_EQ(full.summary.at("total-delete-files"), "0");
  rows = ScanText(*table);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0].starts_with("100|"));
  EXPECT_EQ(IcebirdText(*table), rows);
  // The rows before the reload are still there for time travel.
  iceberg::ScanOptions past;
  past.snapshot_id = replaced.snapshot->snapshot_id;
  EXPECT_EQ(ScanText(*table, past).size(), 15u);
  // A reload with no rows empties the table.
  TARN_ASSERT_OK_AND_ASSIGN(Snapshot emptied, table->ReplaceAll({}));
  EXPECT_EQ(emptied.summary.at("total-records"), "0");
  EXPECT_TRUE(ScanText(*table).empty());
  // (icebird 0.3.1 refuses a snapshot without live data files, so it is not asked here.)
  nlohmann::json check = CheckManifests(*table);
  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump();
  DataFile not_data;
  not_data.content = iceberg::FileContent::kPositionDeletes;
  EXPECT_THAT(table->ReplaceAll({not_data}), StatusIs(StatusCode::kInvalidArgument));
}

// DESIGN.md, "The one idea": tarn's own rows commit in the transaction that moves the table.
TEST_F(IcebergTableTest, RowsWrittenInTheCommitLandWithItOrNotAtAll) {
  TARN_ASSERT_OK(
      db_->Execute("CREATE TABLE watermark (job TEXT PRIMARY KEY, snapshot_id BIGINT)").status());
  TableIdentifier id{"sales", "atomic"};
  TARN_ASSERT_OK(Table::Create(*catalog_, *base_, id, schema_, {}).status());
  iceberg::TableOptions options;
  bool fail = false;
  options.in_commit = [&](Database& db, const Snapshot* snapshot) -> Status {
    TARN_RETURN_IF_ERROR(db.Execute("INSERT INTO watermark VALUES ('job', ?)",
                                    {snapshot == nullptr ? int64_t{0} : snapshot->snapshot_id})
                             .status());
    return fail ? Status::Internal("the job's bookkeeping failed") : Status::OK();
  };
  TARN_ASSERT_OK_AND_ASSIGN(auto table, Table::Load(*catalog_, *base_, id, options));
  TARN_ASSERT_OK_AND_ASSIGN(Snapshot snap, Append(*table, {Rows(0, 5)}));
  TARN_ASSERT_OK_AND_ASSIGN(QueryResult mark, db_->Execute("SELECT snapshot_id FROM watermark"));
  ASSERT_EQ(mark.rows.size(), 1u);
  EXPECT_EQ(mark.GetInt(0, 0).value(), snap.snapshot_id);

  // A failure in the transaction leaves both the table and the rows as they were.
  TARN_ASSERT_OK(db_->Execute("DELETE FROM watermark").status());
  fail = true;
  EXPECT_THAT(Append(*table, {Rows(5, 5)}), StatusIs(StatusCode::kInternal));
  TARN_ASSERT_OK_AND_ASSIGN(auto fresh, Table::Load(*catalog_, *base_, id));
  EXPECT_EQ(fresh->metadata().current_snapshot_id, snap.snapshot_id);
  EXPECT_EQ(ScanText(*fresh).size(), 5u);
  TARN_ASSERT_OK_AND_ASSIGN(mark, db_->Execute("SELECT snapshot_id FROM watermark"));
  EXPECT_TRUE(mark.rows.empty());
}

}  // namespace
}  // namespace tarn::testing
