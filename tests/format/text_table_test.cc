// CSV and JSON lines: RFC 4180 details, schemas by name and by inference, exact text forms,
// and rows that do not fit.
#include "format/text_table.h"

#include <cmath>

#include "columnar/value_text.h"
#include "status_matchers.h"
#include "store/memory_store.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<const Schema> MakeSchema(const std::string& spec) {
  return std::make_shared<const Schema>(std::move(Schema::Parse(spec)).value());
}

std::string Text(const Column& column, size_t row) {
  if (!column.IsValid(row)) return "NULL";
  std::string out;
  FormatValue(column, row, &out);
  return out;
}

class TextTableTest : public ::testing::Test {
 protected:
  // Reads all of `text` as `format`; the rows as text, cells joined by '|'.
  Result<std::vector<std::string>> ReadRows(const std::string& text, TextFormat format,
                                            std::shared_ptr<const Schema> schema,
                                            TextOptions options = {},
                                            RejectSink rejects = nullptr) {
    TARN_RETURN_IF_ERROR(store_.Put("in", text));
    TARN_ASSIGN_OR_RETURN(auto reader,
                          TextTableReader::Open(store_, "in", format, options, std::move(schema),
                                                std::move(rejects)));
    schema_ = reader->schema();
    std::vector<std::string> rows;
    ColumnBatch batch(reader->schema());
    while (true) {
      TARN_ASSIGN_OR_RETURN(bool more, reader->Next(2, &batch));  // small batches: many calls
      if (!more) break;
      for (size_t r = 0; r < batch.num_rows(); ++r) {
        std::string row;
        for (size_t c = 0; c < batch.num_columns(); ++c)
          row += (c ? "|" : "") + Text(batch.column(c), r);
        rows.push_back(row);
      }
    }
    return rows;
  }

  MemoryStore store_;
  std::shared_ptr<const Schema> schema_;
};

TEST(ValueTextTest, DatesAndTimestampsSpanAllYears) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1, 1, 1), -719162);
  EXPECT_EQ(DaysFromCivil(2000, 2, 29), 11016);
  for (int64_t days : {int64_t{-719162}, int64_t{-1}, int64_t{0}, int64_t{11016}, int64_t{2932896},
                       int64_t{-800000}}) {
    int64_t y;
    int m, d;
    CivilFromDays(days, &y, &m, &d);
    EXPECT_EQ(DaysFromCivil(y, m, d), days);
  }
  Column ts(MakeType(TypeId::kTimestamp));
  for (const char* text :
       {"1969-12-31T23:59:59.999999", "2263-01-01T00:00:00", "0001-01-01T00:00:00",
        "-0044-03-15T12:00:00", "+10000-01-01T00:00:00"}) {
    TARN_ASSERT_OK(AppendText(text, ts.type(), &ts));
    EXPECT_EQ(Text(ts, ts.size() - 1), text);
  }
  EXPECT_EQ(ts.GetInt64(0), -1);
  EXPECT_THAT(AppendText("2024-02-30", MakeType(TypeId::kDate), &ts),
              StatusIs(StatusCode::kInvalidArgument,
                       "cannot read '2024-02-30' as date: expected YYYY-MM-DD"));
}

TEST(ValueTextTest, DecimalsAreExactAndBounded) {
  Column dec(DataType::Decimal(38, 10));
  TARN_ASSERT_OK(AppendText("-9999999999999999999999999999.9999999999", dec.type(), &dec));
  TARN_ASSERT_OK(AppendText("0.5", dec.type(), &dec));
  TARN_ASSERT_OK(AppendText("12", dec.type(), &dec));
  EXPECT_EQ(Text(dec, 0), "-9999999999999999999999999999.9999999999");
  EXPECT_EQ(Text(dec, 1), "0.5000000000");
  EXPECT_EQ(Text(dec, 2), "12.0000000000");
  Column small(DataType::Decimal(4, 2));
  EXPECT_THAT(AppendText("100.00", small.type(), &small), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(AppendText("1.234", small.type(), &small), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(AppendText(".", small.type(), &small), StatusIs(StatusCode::kInvalidArgument));
  TARN_EXPECT_OK(AppendText("1.230", small.type(), &small));  // a trailing zero is no extra place
}

TEST(ValueTextTest, FloatsKeepSpecialValues) {
  Column d(MakeType(TypeId::kDouble));
  for (const char* text : {"NaN", "Infinity", "-Infinity", "-0", "0.1", "1e+300"}) {
    TARN_ASSERT_OK(AppendText(text, d.type(), &d));
    EXPECT_EQ(Text(d, d.size() - 1), text);
  }
  EXPECT_TRUE(std::signbit(d.GetDouble(3)));
  EXPECT_THAT(AppendText("1.5x", d.type(), &d), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(AppendText("99999999999", MakeType(TypeId::kInt), &d),
              StatusIs(StatusCode::kInvalidArgument, "cannot read '99999999999' as int"));
}

TEST_F(TextTableTest, CsvFollowsRfc4180) {
  std::string csv =
      "id,name,note\r\n"
      "1,\"a, b\",\"line one\nline two\"\r\n"
      "2,\"say \"\"hi\"\"\",\r\n"
      "3,\"\",plain\n"
      "\n"
      "4,x,last";
  TARN_ASSERT_OK_AND_ASSIGN(
      auto rows, ReadRows(csv, TextFormat::kCsv, MakeSchema("id:long,name:string?,note:string?")));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|a, b|line one\nline two", "2|say \"hi\"|NULL",
                                            "3||plain", "4|x|last"}));
}

TEST_F(TextTableTest, CsvColumnsAreMatchedByName) {
  TARN_ASSERT_OK_AND_ASSIGN(
      auto rows, ReadRows("b,a\nx,1\n", TextFormat::kCsv, MakeSchema("a:long,b:string,c:double?")));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|x|NULL"}));
  EXPECT_THAT(
      ReadRows("a,zzz\n1,2\n", TextFormat::kCsv, MakeSchema("a:long")),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("column 'zzz' is not in the schema")));
  EXPECT_THAT(ReadRows("a\n1\n", TextFormat::kCsv, MakeSchema("a:long,b:long")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("required column 'b' is missing")));
  TextOptions no_header;
  no_header.header = false;
  no_header.delimiter = ';';
  TARN_ASSERT_OK_AND_ASSIGN(
      rows, ReadRows("1;x\n2;y\n", TextFormat::kCsv, MakeSchema("a:long,b:string"), no_header));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|x", "2|y"}));
}

TEST_F(TextTableTest, BadCsvNamesFileLineAndColumn) {
  EXPECT_THAT(ReadRows("a,b\n1,2\n3,oops\n", TextFormat::kCsv, MakeSchema("a:long,b:long")),
              StatusIs(StatusCode::kInvalidArgument,
                       "'mem://test/in' line 3 column 'b': cannot read 'oops' as long"));
  EXPECT_THAT(
      ReadRows("a,b\n1\n", TextFormat::kCsv, MakeSchema("a:long,b:long?")),
      StatusIs(StatusCode::kInvalidArgument, "'mem://test/in' line 2: expected 2 fields, found 1"));
  EXPECT_THAT(ReadRows("a,b\n1,\"open\n2,3\n", TextFormat::kCsv, MakeSchema("a:long,b:string")),
              StatusIs(StatusCode::kInvalidArgument,
                       "'mem://test/in': line 2: a quoted field never ends (broken quote)"));
  EXPECT_THAT(ReadRows("a,b\n1,x\"y\n", TextFormat::kCsv, MakeSchema("a:long,b:string")),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("line 2: a quote inside an unquoted field")));
  EXPECT_THAT(ReadRows("a\n\n", TextFormat::kCsv, MakeSchema("a:long")), IsOk());
  EXPECT_THAT(ReadRows("a\n1\n,\n", TextFormat::kCsv, MakeSchema("a:long")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("line 3")));
}

TEST_F(TextTableTest, RejectsCollectBadRowsAndReadingGoesOn) {
  std::vector<RejectedRow> rejected;
  RejectSink sink = [&](const RejectedRow& row) {
    rejected.push_back(row);
    return Status::OK();
  };
  TARN_ASSERT_OK_AND_ASSIGN(auto rows, ReadRows("a,b\n1,2\n2,x\n3\n4,5\n", TextFormat::kCsv,
                                                MakeSchema("a:long,b:long"), {}, sink));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|2", "4|5"}));
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_EQ(rejected[0].line, 3);
  EXPECT_EQ(rejected[0].reason, "column 'b': cannot read 'x' as long");
  EXPECT_EQ(rejected[0].text, "2,x");
  EXPECT_EQ(rejected[1].reason, "expected 2 fields, found 1");
}

TEST_F(TextTableTest, CsvSchemaIsInferredFromASample) {
  std::string csv =
      "id,price,day,at,ok,name,bits\n1,1.5,2024-01-02,2024-01-02 03:04:05,true,x,1\n"
      "2,,2024-01-03,2024-01-02T03:04:06,false,,0\n";
  TARN_ASSERT_OK(ReadRows(csv, TextFormat::kCsv, nullptr).status());
  EXPECT_EQ(schema_->ToString(),
            "id:long?,price:double?,day:date?,at:timestamp?,ok:boolean?,name:string?,bits:long?");
}

TEST_F(TextTableTest, JsonLinesMapKeysAndInferTypes) {
  std::string jsonl =
      "{\"id\": 1, \"name\": \"a\", \"score\": 1.5, \"ok\": true, \"day\": \"2024-01-02\", "
      "\"extra\": [1]}\n"
      "\n"
      "{\"id\": 2, \"score\": 2, \"ok\": null, \"day\": \"2024-01-03\"}\n";
  TARN_ASSERT_OK_AND_ASSIGN(auto rows, ReadRows(jsonl, TextFormat::kJsonLines, nullptr));
  EXPECT_EQ(schema_->ToString(),
            "id:long?,name:string?,score:double?,ok:boolean?,day:date?,extra:string?");
  EXPECT_EQ(rows, (std::vector<std::string>{"1|a|1.5|true|2024-01-02|[1]",
                                            "2|NULL|2|NULL|2024-01-03|NULL"}));
  EXPECT_THAT(ReadRows("{\"id\": \"x\"}\n", TextFormat::kJsonLines, MakeSchema("id:long")),
              StatusIs(StatusCode::kInvalidArgument,
                       "'mem://test/in' line 1 column 'id': cannot read 'x' as long"));
  EXPECT_THAT(ReadRows("{\"id\": 1}\n[1]\n", TextFormat::kJsonLines, MakeSchema("id:long")),
              StatusIs(StatusCode::kInvalidArgument, "'mem://test/in' line 2: not a JSON object"));
}

TEST_F(TextTableTest, WritersAndReadersRoundTrip) {
  auto schema = MakeSchema("id:long,s:string?,d:decimal(10,3)?,t:timestamptz?,b:binary?,f:double?");
  ColumnBatch batch(schema);
  const std::vector<std::vector<std::string>> values = {
      {"1", "plain", "1.500", "2024-01-02T03:04:05Z", "00ff", "0.1"},
      {"2", "", "-0.001", "1900-01-01T00:00:00.000001Z", "", "NaN"},
      {"3", "comma, \"quote\"\nnewline", "", "", "", "-Infinity"},
  };
  for (const auto& row : values) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (row[c].empty() && c != 1 && c != 4) {
        batch.column(c).AppendNull();
      } else {
        TARN_ASSERT_OK(AppendText(row[c], schema->field(c).type, &batch.column(c)));
      }
    }
  }
  for (TextFormat format : {TextFormat::kCsv, TextFormat::kJsonLines}) {
    TARN_ASSERT_OK_AND_ASSIGN(auto writer,
                              TextTableWriter::Open(store_, "out", format, {}, schema));
    TARN_ASSERT_OK(writer->Write(batch));
    TARN_ASSERT_OK(writer->Close());
    std::string written = store_.Get("out").value();
    TARN_ASSERT_OK_AND_ASSIGN(auto rows, ReadRows(written, format, schema));
    ASSERT_EQ(rows.size(), 3u) << written;
    EXPECT_EQ(rows[1], "2||-0.001|1900-01-01T00:00:00.000001Z||NaN") << written;
    EXPECT_EQ(rows[2], "3|comma, \"quote\"\nnewline|NULL|NULL||-Infinity") << written;
  }
  std::string jsonl = store_.Get("out").value();
  EXPECT_EQ(jsonl.substr(0, jsonl.find('\n')),
            "{\"id\":1,\"s\":\"plain\",\"d\":\"1.500\",\"t\":\"2024-01-02T03:04:05Z\",\"b\":"
            "\"00ff\",\"f\":0.1}");
}

}  // namespace
}  // namespace tarn::testing
