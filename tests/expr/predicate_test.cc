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
