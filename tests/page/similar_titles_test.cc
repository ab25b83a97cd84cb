#include "marquee/page/similar_titles.h"

#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <thread>
#include <vector>

#include "../models/recommender_test_util.h"
#include "marquee/models/registry.h"
#include "marquee/models/top_k.h"
#include "page_test_util.h"

namespace marquee::page {
namespace {

// What Of() should return: TopK over ScoreSimilar without the title itself
// and titles without positives.
std::vector<RowTitle> Expected(const Recommender& model, uint32_t title, uint32_t k,
                               const std::vector<uint32_t>& positives) {
  std::vector<float> scores(model.title_count());
  model.ScoreSimilar(title, scores);
  scores[title] = -std::numeric_limits<float>::infinity();
  for (uint32_t t = 0; t < scores.size(); ++t) {
    if (positives[t] == 0) scores[t] = -std::numeric_limits<float>::infinity();
  }
  std::vector<RowTitle> out;
  for (const ScoredTitle& s : TopK(scores, k)) {
    if (s.score > 0.0f) out.push_back({s.title, s.score});  // not similar at all: left out
  }
  return out;
}

TEST(PageSimilarTitles, ManyThreadsGetTheSingleThreadedLists) {
  const InteractionMatrix plays = marquee::test::RandomInteractions(300, 120, 12, 5);
  Result<std::unique_ptr<Recommender>> created = CreateRecommender("itemknn", {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::unique_ptr<Recommender> model = std::move(created).value();
  ASSERT_TRUE(model->Fit(plays, TrainContext{}).ok());
  const std::vector<uint32_t> positives = plays.ColumnCounts();
  const SimilarTitles similar(*model, 10, positives);

  constexpr int kThreads = 8;
  std::vector<std::vector<std::vector<RowTitle>>> seen(kThreads, std::vector<std::vector<RowTitle>>(120));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
      }  // start together, so first calls race
      for (uint32_t t = 0; t < 120; ++t) {
        const uint32_t title = (t * 7 + static_cast<uint32_t>(i)) % 120;  // each thread its own order
        const std::span<const RowTitle> list = similar.Of(title);
        seen[i][title].assign(list.begin(), list.end());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  uint32_t with_neighbours = 0;
  for (uint32_t title = 0; title < 120; ++title) {
    const std::vector<RowTitle> expected =
        positives[title] == 0 ? std::vector<RowTitle>{} : Expected(*model, title, 10, positives);
    with_neighbours += !expected.empty();
    for (int i = 0; i < kThreads; ++i) EXPECT_EQ(seen[i][title], expected) << "title " << title;
  }
  EXPECT_GT(with_neighbours, 100u);
  EXPECT_TRUE(similar.Of(120).empty());  // out of range
  EXPECT_EQ(similar.neighbours(), 10u);
}

TEST(PageSimilarTitles, LeavesOutTheTitleAndTitlesWithoutPositives) {
  test::FixedSimilarity model({{9, 8, 7, 6}, {1, 9, 2, 3}, {5, 5, 9, 5}, {1, 1, 1, 1}});
  const SimilarTitles all(model, 2);
  EXPECT_EQ(std::vector<RowTitle>(all.Of(0).begin(), all.Of(0).end()),
            (std::vector<RowTitle>{{1, 8.0f}, {2, 7.0f}}));
  EXPECT_EQ(std::vector<RowTitle>(all.Of(2).begin(), all.Of(2).end()),
            (std::vector<RowTitle>{{0, 5.0f}, {1, 5.0f}}));
  const SimilarTitles some(model, 3, {1, 0, 1, 1});
  EXPECT_TRUE(some.Of(1).empty());
  EXPECT_EQ(std::vector<RowTitle>(some.Of(0).begin(), some.Of(0).end()),
            (std::vector<RowTitle>{{2, 7.0f}, {3, 6.0f}}));
}

}  // namespace
}  // namespace marquee::page
