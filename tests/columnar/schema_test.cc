#include "columnar/column_batch.h"
#include "status_matchers.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

TEST(SchemaTest, ParsesTheTextFormAndBack) {
  TARN_ASSERT_OK_AND_ASSIGN(
      Schema schema, Schema::Parse("id:long,amount:decimal(12,2)?,code:fixed[3],ts:timestamptz?"));
  ASSERT_EQ(schema.num_fields(), 4u);
  EXPECT_EQ(schema.field(0), (Field{1, "id", MakeType(TypeId::kLong), true}));
  EXPECT_EQ(schema.field(1), (Field{2, "amount", DataType::Decimal(12, 2), false}));
  EXPECT_EQ(schema.field(2).type, DataType::Fixed(3));
  EXPECT_EQ(schema.ToString(), "id:long,amount:decimal(12,2)?,code:fixed[3],ts:timestamptz?");
  EXPECT_EQ(schema.FindField("ts"), 3);
  EXPECT_EQ(schema.FindField("nope"), -1);
}

TEST(SchemaTest, BadSpecsSayWhatIsWrong) {
  EXPECT_THAT(Schema::Parse("id:lung"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown type 'lung'")));
  EXPECT_THAT(Schema::Parse("id"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not name:type")));
  EXPECT_THAT(Schema::Parse("a:int,a:long"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("two fields named 'a'")));
  EXPECT_THAT(Schema::Parse("a:decimal(40,2)"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("precision must be 1..38")));
  EXPECT_THAT(Schema::Parse("a:fixed[0]"), StatusIs(StatusCode::kInvalidArgument));
}

TEST(ColumnBatchTest, ValidateCatchesRaggedColumnsAndRequiredNulls) {
  auto schema = std::make_shared<Schema>(std::move(Schema::Parse("a:int,b:string?")).value());
  ColumnBatch batch(schema);
  batch.column(0).AppendInt32(1);
  EXPECT_THAT(batch.Validate(),
              StatusIs(StatusCode::kInvalidArgument, "column 'b' has 0 rows, expected 1"));
  batch.column(1).AppendBytes("x");
  TARN_EXPECT_OK(batch.Validate());
  batch.column(0).AppendNull();
  batch.column(1).AppendNull();
  EXPECT_THAT(batch.Validate(),
              StatusIs(StatusCode::kInvalidArgument, "required column 'a' holds 1 null(s)"));
  EXPECT_EQ(batch.column(1).GetBytes(0), "x");
  EXPECT_EQ(batch.column(1).GetBytes(1), "");
  batch.Clear();
  EXPECT_EQ(batch.num_rows(), 0u);
}

}  // namespace
}  // namespace tarn::testing
