#include "marquee/data/qualifying_play.h"

#include <gtest/gtest.h>

namespace marquee {
namespace {

TEST(QualifyingPlay, MinutesOrFractionOfRuntime) {
  QualifyingPlayRule rule;  // 10 minutes or 25%
  // 58-minute episode: 10 minutes is 0.1724 of it.
  EXPECT_FALSE(IsQualifyingPlay(rule, 0.17f, 58));   // 9.86 minutes, 17%
  EXPECT_TRUE(IsQualifyingPlay(rule, 0.175f, 58));   // 10.15 minutes
  // 20-minute episode: 25% (5 minutes) qualifies before 10 minutes do.
  EXPECT_TRUE(IsQualifyingPlay(rule, 0.25f, 20));
  EXPECT_FALSE(IsQualifyingPlay(rule, 0.24f, 20));
  // Unknown runtime: only the fraction can qualify.
  EXPECT_FALSE(IsQualifyingPlay(rule, 0.2f, 0));
  EXPECT_TRUE(IsQualifyingPlay(rule, 0.3f, 0));
  // The rule before issue 11: every play qualifies.
  EXPECT_TRUE(IsQualifyingPlay({0.0, 0.0}, 0.01f, 90));
}

TEST(QualifyingPlay, SecondsWatched) {
  EXPECT_EQ(SecondsWatched(0.5f, 58), 1740);
  EXPECT_EQ(SecondsWatched(1.0f, 120), 7200);
  EXPECT_EQ(SecondsWatched(0.9f, 0), 0);
}

TEST(QualifyingPlay, RuleValidation) {
  EXPECT_TRUE(ValidateQualifyingPlayRule({}).ok());
  EXPECT_EQ(ValidateQualifyingPlayRule({-1.0, 0.5}).field(), "min_minutes");
  EXPECT_EQ(ValidateQualifyingPlayRule({1.0, 1.5}).field(), "min_fraction");
}

}  // namespace
}  // namespace marquee
