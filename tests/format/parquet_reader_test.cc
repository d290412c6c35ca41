// ParquetReader on our own files and on files DuckDB writes with each of its settings, checked
// value by value against DuckDB's reading; and on broken files, which must fail cleanly.
#include "format/parquet/parquet_reader.h"

#include <random>

#include "format/parquet/decoding.h"
#include "format/parquet/parquet_writer.h"
#include "parquet_judge.h"
#include "status_matchers.h"
#include "store/local_store.h"

namespace tarn::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

class ParquetReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::move(LocalStore::Open(dir_.path())).value(); }
  std::string Path(const std::string& key) { return dir_.path() + "/" + key; }

  // Reads every row group of `key` into one list of batches: whole groups when `batch_rows` is
  // 0, else streamed `batch_rows` at a time.
  std::vector<ColumnBatch> ReadAll(const std::string& key, size_t batch_rows = 0) {
    std::vector<ColumnBatch> batches;
    auto reader = ParquetReader::Open(*store_, key);
    EXPECT_THAT(reader, IsOk());
    if (!reader.ok()) return batches;
    for (size_t g = 0; g < (*reader)->num_row_groups(); ++g) {
      if (batch_rows == 0) {
        Result<ColumnBatch> batch = (*reader)->ReadRowGroup(g);
        EXPECT_THAT(batch, IsOk());
        if (batch.ok()) batches.push_back(std::move(batch).value());
        continue;
      }
      EXPECT_THAT((*reader)->StartRowGroup(g), IsOk());
      while (true) {
        ColumnBatch batch((*reader)->selected_schema());
        Result<size_t> rows = (*reader)->ReadBatch(batch_rows, &batch);
        EXPECT_THAT(rows, IsOk());
        if (!rows.ok() || *rows == 0) break;
        EXPECT_EQ(batch.num_rows(), *rows);
        EXPECT_LE(*rows, batch_rows);
        batches.push_back(std::move(batch));
      }
    }
    return batches;
  }

  // Reads `key` with our reader, whole groups and then in odd-sized batches that cut pages
  // anywhere, and with DuckDB, and checks every value.
  void ExpectReadsAsDuckDbDoes(const std::string& key) {
    for (size_t batch_rows : {0, 7, 1000}) {
      SCOPED_TRACE("batches of " + std::to_string(batch_rows) + " rows");
      ExpectReadsAsDuckDbDoes(key, batch_rows);
    }
  }
  void ExpectReadsAsDuckDbDoes(const std::string& key, size_t batch_rows) {
    nlohmann::json judged = JudgeParquet(Path(key));
    ASSERT_TRUE(judged.contains("rows")) << judged.dump();
    std::vector<ColumnBatch> batches = ReadAll(key, batch_rows);
    size_t row = 0;
    for (const ColumnBatch& batch : batches) {
      ASSERT_EQ(batch.num_columns(), judged["names"].size());
      for (size_t r = 0; r < batch.num_rows(); ++r, ++row) {
        ASSERT_LT(row, judged["rows"].size());
        for (size_t c = 0; c < batch.num_columns(); ++c) {
          ExpectCell(batch.column(c), r, judged["rows"][row][c], batch.schema()->field(c).name);
        }
      }
    }
    EXPECT_EQ(row, judged["rows"].size());
  }

  TempDir dir_;
  std::unique_ptr<LocalStore> store_;
};

// Every type DuckDB maps onto ours, with nulls.
const char* kDuckDbTable =
    "SELECT i::INTEGER AS i, i::BIGINT * 1000003 - 2500000000 AS l, (i % 7 = 0) AS b, "
    "i / 3.0::DOUBLE AS d, (i / 7.0)::FLOAT AS f, "
    "CASE WHEN i % 5 = 0 THEN NULL ELSE 'str ' || (i % 100) || ' ü' END AS s, "
    "(i * 1.25)::DECIMAL(9,2) AS dec9, (i * 12345678.9)::DECIMAL(18,3) AS dec18, "
    "(i::HUGEINT * 1234567890123456789)::DECIMAL(38,4) AS dec38, DATE '1960-01-01' + i::INTEGER AS "
    "dt, "
    "TIMESTAMP '1969-12-31 23:00:00' + INTERVAL (i * 3601) SECOND AS ts, "
    "TIMESTAMPTZ '2300-01-01 00:00:00+00' + INTERVAL (i) MINUTE AS tstz, "
    "TIME '00:00:00' + INTERVAL (i) SECOND AS tm, "
    "md5(i::VARCHAR)::UUID AS u, CASE WHEN i % 3 = 0 THEN NULL ELSE encode('b' || i) END AS bin, "
    "CASE WHEN i % 4 = 0 THEN NULL ELSE i % 10 END AS few "
    "FROM range(0, 3000) t(i)";

TEST_F(ParquetReaderTest, ReadsWhatDuckDbWritesInEverySetting) {
  const std::vector<std::pair<std::string, std::string>> settings = {
      {"defaults", ""},
      {"v2", ", PARQUET_VERSION v2"},
      {"zstd", ", COMPRESSION zstd"},
      {"gzip", ", COMPRESSION gzip"},
      {"none", ", COMPRESSION uncompressed"},
      {"lz4", ", COMPRESSION lz4"},
      {"brotli", ", COMPRESSION brotli"},
      {"v2-lz4_raw", ", PARQUET_VERSION v2, COMPRESSION lz4_raw"},
      {"v2-zstd-small-groups", ", PARQUET_VERSION v2, COMPRESSION zstd, ROW_GROUP_SIZE 1000"},
  };
  for (const auto& [name, options] : settings) {
    SCOPED_TRACE(name);
    std::string key = "duck-" + name + ".parquet";
    nlohmann::json made = DuckDbQuery("COPY (" + std::string(kDuckDbTable) + ") TO '" + Path(key) +
                                      "' (FORMAT parquet" + options + ")");
    ASSERT_FALSE(made.contains("error")) << made.dump();
    ExpectReadsAsDuckDbDoes(key);
  }
}

TEST_F(ParquetReaderTest, DuckDbV2FilesUseTheDeltaEncodings) {
  std::string key = "duck-encodings.parquet";
  ASSERT_FALSE(DuckDbQuery("COPY (" + std::string(kDuckDbTable) + ") TO '" + Path(key) +
                           "' (FORMAT parquet, PARQUET_VERSION v2)")
                   .contains("error"));
  nlohmann::json encodings = DuckDbQuery(
      "SELECT DISTINCT unnest(string_split(encodings, ', ')) AS e FROM parquet_metadata('" +
      Path(key) + "') ORDER BY e");
  // So the test above really exercised them.
  std::string all = encodings.dump();
  EXPECT_THAT(all, HasSubstr("DELTA_BINARY_PACKED"));
  EXPECT_THAT(all, AnyOf(HasSubstr("DELTA_LENGTH_BYTE_ARRAY"), HasSubstr("DELTA_BYTE_ARRAY")));
  EXPECT_THAT(all, HasSubstr("RLE_DICTIONARY"));
}

TEST_F(ParquetReaderTest, OurFilesReadBackIdentically) {
  auto schema = std::make_shared<Schema>(
      std::move(Schema::Parse("b:boolean?,i:int,l:long?,f:float?,d:double?,dec:decimal(38,6)?,dt:"
                              "date?,ts:timestamptz?,"
                              "s:string?,u:uuid?,fx:fixed[2]?"))
          .value());
  ColumnBatch batch(schema);
  // More rows than one 4,096-row slice, so that row groups are cut.
  for (int r = 0; r < 10000; ++r) {
    bool null = r % 11 == 3;
    auto maybe = [&](Column& c, auto append) {
      if (null) {
        c.AppendNull();
      } else {
        append(c);
      }
    };
    maybe(batch.column(0), [&](Column& c) { c.AppendBool(r % 2 == 0); });
    batch.column(1).AppendInt32(r * 7 - 5000);
    maybe(batch.column(2), [&](Column& c) { c.AppendInt64(int64_t{r} * 123456789012LL); });
    maybe(batch.column(3), [&](Column& c) { c.AppendFloat(r / 3.0f); });
    maybe(batch.column(4), [&](Column& c) { c.AppendDouble(-r / 7.0); });
    maybe(batch.column(5), [&](Column& c) {
      c.AppendDecimal(Int128{r} * 1000000007 * 1000000009 * (r % 2 ? -1 : 1));
    });
    maybe(batch.column(6), [&](Column& c) { c.AppendInt32(r - 1000); });
    maybe(batch.column(7), [&](Column& c) { c.AppendInt64(int64_t{r} * 3600000000LL); });
    maybe(batch.column(8), [&](Column& c) { c.AppendBytes("value " + std::to_string(r % 37)); });
    maybe(batch.column(9),
          [&](Column& c) { c.AppendBytes(std::string(16, static_cast<char>(r))); });
    maybe(batch.column(10),
          [&](Column& c) { c.AppendBytes(std::string(2, static_cast<char>(r % 5))); });
  }
  for (CompressionCodec codec : {CompressionCodec::kZstd, CompressionCodec::kSnappy,
                                 CompressionCodec::kGzip, CompressionCodec::kNone}) {
    SCOPED_TRACE(std::string(CodecName(codec)));
    ParquetWriterOptions options;
    options.compression = codec;
    options.page_size = 2048;
    options.row_group_size = 16 << 10;
    std::string key = "ours-" + std::string(CodecName(codec)) + ".parquet";
    TARN_ASSERT_OK_AND_ASSIGN(auto writer, ParquetWriter::Open(*store_, key, schema, options));
    TARN_ASSERT_OK(writer->Write(batch));
    TARN_ASSERT_OK(writer->Close().status());

    TARN_ASSERT_OK_AND_ASSIGN(auto reader, ParquetReader::Open(*store_, key));
    EXPECT_EQ(*reader->schema(), *schema);  // names, types, nullability and field ids
    EXPECT_GT(reader->num_row_groups(), 1u);
    // Whole groups, then batches of 7 rows, which end inside pages of 2 KiB.
    for (size_t batch_rows : {0, 7}) {
      SCOPED_TRACE("batches of " + std::to_string(batch_rows) + " rows");
      size_t row = 0;
      for (const ColumnBatch& got : ReadAll(key, batch_rows)) {
        for (size_t r = 0; r < got.num_rows(); ++r, ++row) {
          for (size_t c = 0; c < schema->num_fields(); ++c) {
            const Column& want = batch.column(c);
            const Column& have = got.column(c);
            ASSERT_EQ(have.IsValid(r), want.IsValid(row)) << "column " << c << " row " << row;
            if (!want.IsValid(row)) continue;
            switch (StorageOf(schema->field(c).type.id)) {
              case StorageKind::kBool:
                EXPECT_EQ(have.GetBool(r), want.GetBool(row));
                break;
              case StorageKind::kInt32:
                EXPECT_EQ(have.GetInt32(r), want.GetInt32(row));
                break;
              case StorageKind::kInt64:
                EXPECT_EQ(have.GetInt64(r), want.GetInt64(row));
                break;
              case StorageKind::kFloat:
                EXPECT_EQ(have.GetFloat(r), want.GetFloat(row));
                break;
              case StorageKind::kDouble:
                EXPECT_EQ(have.GetDouble(r), want.GetDouble(row));
                break;
              case StorageKind::kInt128:
                EXPECT_TRUE(have.GetDecimal(r) == want.GetDecimal(row));
                break;
              case StorageKind::kBytes:
                EXPECT_EQ(have.GetBytes(r), want.GetBytes(row));
                break;
            }
          }
        }
      }
      EXPECT_EQ(row, batch.num_rows());
    }
  }
}

// A chunk with no defined value at all (every row null) decodes to nulls, for every type.
TEST_F(ParquetReaderTest, AllNullColumnsReadAsNulls) {
  auto schema = std::make_shared<Schema>(
      std::move(Schema::Parse("id:long,a:long?,b:decimal(12,2)?,c:string?,d:double?,e:boolean?"))
          .value());
  ColumnBatch batch(schema);
  for (int r = 0; r < 3; ++r) {
    batch.column(0).AppendInt64(r);
    for (size_t c = 1; c < schema->num_fields(); ++c) batch.column(c).AppendNull();
  }
  TARN_ASSERT_OK_AND_ASSIGN(auto writer, ParquetWriter::Open(*store_, "nulls.parquet", schema));
  TARN_ASSERT_OK(writer->Write(batch));
  TARN_ASSERT_OK(writer->Close().status());
  for (size_t batch_rows : {0, 2}) {
    std::vector<ColumnBatch> read = ReadAll("nulls.parquet", batch_rows);
    size_t rows = 0;
    for (const ColumnBatch& b : read) {
      for (size_t c = 1; c < b.num_columns(); ++c)
        EXPECT_EQ(b.column(c).null_count(), b.num_rows());
      rows += b.num_rows();
    }
    EXPECT_EQ(rows, 3u);
  }
  ExpectReadsAsDuckDbDoes("nulls.parquet");
}

TEST_F(ParquetReaderTest, ProjectionReturnsTheNamedColumnsInOrder) {
  ASSERT_FALSE(DuckDbQuery("COPY (" + std::string(kDuckDbTable) + ") TO '" + Path("p.parquet") +
                           "' (FORMAT parquet)")
                   .contains("error"));
  TARN_ASSERT_OK_AND_ASSIGN(auto reader, ParquetReader::Open(*store_, "p.parquet"));
  EXPECT_EQ(reader->schema()->num_fields(), 16u);
  EXPECT_EQ(reader->schema()->field(0).id, 1);  // DuckDB wrote no field ids: numbered by position
  TARN_ASSERT_OK(reader->Select({"s", "i"}));
  TARN_ASSERT_OK_AND_ASSIGN(ColumnBatch batch, reader->ReadRowGroup(0));
  ASSERT_EQ(batch.num_columns(), 2u);
  EXPECT_EQ(batch.schema()->field(0).name, "s");
  EXPECT_TRUE(!batch.column(0).IsValid(0));  // i = 0: s is null
  EXPECT_EQ(batch.column(0).GetBytes(1), "str 1 ü");
  EXPECT_EQ(batch.column(1).GetInt32(1), 1);
  EXPECT_THAT(reader->Select({"nope"}),
              StatusIs(StatusCode::kNotFound, HasSubstr("has no column 'nope'")));
}

TEST_F(ParquetReaderTest, NestedColumnsAreListedAndRefusedByName) {
  ASSERT_FALSE(DuckDbQuery("COPY (SELECT 1 AS id, [1, 2] AS xs, {'a': 1} AS st, 'x' AS tail) TO '" +
                           Path("nested.parquet") + "' (FORMAT parquet)")
                   .contains("error"));
  TARN_ASSERT_OK_AND_ASSIGN(auto reader, ParquetReader::Open(*store_, "nested.parquet"));
  EXPECT_EQ(reader->schema()->ToString(), "id:int?,tail:string?");
  EXPECT_EQ(reader->nested_columns(), (std::vector<std::string>{"xs", "st"}));
  TARN_ASSERT_OK_AND_ASSIGN(ColumnBatch batch, reader->ReadRowGroup(0));
  EXPECT_EQ(batch.column(1).GetBytes(0), "x");  // the chunk after the nested leaves
  EXPECT_THAT(reader->Select({"id", "xs"}),
              StatusIs(StatusCode::kNotImplemented, HasSubstr("column 'xs' is nested")));
}

// --- Malformed input ---------------------------------------------------------------------

class MalformedParquetTest : public ParquetReaderTest {
 protected:
  void SetUp() override {
    ParquetReaderTest::SetUp();
    auto schema =
        std::make_shared<Schema>(std::move(Schema::Parse("id:long,name:string?")).value());
    ColumnBatch batch(schema);
    for (int r = 0; r < 500; ++r) {
      batch.column(0).AppendInt64(r);
      batch.column(1).AppendBytes("name " + std::to_string(r));
    }
    auto writer = std::move(ParquetWriter::Open(*store_, "good.parquet", schema)).value();
    ASSERT_TRUE(writer->Write(batch).ok());
    ASSERT_TRUE(writer->Close().ok());
    good_ = store_->Get("good.parquet").value();
  }

  // Opens `bytes` as a file and reads every row group; the first error, or OK.
  Status Try(const std::string& bytes) {
    EXPECT_TRUE(store_->Put("bad.parquet", bytes).ok());
    Result<std::unique_ptr<ParquetReader>> reader = ParquetReader::Open(*store_, "bad.parquet");
    if (!reader.ok()) return reader.status();
    for (size_t g = 0; g < (*reader)->num_row_groups(); ++g) {
      Status status = (*reader)->ReadRowGroup(g).status();
      if (!status.ok()) return status;
    }
    return Status::OK();
  }

  uint32_t FooterLength() const {
    uint32_t length;
    std::memcpy(&length, good_.data() + good_.size() - 8, 4);
    return length;
  }

  std::string good_;
};

TEST_F(MalformedParquetTest, EachBrokenPartIsCorruptionNamingTheFile) {
  const std::string uri = store_->Uri("bad.parquet");
  EXPECT_THAT(
      Try(good_.substr(0, 7)),
      StatusIs(StatusCode::kCorruption, "'" + uri + "': not a Parquet file: 7 bytes is too short"));
  EXPECT_THAT(Try(good_.substr(0, good_.size() - 1)),
              StatusIs(StatusCode::kCorruption, HasSubstr("no PAR1 magic at the end")));
  std::string bad_head = good_;
  bad_head[0] = 'X';
  EXPECT_THAT(Try(bad_head),
              StatusIs(StatusCode::kCorruption, HasSubstr("no PAR1 magic at the start")));
  std::string long_footer = good_;
  uint32_t huge = static_cast<uint32_t>(good_.size());
  std::memcpy(long_footer.data() + long_footer.size() - 8, &huge, 4);
  EXPECT_THAT(Try(long_footer),
              StatusIs(StatusCode::kCorruption, HasSubstr("runs past the start of the file")));
  std::string bad_thrift = good_;
  size_t footer_start = good_.size() - 8 - FooterLength();
  std::memset(bad_thrift.data() + footer_start, 0xFF, 16);
  EXPECT_THAT(Try(bad_thrift),
              StatusIs(StatusCode::kCorruption, HasSubstr("'" + uri + "': footer")));
  std::string bad_page = good_;  // the first page's compressed bytes, after the magic and header
  for (size_t i = 30; i < 60; ++i) bad_page[i] = static_cast<char>(bad_page[i] ^ 0x5A);
  EXPECT_THAT(Try(bad_page),
              StatusIs(StatusCode::kCorruption, HasSubstr("row group 0 column 'id'")));
  EXPECT_THAT(Try("PAR1" + std::string(100, '\0') + std::string("\x04\0\0\0", 4) + "PAR1"),
              StatusIs(StatusCode::kCorruption));
}

TEST_F(MalformedParquetTest, RandomDamageNeverCrashes) {
  // Replayable: the seed is fixed, and each case prints its mutation on failure.
  std::mt19937_64 random(20261121);
  int failures = 0;
  for (int round = 0; round < 300; ++round) {
    std::string bytes = good_;
    int flips = 1 + static_cast<int>(random() % 8);
    std::string what;
    for (int f = 0; f < flips; ++f) {
      size_t at = random() % bytes.size();
      char to = static_cast<char>(random());
      what += std::to_string(at) + ":" + std::to_string(static_cast<uint8_t>(to)) + " ";
      bytes[at] = to;
    }
    Status status = Try(bytes);
    if (!status.ok()) ++failures;
    EXPECT_THAT(status, AnyOf(IsOk(), StatusIs(StatusCode::kCorruption),
                              StatusIs(StatusCode::kNotImplemented),
                              StatusIs(StatusCode::kInvalidArgument)))
        << "mutation " << what;
  }
  EXPECT_GT(failures, 100);  // the damage was noticed, not ignored
}

TEST(ParquetDecodingTest, HostileEncodingsAreRefused) {
  std::vector<uint32_t> out;
  EXPECT_THAT(parquet::DecodeRleBitPacked("\x02\x01", 33, 1, &out),
              StatusIs(StatusCode::kCorruption, HasSubstr("bit width 33 is over 32")));
  EXPECT_THAT(parquet::DecodeRleBitPacked("\xff\xff\xff\x7f", 1, 5, &out),
              StatusIs(StatusCode::kCorruption, HasSubstr("runs past the end")));
  EXPECT_THAT(parquet::DecodeDictionaryIndices(std::string("\x02\x04\x03", 3), 2, 3, &out),
              StatusIs(StatusCode::kCorruption, "dictionary index 3 is out of range (3 entries)"));
  std::vector<int64_t> ints;
  // block 128, 1 miniblock, 2 values, first 0; min delta 0; width 65.
  EXPECT_THAT(
      parquet::DecodeDeltaBinaryPacked(std::string("\x80\x01\x01\x02\x00\x00\x41", 7), 2, &ints),
      StatusIs(StatusCode::kCorruption, HasSubstr("bit width 65 is over 64")));
  // 16 million values claimed in 6 bytes: refused before any room is reserved for them.
  EXPECT_THAT(parquet::DecodeDeltaBinaryPacked(
                  std::string("\x80\x01\x04\x80\x80\x80\x08\x00\x00", 9), 1 << 24, &ints),
              StatusIs(StatusCode::kCorruption, HasSubstr("more than its 9 bytes can hold")));
  parquet::PhysicalValues values;
  EXPECT_THAT(parquet::DecodeValues(std::string("\xff\xff\xff\x7f", 4), parquet::Encoding::kPlain,
                                    parquet::PhysicalType::kByteArray, 0, 1, &values),
              StatusIs(StatusCode::kCorruption, HasSubstr("runs past the end")));
}

}  // namespace
}  // namespace tarn::testing
