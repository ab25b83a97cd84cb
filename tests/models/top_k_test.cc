#include "marquee/models/top_k.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "marquee/util/random.h"

namespace marquee {
namespace {

TEST(TopKTest, BestFirstWithTiesToLowerIndex) {
  std::vector<float> scores = {0.5f, 2.0f, 1.0f, 2.0f, -1.0f};
  std::vector<ScoredTitle> top = TopK(scores, 3);
  EXPECT_EQ(top, (std::vector<ScoredTitle>{{1, 2.0f}, {3, 2.0f}, {2, 1.0f}}));
}

TEST(TopKTest, MatchesAFullSortOnRandomScores) {
  Rng rng(11);
  std::vector<float> scores(5000);
  for (float& s : scores) s = static_cast<float>(rng.Below(300));  // many ties
  for (uint32_t k : {1u, 20u, 100u, 5000u, 9000u}) {
    std::vector<uint32_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return scores[a] > scores[b]; });
    std::vector<ScoredTitle> top = TopK(scores, k);
    ASSERT_EQ(top.size(), std::min<size_t>(k, scores.size()));
    for (size_t i = 0; i < top.size(); ++i) ASSERT_EQ(top[i].title, order[i]) << "k=" << k;
  }
}

TEST(TopKTest, ExclusionAndCandidatesRemoveTitles) {
  std::vector<float> scores = {5, 4, 3, 2, 1};
  std::vector<uint32_t> history = {0, 2, 99};  // 99 is out of range: ignored
  ExcludeTitles(scores, history);
  std::vector<uint8_t> allowed = {1, 1, 1, 0, 1};
  RestrictToCandidates(scores, allowed);
  std::vector<ScoredTitle> top = TopK(scores, 10);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].title, 1u);
  EXPECT_EQ(top[1].title, 4u);
  EXPECT_TRUE(TopK(scores, 0).empty());
}

}  // namespace
}  // namespace marquee
