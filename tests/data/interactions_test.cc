#include "marquee/data/interactions.h"

#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "marquee/util/random.h"

namespace marquee {
namespace {

InteractionMatrix Small(DuplicateRule rule) {
  InteractionBuilder b;
  b.Add(1, 2, 1.0f, 100);
  b.Add(0, 1, 2.0f, 50);
  b.Add(1, 0, 3.0f, 10);
  b.Add(1, 2, 4.0f, 90);   // duplicate of (1,2), earlier time, larger weight
  b.Add(1, 2, 0.5f, 100);  // duplicate, same time as the first: later input wins for "last"
  return b.Build(3, 3, rule);
}

TEST(InteractionsTest, BuildSortsRowsAndMergesBySum) {
  InteractionMatrix m = Small(DuplicateRule::kSum);
  ASSERT_TRUE(m.Validate().ok());
  EXPECT_EQ(m.rows(), 3u);
  EXPECT_EQ(m.nnz(), 3u);
  EXPECT_EQ(m.indptr(), (std::vector<uint64_t>{0, 1, 3, 3}));
  EXPECT_EQ(m.indices(), (std::vector<uint32_t>{1, 0, 2}));
  EXPECT_EQ(m.weights(), (std::vector<float>{2.0f, 3.0f, 5.5f}));
  EXPECT_EQ(m.times(), (std::vector<int64_t>{50, 10, 100}));
}

TEST(InteractionsTest, MaxAndLastRules) {
  EXPECT_FLOAT_EQ(Small(DuplicateRule::kMax).weights()[2], 4.0f);
  InteractionMatrix last = Small(DuplicateRule::kLast);
  EXPECT_FLOAT_EQ(last.weights()[2], 0.5f);  // latest time, and last in input among ties
  EXPECT_EQ(last.times()[2], 100);
}

TEST(InteractionsTest, NoTimesWhenAllZero) {
  InteractionBuilder b;
  b.Add(0, 0, 1.0f);
  InteractionMatrix m = b.Build(1, 1, DuplicateRule::kSum);
  EXPECT_FALSE(m.has_times());
  EXPECT_TRUE(m.RowTimes(0).empty());
}

TEST(InteractionsTest, TransposeMatchesIndependentMapAndIsAnInvolution) {
  Rng rng(3);
  InteractionBuilder b;
  std::map<std::pair<uint32_t, uint32_t>, float> oracle;
  for (int i = 0; i < 5000; ++i) {
    uint32_t r = rng.Below(200), c = rng.Below(70);
    float w = static_cast<float>(rng.Below(5) + 1);
    b.Add(r, c, w, 1 + i);
    oracle[{c, r}] += w;
  }
  InteractionMatrix m = b.Build(200, 70, DuplicateRule::kSum);
  InteractionMatrix t = m.Transpose();
  ASSERT_TRUE(t.Validate().ok());
  EXPECT_EQ(t.rows(), 70u);
  EXPECT_EQ(t.cols(), 200u);
  ASSERT_EQ(t.nnz(), oracle.size());
  auto it = oracle.begin();
  for (uint32_t c = 0; c < t.rows(); ++c) {
    for (uint64_t i = t.RowBegin(c); i < t.RowEnd(c); ++i, ++it) {
      EXPECT_EQ(it->first, std::make_pair(c, t.indices()[i]));
      EXPECT_FLOAT_EQ(it->second, t.weights()[i]);
    }
  }
  EXPECT_EQ(t.Transpose(), m);
  std::vector<uint32_t> counts = m.ColumnCounts();
  for (uint32_t c = 0; c < 70; ++c) EXPECT_EQ(counts[c], t.RowLength(c));
}

TEST(InteractionsTest, ValidateCatchesBrokenStructure) {
  EXPECT_FALSE(InteractionMatrix(1, 2, {0, 2}, {1, 0}, {1, 1}, {}).Validate().ok());  // unsorted
  EXPECT_FALSE(InteractionMatrix(1, 2, {0, 1}, {2}, {1}, {}).Validate().ok());        // range
  EXPECT_FALSE(InteractionMatrix(1, 2, {0, 1}, {1}, {}, {}).Validate().ok());         // weights
  EXPECT_FALSE(InteractionMatrix(2, 2, {0, 1}, {1}, {1}, {}).Validate().ok());        // indptr
  EXPECT_TRUE(InteractionMatrix(1, 2, {0, 1}, {1}, {1}, {}).Validate().ok());
}

TEST(InteractionsTest, KeepAtLeastKeepsPositivesAsOnes) {
  InteractionBuilder b;
  b.Add(0, 0, 3.5f, 10);
  b.Add(0, 1, 4.0f, 20);
  b.Add(1, 2, 5.0f, 30);
  b.Add(1, 0, 1.0f, 40);
  InteractionMatrix kept = b.Build(2, 3, DuplicateRule::kSum).KeepAtLeast(4.0f);
  ASSERT_TRUE(kept.Validate().ok());
  EXPECT_EQ(kept.rows(), 2u);
  EXPECT_EQ(kept.indices(), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(kept.weights(), (std::vector<float>{1, 1}));
  EXPECT_EQ(kept.times(), (std::vector<int64_t>{20, 30}));
}

TEST(InteractionsTest, ParsesDuplicateRuleNames) {
  for (DuplicateRule rule : {DuplicateRule::kSum, DuplicateRule::kMax, DuplicateRule::kLast}) {
    Result<DuplicateRule> parsed = ParseDuplicateRule(DuplicateRuleName(rule));
    ASSERT_TRUE(parsed.ok()) << DuplicateRuleName(rule);
    EXPECT_EQ(*parsed, rule);
  }
  EXPECT_EQ(DuplicateRuleName(DuplicateRule::kMax), "max");
  Result<DuplicateRule> mean = ParseDuplicateRule("mean");
  ASSERT_FALSE(mean.ok());
  EXPECT_EQ(mean.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(mean.status().message(), "expected sum, max or last, found \"mean\"");
}

}  // namespace
}  // namespace marquee
