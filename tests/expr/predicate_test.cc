#include "expr/predicate.h"

#include "columnar/value_text.h"
#include "status_matchers.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

class PredicateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = std::make_shared<const Schema>(
        std::move(Schema::Parse("id:long,amount:decimal(10,2)?,cur:string?,day:date?,x:double?,"
                                "Odd Name:string?"))
            .value());
    batch_ = std::make_unique<ColumnBatch>(schema_);
    const std::vector<std::vector<std::string>> rows = {
        {"1", "10.50", "EUR", "2024-01-01", "1.5", "a"},
        {"2", "", "NOK", "2024-02-29", "NaN", "b"},
        {"3", "-3.00", "", "", "-0", ""},
        {"4", "100", "USD", "1969-12-31", "", "it's"},
    };
    for (const auto& row : rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        if (row[c].empty() && c > 0) {
          batch_->column(c).AppendNull();
        } else {
          ASSERT_TRUE(AppendText(row[c], schema_->field(c).type, &batch_->column(c)).ok());
        }
      }
    }
  }

  // The ids of the rows where `text` holds.
  std::vector<int64_t> Matching(const std::string& text) {
    Result<Predicate> predicate = Predicate::Parse(text, *schema_);
    EXPECT_THAT(predicate, IsOk());
    std::vector<int64_t> ids;
    if (!predicate.ok()) return ids;
    Result<std::vector<uint8_t>> keep = predicate->Evaluate(*batch_);
    EXPECT_THAT(keep, IsOk());
    for (size_t r = 0; keep.ok() && r < keep->size(); ++r) {
      if ((*keep)[r]) ids.push_back(batch_->column(0).GetInt64(r));
    }
    return ids;
  }

  std::shared_ptr<const Schema> schema_;
  std::unique_ptr<ColumnBatch> batch_;
};

using Ids = std::vector<int64_t>;

TEST_F(PredicateTest, ComparisonsUseTheColumnsType) {
  EXPECT_EQ(Matching("amount > 10"), (Ids{1, 4}));
  EXPECT_EQ(Matching("amount >= 10.5 AND amount <= 100.00"), (Ids{1, 4}));
  EXPECT_EQ(Matching("id != 2 and id <> 3"), (Ids{1, 4}));
  EXPECT_EQ(Matching("day < DATE '2000-01-01'"), (Ids{4}));
  EXPECT_EQ(Matching("cur IN ('EUR', 'USD')"), (Ids{1, 4}));
  EXPECT_EQ(Matching("cur NOT IN ('EUR')"), (Ids{2, 4}));
  EXPECT_EQ(Matching("\"Odd Name\" = 'it''s'"), (Ids{4}));
}

// Long IN lists are sorted once and binary-searched; the answers are the linear ones.
TEST_F(PredicateTest, LongInListsAnswerAsShortOnes) {
  std::string many = "id IN (";
  for (int i = 1000; i > 2; --i) many += std::to_string(i * 2) + ", ";
  many += "4, 4, 1)";
  EXPECT_EQ(Matching(many), (Ids{1, 4}));
  EXPECT_EQ(Matching("cur IN ('USD', 'AAA', 'EUR', 'ZZZ', 'EUR', 'B', 'C', 'D', 'E', 'F')"),
            (Ids{1, 4}));
  EXPECT_EQ(Matching("cur NOT IN ('USD', 'AAA', 'EUR', 'ZZZ', 'B', 'C', 'D', 'E', 'F', 'G')"),
            (Ids{2}));
  EXPECT_EQ(Matching("x IN (10, 9, 8, 7, 6, 5, 4, 3, 2, 1.5, 0)"), (Ids{1, 3}));  // -0 = 0
}

TEST_F(PredicateTest, NullsFollowThreeValuedLogic) {
  EXPECT_EQ(Matching("amount IS NULL"), (Ids{2}));
  EXPECT_EQ(Matching("cur IS NOT NULL"), (Ids{1, 2, 4}));
  EXPECT_EQ(Matching("amount < 0 OR amount >= 0"), (Ids{1, 3, 4}));  // null: unknown either way
  EXPECT_EQ(Matching("NOT (amount > 50)"), (Ids{1, 3}));             // NOT unknown stays unknown
  EXPECT_EQ(Matching("amount > 50 OR cur = 'NOK'"), (Ids{2, 4}));    // unknown OR true = true
}

TEST_F(PredicateTest, NanIsUnorderedAndZerosAreEqual) {
  EXPECT_EQ(Matching("x > 0"), (Ids{1}));
  EXPECT_EQ(Matching("x != 1.5"), (Ids{2, 3}));
  EXPECT_EQ(Matching("x = 0"), (Ids{3}));
}

TEST_F(PredicateTest, BadPredicatesPointAtThePosition) {
  EXPECT_THAT(Predicate::Parse("amount >", *schema_),
              StatusIs(StatusCode::kInvalidArgument,
                       "predicate 'amount >' at position 9: expected a value"));
  EXPECT_THAT(Predicate::Parse("id = 1 AND (cur = 'x'", *schema_),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("at position 22: expected ')'")));
  EXPECT_THAT(
      Predicate::Parse("id = 'abc'", *schema_),
      StatusIs(
          StatusCode::kInvalidArgument,
          "predicate 'id = 'abc'' at position 6: column 'id' is long: cannot read 'abc' as long"));
  EXPECT_THAT(Predicate::Parse("nope = 1", *schema_),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no column named 'nope'")));
  EXPECT_THAT(Predicate::Parse("cur = 'open", *schema_),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("a string never ends")));
  EXPECT_THAT(Predicate::Parse("id = 1 id", *schema_),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unexpected 'id'")));
  EXPECT_THAT(Predicate::Parse("id ~ 1", *schema_),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unexpected character '~'")));
}

TEST_F(PredicateTest, ColumnsAreListedOnce) {
  TARN_ASSERT_OK_AND_ASSIGN(Predicate p,
                            Predicate::Parse("cur = 'a' OR (id > 1 AND cur IS NULL)", *schema_));
  EXPECT_EQ(p.columns(), (std::vector<std::string>{"cur", "id"}));
}

}  // namespace
}  // namespace tarn::testing

#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_writer.h"
#include "store/memory_store.h"

namespace tarn::testing {
namespace {

TEST_F(PredicateTest, MightMatchReasonsFromBoundsAndCounts) {
  Column min(MakeType(TypeId::kLong));
  Column max(MakeType(TypeId::kLong));
  min.AppendInt64(100);
  max.AppendInt64(200);
  Predicate::ColumnStats id{&min, &max, 0, 50};
  Predicate::ColumnStats no_bounds{nullptr, nullptr, 3, 50};
  Predicate::ColumnStats all_null{nullptr, nullptr, 50, 50};
  auto might = [&](const std::string& text, const Predicate::ColumnStats* id_stats,
                   const Predicate::ColumnStats* cur_stats = nullptr) {
    Predicate p = std::move(Predicate::Parse(text, *schema_)).value();
    return p.MightMatch([&](const std::string& column) -> const Predicate::ColumnStats* {
      return column == "id" ? id_stats : cur_stats;
    });
  };
  EXPECT_TRUE(might("id = 150", &id));
  EXPECT_FALSE(might("id = 250", &id));
  EXPECT_FALSE(might("id < 100", &id));
  EXPECT_TRUE(might("id <= 100", &id));
  EXPECT_FALSE(might("id > 200", &id));
  EXPECT_TRUE(might("id IN (1, 2, 199)", &id));
  EXPECT_FALSE(might("id IN (1, 2, 201)", &id));
  EXPECT_FALSE(might("id IS NULL", &id));  // null count 0
  EXPECT_TRUE(might("id IS NULL", &no_bounds));
  EXPECT_FALSE(might("id = 5", &all_null));   // only nulls: no comparison is true
  EXPECT_TRUE(might("NOT (id = 150)", &id));  // negations are not ruled out
  EXPECT_FALSE(might("id > 500 AND cur = 'x'", &id));
  EXPECT_TRUE(might("id > 500 OR cur = 'x'", &id));  // nothing known of cur
  EXPECT_TRUE(might("id = 1", nullptr));
}

TEST(RowGroupSkippingTest, ParquetStatisticsRuleOutRowGroups) {
  auto schema =
      std::make_shared<const Schema>(std::move(Schema::Parse("id:long,name:string?")).value());
  MemoryStore store;
  ParquetWriterOptions options;
  options.max_row_group_rows = 100;
  auto writer = std::move(ParquetWriter::Open(store, "t.parquet", schema, options)).value();
  ColumnBatch batch(schema);
  for (int64_t i = 0; i < 1000; ++i) {
    batch.column(0).AppendInt64(i);
    batch.column(1).AppendBytes("name " + std::to_string(1000 + i));
  }
  TARN_ASSERT_OK(writer->Write(batch));
  TARN_ASSERT_OK(writer->Close().status());
  auto reader = std::move(ParquetReader::Open(store, "t.parquet")).value();
  ASSERT_EQ(reader->num_row_groups(), 10u);
  auto groups = [&](const std::string& text) {
    Predicate p = std::move(Predicate::Parse(text, *reader->schema())).value();
    std::vector<size_t> out;
    for (size_t g = 0; g < reader->num_row_groups(); ++g) {
      std::vector<ParquetReader::Bounds> bounds(2);
      std::vector<Predicate::ColumnStats> stats(2);
      bool might = p.MightMatch([&](const std::string& name) -> const Predicate::ColumnStats* {
        size_t c = static_cast<size_t>(reader->schema()->FindField(name));
        bounds[c] = reader->ChunkBounds(g, c);
        stats[c] = {bounds[c].min ? &*bounds[c].min : nullptr,
                    bounds[c].max ? &*bounds[c].max : nullptr, bounds[c].null_count,
                    bounds[c].value_count};
        return &stats[c];
      });
      if (might) out.push_back(g);
    }
    return out;
  };
  EXPECT_EQ(groups("id >= 950"), (std::vector<size_t>{9}));
  EXPECT_EQ(groups("id = 250 OR id = 731"), (std::vector<size_t>{2, 7}));
  EXPECT_EQ(groups("name = 'name 1420'"), (std::vector<size_t>{4}));
  EXPECT_TRUE(groups("name IS NULL").empty());
  EXPECT_EQ(groups("id < 0 OR name IS NOT NULL").size(), 10u);
}

}  // namespace
}  // namespace tarn::testing
