#include "marquee/serve/impression_ids.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace marquee::test {
namespace {

TEST(ImpressionIdsTest, UniqueWithinAndAcrossInstances) {
  // Two instances made back to back, as two servers started in one tick.
  serve::ImpressionIds first;
  serve::ImpressionIds second;
  EXPECT_NE(first.prefix(), second.prefix());
  EXPECT_EQ(first.prefix().size(), 12u);
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(seen.insert(first.Next()).second);
    EXPECT_TRUE(seen.insert(second.Next()).second);
  }
  EXPECT_EQ(first.Next(), first.prefix() + "-1000");
}

}  // namespace
}  // namespace marquee::test
