#include "marquee/eval/ranking_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace marquee {
namespace {

// ranked = [5, 2, 9, 7, 1], relevant = {1, 2, 3}: hits at ranks 2 and 5.
const std::vector<uint32_t> kRanked = {5, 2, 9, 7, 1};
const std::vector<uint32_t> kRelevant = {1, 2, 3};
const std::vector<uint32_t> kCutoffs = {1, 3, 5};

TEST(RankingMetricsTest, HandComputedExample) {
  std::vector<MetricsAtK> m = MemberMetrics(kRanked, kRelevant, kCutoffs);
  ASSERT_EQ(m.size(), 3u);
  // @1: nothing relevant yet.
  EXPECT_EQ(m[0].recall, 0);
  EXPECT_EQ(m[0].ndcg, 0);
  EXPECT_EQ(m[0].hit_rate, 0);
  // @3: one hit at rank 2.
  const double idcg3 = 1 + 1 / std::log2(3.0) + 1 / std::log2(4.0);  // 2.1309
  EXPECT_DOUBLE_EQ(m[1].recall, 1.0 / 3);
  EXPECT_DOUBLE_EQ(m[1].recall_normalized, 1.0 / 3);
  EXPECT_DOUBLE_EQ(m[1].precision, 1.0 / 3);
  EXPECT_NEAR(m[1].ndcg, (1 / std::log2(3.0)) / idcg3, 1e-12);  // 0.29608
  EXPECT_NEAR(m[1].ndcg, 0.296082, 1e-6);
  EXPECT_DOUBLE_EQ(m[1].map, (1.0 / 2) / 3);                     // P@2 / min(3, 3)
  EXPECT_EQ(m[1].hit_rate, 1);
  // @5: hits at ranks 2 and 5.
  EXPECT_DOUBLE_EQ(m[2].recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m[2].precision, 2.0 / 5);
  EXPECT_NEAR(m[2].ndcg, (1 / std::log2(3.0) + 1 / std::log2(6.0)) / idcg3, 1e-12);
  EXPECT_NEAR(m[2].ndcg, 0.477624, 1e-6);
  EXPECT_DOUBLE_EQ(m[2].map, (1.0 / 2 + 2.0 / 5) / 3);  // 0.3
  EXPECT_DOUBLE_EQ(ReciprocalRank(kRanked, kRelevant), 0.5);
}

TEST(RankingMetricsTest, NormalizedRecallUsesMinOfKAndRelevant) {
  // 4 relevant, K = 2, both top titles relevant: recall 0.5, normalized 1.
  std::vector<uint32_t> relevant = {10, 11, 12, 13};
  std::vector<uint32_t> ranked = {12, 10, 99};
  std::vector<uint32_t> cutoffs = {2};
  MetricsAtK m = MemberMetrics(ranked, relevant, cutoffs)[0];
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_DOUBLE_EQ(m.recall_normalized, 1.0);
  EXPECT_DOUBLE_EQ(m.ndcg, 1.0);
  EXPECT_DOUBLE_EQ(m.map, 1.0);
}

TEST(RankingMetricsTest, ShortListsCountMissingRanksAsMisses) {
  std::vector<uint32_t> ranked = {3};
  std::vector<uint32_t> relevant = {3};
  std::vector<uint32_t> cutoffs = {10};
  MetricsAtK m = MemberMetrics(ranked, relevant, cutoffs)[0];
  EXPECT_DOUBLE_EQ(m.precision, 0.1);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_DOUBLE_EQ(m.ndcg, 1.0);
}

TEST(RankingMetricsTest, PopularityPercentilesShareTiedRanks) {
  std::vector<uint32_t> counts = {5, 1, 5, 9};
  std::vector<float> pct = PopularityPercentiles(counts);
  EXPECT_FLOAT_EQ(pct[1], 0);
  EXPECT_FLOAT_EQ(pct[0], 50);  // ranks 1 and 2 of 0..3 -> mean 1.5 -> 50%
  EXPECT_FLOAT_EQ(pct[2], 50);
  EXPECT_FLOAT_EQ(pct[3], 100);
}

TEST(RankingMetricsTest, AccumulatorAveragesAndMerges) {
  std::vector<uint32_t> cutoffs = {2};
  std::vector<uint32_t> counts = {1, 2, 3, 4};  // title 3 most popular
  MetricsAccumulator a(cutoffs, 4, counts), b(cutoffs, 4, counts);
  std::vector<uint32_t> r1 = {0, 1}, rel1 = {0};
  std::vector<uint32_t> r2 = {2, 3}, rel2 = {1};
  std::vector<uint32_t> empty;
  a.Add(r1, rel1);      // recall 1, hit
  b.Add(r2, rel2);      // recall 0
  b.Add(r2, empty);     // ignored: nothing relevant
  a.Merge(b);
  EXPECT_EQ(a.members(), 2u);
  EXPECT_DOUBLE_EQ(a.Means()[0].recall, 0.5);
  EXPECT_DOUBLE_EQ(a.Means()[0].hit_rate, 0.5);
  EXPECT_DOUBLE_EQ(a.MeanReciprocalRank(), 0.5);
  EXPECT_DOUBLE_EQ(a.Coverage()[0], 1.0);
  // Recommended 0,1,2,3 once each: percentiles 0, 33.3, 66.7, 100 -> mean 50.
  EXPECT_NEAR(a.MeanPopularityPercentile()[0], 50.0, 1e-4);
}

}  // namespace
}  // namespace marquee
