#include "marquee/util/parameters.h"

#include <gtest/gtest.h>

namespace marquee {
namespace {

TEST(ParametersTest, TypedAccessWithDefaultsAndRanges) {
  Parameters p{{"factors", "64"}, {"alpha", "2.5"}, {"solver", "cg"}, {"binary", "false"}};
  EXPECT_EQ(*p.GetInt("ials", "factors", 32, 1, 1024), 64);
  EXPECT_EQ(*p.GetDouble("ials", "alpha", 1, 0, 100), 2.5);
  EXPECT_EQ(*p.GetDouble("ials", "missing", 7, 0, 100), 7);
  EXPECT_EQ(*p.GetChoice("ials", "solver", "cholesky", {"cg", "cholesky"}), "cg");
  EXPECT_FALSE(*p.GetBool("ials", "binary", true));
  EXPECT_TRUE(p.CheckAllUsed("ials").ok());
}

TEST(ParametersTest, ErrorsNameModelParameterAndExpectation) {
  Parameters p{{"factors", "0"}, {"regularization", "-1"}, {"solver", "lu"}, {"x", "1"}};
  Status zero = p.GetInt("ials", "factors", 64, 1, 1024).status();
  EXPECT_EQ(zero.message(), "ials: parameter 'factors': expected an integer in [1, 1024], found \"0\"");
  Status negative = p.GetDouble("ials", "regularization", 0.1, 0, 1e9).status();
  EXPECT_NE(negative.message().find("'regularization': expected a number in [0, 1000000000]"),
            std::string::npos)
      << negative.message();
  Status choice = p.GetChoice("ials", "solver", "cg", {"cg", "cholesky"}).status();
  EXPECT_NE(choice.message().find("expected one of cg, cholesky, found \"lu\""), std::string::npos);
  Status unknown = p.CheckAllUsed("ials");
  EXPECT_EQ(unknown.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(unknown.message().find("unknown parameter 'x'"), std::string::npos) << unknown.message();
  Parameters junk{{"k", "12abc"}}, nan{{"k", "nan"}};
  EXPECT_FALSE(junk.GetInt("m", "k", 1, 0, 100).ok());
  EXPECT_FALSE(nan.GetDouble("m", "k", 1, 0, 100).ok());
}

TEST(ParametersTest, ParseAndPrintRoundTrip) {
  Result<Parameters> p = Parameters::Parse("factors=64,alpha=2 solver=cg");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ToString(), "alpha=2 factors=64 solver=cg");
  EXPECT_EQ(*Parameters::Parse(p->ToString()), *p);
  EXPECT_FALSE(Parameters::Parse("factors").ok());
  EXPECT_FALSE(Parameters::Parse("=3").ok());
  Parameters q;
  q.Set("lambda", 0.5);
  EXPECT_EQ(q.values().at("lambda"), "0.5");
}

// A toy Options for the generic table: one row of each kind.
enum class Shape { kRound, kSquare };
constexpr EnumEntry<Shape> kShapes[] = {{"round", Shape::kRound}, {"square", Shape::kSquare}};

struct ToyOptions {
  uint32_t count = 3;
  double weight = 0.5;
  double scale = 2;
  bool flag = true;
  Shape shape = Shape::kSquare;
  friend bool operator==(const ToyOptions&, const ToyOptions&) = default;
};

ParameterTable<ToyOptions> ToyTable() {
  ParameterTable<ToyOptions> t("toy");
  t.Int("count", &ToyOptions::count, 1, 10, "how many")
      .Double("weight", &ToyOptions::weight, 0, 1, "how heavy")
      .PositiveDouble("scale", &ToyOptions::scale, 100, "how large")
      .Bool("flag", &ToyOptions::flag, "whether")
      .Choice("shape", &ToyOptions::shape, kShapes, "which shape");
  return t;
}

TEST(ParameterTableTest, ReadsDefaultsAndGivenValues) {
  const ParameterTable<ToyOptions> table = ToyTable();
  Result<ToyOptions> defaults = table.Read({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(*defaults == ToyOptions{});
  Result<ToyOptions> given = table.Read(
      {{"count", "7"}, {"weight", "0.25"}, {"scale", "0.5"}, {"flag", "no"}, {"shape", "round"}});
  ASSERT_TRUE(given.ok()) << given.status().ToString();
  EXPECT_TRUE((*given == ToyOptions{7, 0.25, 0.5, false, Shape::kRound}));
  EXPECT_EQ(table.Write(*given).ToString(), "count=7 flag=false scale=0.5 shape=round weight=0.25");
  Result<ToyOptions> again = table.Read(table.Write(*given));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again == *given);
}

TEST(ParameterTableTest, ErrorsNameTheParameterAndWhatWasExpected) {
  const ParameterTable<ToyOptions> table = ToyTable();
  EXPECT_EQ(table.Read({{"count", "11"}}).status().message(),
            "toy: parameter 'count': expected an integer in [1, 10], found \"11\"");
  EXPECT_EQ(table.Read({{"scale", "0"}}).status().message(),
            "toy: parameter 'scale': expected a number in (0, 100], found \"0\"");
  EXPECT_EQ(table.Read({{"shape", "oval"}}).status().message(),
            "toy: parameter 'shape': expected one of round, square, found \"oval\"");
  EXPECT_EQ(table.Read({{"colour", "red"}}).status().message(),
            "toy: unknown parameter 'colour' (expected one of: count, flag, scale, shape, weight)");
}

TEST(ParameterTableTest, DescribeGivesEveryRowWithItsDefault) {
  const std::vector<ParameterInfo> infos = ToyTable().Describe();
  ASSERT_EQ(infos.size(), 5u);
  EXPECT_EQ(infos[0].name, "count");
  EXPECT_EQ(infos[0].expected, "an integer in [1, 10]");
  EXPECT_EQ(infos[0].default_value, "3");
  EXPECT_EQ(infos[0].help, "how many");
  EXPECT_EQ(infos[2].expected, "a number in (0, 100]");
  EXPECT_EQ(infos[3].default_value, "true");
  EXPECT_EQ(infos[4].expected, "one of round, square");
  EXPECT_EQ(infos[4].default_value, "square");
}

TEST(ParameterTableTest, ParseEnumReturnsAResult) {
  Result<Shape> round = ParseEnum<Shape>("shape", "round", kShapes);
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(*round, Shape::kRound);
  Result<Shape> bad = ParseEnum<Shape>("shape", "Round", kShapes);
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "shape: expected one of round, square, found \"Round\"");
  EXPECT_EQ(EnumName(Shape::kSquare, EnumEntries<Shape>(kShapes)), "square");
}

}  // namespace
}  // namespace marquee
