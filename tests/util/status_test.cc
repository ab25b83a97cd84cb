#include "marquee/util/status.h"

#include <gtest/gtest.h>

namespace marquee {
namespace {

TEST(StatusTest, ParseErrorAtUsesHouseFormat) {
  Status s = Status::ParseErrorAt("ratings.csv", 12, "a number in column 3", "\"abc\"");
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_EQ(s.message(), "ratings.csv:12: expected a number in column 3, found \"abc\"");
}

TEST(StatusTest, ResultCarriesValueOrError) {
  Result<int> good(5);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 5);
  Result<int> bad(Status::NotFound("x"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "not found: x");
}

TEST(StatusTest, QuoteForErrorEscapesAndTruncates) {
  EXPECT_EQ(QuoteForError("a\tb\"c"), "\"a\\x09b\\\"c\"");
  EXPECT_EQ(QuoteForError(std::string(100, 'x'), 3), "\"xxx...\"");
}

}  // namespace
}  // namespace marquee
