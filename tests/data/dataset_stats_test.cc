#include "marquee/data/dataset_stats.h"

#include <gtest/gtest.h>

namespace marquee {
namespace {

TEST(DatasetStatsTest, GiniKnownAnswers) {
  EXPECT_DOUBLE_EQ(Gini({1, 1, 1, 1}), 0.0);
  // One of n holds everything: G = (n - 1) / n.
  EXPECT_DOUBLE_EQ(Gini({0, 0, 0, 8}), 0.75);
  // {1, 2, 3}: sum_i (2i - 4) x_i = -2 + 0 + 6 = 4; 4 / (3 * 6) = 2/9.
  EXPECT_NEAR(Gini({3, 1, 2}), 2.0 / 9.0, 1e-12);
  EXPECT_EQ(Gini({}), 0.0);
}

TEST(DatasetStatsTest, PercentilesInterpolate) {
  std::vector<double> v = {10, 20, 30, 40, 50};
  EXPECT_DOUBLE_EQ(PercentileOfSorted(v, 50), 30);
  EXPECT_DOUBLE_EQ(PercentileOfSorted(v, 10), 14);  // rank 0.4
  EXPECT_DOUBLE_EQ(PercentileOfSorted(v, 100), 50);
}

TEST(DatasetStatsTest, ComputesSizesDensityAndActivity) {
  Dataset d;
  for (const char* m : {"a", "b", "c", "d"}) d.members.GetOrAdd(m);
  for (const char* t : {"x", "y"}) d.titles.GetOrAdd(t);
  d.catalog.Resize(2);
  InteractionBuilder b;
  b.Add(0, 0, 1, 5);
  b.Add(0, 1, 3, 9);
  b.Add(1, 0, 2, 7);
  d.interactions = b.Build(4, 2, DuplicateRule::kSum);
  DatasetStats s = ComputeStats(d);
  EXPECT_EQ(s.members, 4u);
  EXPECT_EQ(s.interactions, 3u);
  EXPECT_DOUBLE_EQ(s.density, 3.0 / 8.0);
  EXPECT_EQ(s.members_without_interactions, 2u);
  EXPECT_DOUBLE_EQ(s.member_activity.max, 2);
  EXPECT_DOUBLE_EQ(s.member_activity.p50, 0.5);  // sorted {0,0,1,2}, rank 1.5
  EXPECT_DOUBLE_EQ(s.title_popularity.max, 2);
  EXPECT_NEAR(s.popularity_gini, Gini({2, 1}), 1e-12);
  EXPECT_DOUBLE_EQ(s.weight_mean, 2.0);
  EXPECT_EQ(s.time_min, 5);
  EXPECT_EQ(s.time_max, 9);
  EXPECT_EQ(MostPopularTitles(d.interactions, 5), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(MostPopularTitles(d.interactions, 1), (std::vector<uint32_t>{0}));
}

}  // namespace
}  // namespace marquee
