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

}  // namespace
}  // namespace marquee
