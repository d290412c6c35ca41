#include "base/config.h"

#include "status_matchers.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

TEST(ConfigTest, ReadsTypedValues) {
  TARN_ASSERT_OK_AND_ASSIGN(ConfigNode root,
                            ParseYaml("a:\n  name: x\n  n: 42\n  on: true\n", "t.yaml"));
  TARN_ASSERT_OK(root.ExpectMap({"a"}));
  TARN_ASSERT_OK_AND_ASSIGN(ConfigNode a, root.Get("a"));
  TARN_ASSERT_OK(a.ExpectMap({"name", "n", "on"}));
  EXPECT_EQ(a.FindString("name").value().value_or(""), "x");
  EXPECT_EQ(a.FindInt("n", 0, 100).value().value_or(0), 42);
  EXPECT_EQ(a.FindBool("on").value().value_or(false), true);
  EXPECT_FALSE(a.FindString("missing").value().has_value());
}

TEST(ConfigTest, UnknownKeyNamesFileLineAndColumn) {
  TARN_ASSERT_OK_AND_ASSIGN(ConfigNode root, ParseYaml("lake:\n  root: x\n  rooot: y\n", "t.yaml"));
  TARN_ASSERT_OK_AND_ASSIGN(ConfigNode lake, root.Get("lake"));
  EXPECT_THAT(lake.ExpectMap({"root", "catalog_name"}),
              StatusIs(StatusCode::kInvalidArgument,
                       "t.yaml:3:3: unknown key 'rooot' in 'lake' (expected one of: root, "
                       "catalog_name)"));
}

TEST(ConfigTest, DuplicateKeyIsRefused) {
  TARN_ASSERT_OK_AND_ASSIGN(ConfigNode root, ParseYaml("a: 1\na: 2\n", "t.yaml"));
  EXPECT_THAT(root.ExpectMap({"a"}),
              StatusIs(StatusCode::kInvalidArgument, "t.yaml:2:1: key 'a' appears twice"));
}

TEST(ConfigTest, SyntaxErrorNamesThePosition) {
  EXPECT_THAT(ParseYaml("a: [1, 2\nb: 3\n", "bad.yaml"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("bad.yaml:")));
}

TEST(ConfigTest, WrongTypesAreExplained) {
  TARN_ASSERT_OK_AND_ASSIGN(ConfigNode root,
                            ParseYaml("n: lots\nb: maybe\nm: [1]\nbig: 99\n", "t.yaml"));
  EXPECT_THAT(root.FindInt("n", 0, 10),
              StatusIs(StatusCode::kInvalidArgument,
                       "t.yaml:1:4: 'n': expected a whole number, got 'lots'"));
  EXPECT_THAT(root.FindBool("b"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("true or false")));
  EXPECT_THAT(root.FindString("m"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected a single value")));
  EXPECT_THAT(root.FindInt("big", 0, 10),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("out of range [0, 10]")));
  EXPECT_THAT(root.Get("absent"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("missing required key 'absent'")));
}

TEST(ConfigTest, EmptyDocumentIsAnEmptyMap) {
  TARN_ASSERT_OK_AND_ASSIGN(ConfigNode root, ParseYaml("", "empty.yaml"));
  TARN_EXPECT_OK(root.ExpectMap({"a"}));
  EXPECT_FALSE(root.Find("a").has_value());
}

TEST(ConfigTest, MissingFileIsNotFound) {
  EXPECT_THAT(LoadYamlFile("/nonexistent/tarn.yaml"), StatusIs(StatusCode::kNotFound));
}

}  // namespace
}  // namespace tarn::testing
