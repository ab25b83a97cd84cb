#include "marquee/eval/evaluator.h"

#include <gtest/gtest.h>

#include <set>

#include <cmath>

#include "marquee/eval/tuner.h"
#include "marquee/models/registry.h"

namespace marquee {
namespace {

InteractionMatrix Matrix(const std::vector<std::vector<uint32_t>>& rows, uint32_t cols,
                         int64_t time = 0) {
  InteractionBuilder b;
  for (uint32_t r = 0; r < rows.size(); ++r) {
    for (uint32_t t : rows[r]) b.Add(r, t, 1.0f, time);
  }
  return b.Build(static_cast<uint32_t>(rows.size()), cols, DuplicateRule::kSum);
}

// Popularity on train counts [3, 3, 1, 1, 0]. Member 0 (watched 0) gets
// [1, 2, 3, 4] and wanted 1: a hit at rank 1. Member 1 (watched 0, 1) gets
// [2, 3, 4] and wanted 3: a hit at rank 2.
EvalSplit HandSplit() {
  EvalSplit split;
  split.train = Matrix({{0}, {0, 1}, {0, 1, 2}, {1, 3}}, 5);
  split.query = split.train;
  split.target = Matrix({{1}, {3}, {}, {}}, 5);
  return split;
}

TEST(EvaluatorTest, PopularityOnAHandComputedSplit) {
  EvaluateOptions options{.cutoffs = {1, 2}};
  Result<EvaluationResult> r =
      TrainAndEvaluate("popularity", {}, HandSplit(), options, TrainContext{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->members_evaluated, 2u);
  EXPECT_DOUBLE_EQ(r->at_k[0].recall, 0.5);
  EXPECT_DOUBLE_EQ(r->at_k[1].recall, 1.0);
  EXPECT_NEAR(r->at_k[1].ndcg, (1 + 1 / std::log2(3.0)) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(r->mrr, 0.75);
  EXPECT_DOUBLE_EQ(r->coverage[0], 2.0 / 5);  // titles 1 and 2
  EXPECT_DOUBLE_EQ(r->coverage[1], 3.0 / 5);  // and 3
  EXPECT_DOUBLE_EQ(*r->Metric("recall@2"), 1.0);
  EXPECT_DOUBLE_EQ(*r->Metric("mrr"), 0.75);
  EXPECT_FALSE(r->Metric("recall@3").ok());
  EXPECT_FALSE(r->Metric("accuracy@1").ok());
}

TEST(EvaluatorTest, FoldInUsesTheQueryHistory) {
  // Member 1 is held out (empty train row); its query history {0, 1} is excluded.
  EvalSplit split = HandSplit();
  split.fold_in = true;
  split.train = Matrix({{0}, {}, {0, 1, 2}, {1, 3}}, 5);
  split.query = Matrix({{}, {0, 1}, {}, {}}, 5);
  split.target = Matrix({{}, {3}, {}, {}}, 5);
  EvaluateOptions options{.cutoffs = {1, 2}};
  Result<EvaluationResult> r = TrainAndEvaluate("popularity", {}, split, options, TrainContext{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->members_evaluated, 1u);
  // Counts now [2, 2, 1, 1, 0]; excluding 0 and 1 leaves [2, 3, 4]: 3 at rank 2.
  EXPECT_DOUBLE_EQ(r->at_k[0].recall, 0.0);
  EXPECT_DOUBLE_EQ(r->at_k[1].recall, 1.0);
}

TEST(EvaluatorTest, ErrorsAreClear) {
  EvaluateOptions none{.cutoffs = {}};
  EXPECT_FALSE(TrainAndEvaluate("popularity", {}, HandSplit(), none, {}).ok());
  EXPECT_FALSE(TrainAndEvaluate("nope", {}, HandSplit(), {}, {}).ok());
  EXPECT_TRUE(ValidateMetricName("ndcg@10", {10, 20}).ok());
  EXPECT_FALSE(ValidateMetricName("ndcg@5", {10, 20}).ok());
  EXPECT_FALSE(ValidateMetricName("ndcg", {10}).ok());
  EXPECT_FALSE(ValidateMetricName("ndcg@x", {10}).ok());
}

TEST(TunerTest, ParsesSpacesAndRejectsBadOnes) {
  Result<SearchSpace> s = SearchSpace::Parse("factors=32|64;regularization=0.001:1:log;k=1:9:int");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->ranges.size(), 3u);
  EXPECT_EQ(s->ranges[0].values, (std::vector<std::string>{"32", "64"}));
  EXPECT_TRUE(s->ranges[1].log_scale);
  EXPECT_TRUE(s->ranges[2].integer);
  EXPECT_FALSE(SearchSpace::Parse("factors").ok());
  EXPECT_FALSE(SearchSpace::Parse("a=2:1").ok());
  EXPECT_FALSE(SearchSpace::Parse("a=0:1:log").ok());
  EXPECT_FALSE(SearchSpace::Parse("a=1|2;a=3").ok());
  EXPECT_FALSE(SearchSpace::Parse("a=1:2:cubic").ok());
}

TEST(TunerTest, GridIsTheProductAndRandomIsDeterministicAndInRange) {
  TuneOptions grid{.model = "x", .space = *SearchSpace::Parse("a=1|2|3;b=x|y"),
                   .strategy = SearchStrategy::kGrid};
  grid.fixed.Set("c", "7");
  auto settings = SearchSettings(grid);
  ASSERT_TRUE(settings.ok());
  ASSERT_EQ(settings->size(), 6u);
  EXPECT_EQ((*settings)[5].ToString(), "a=3 b=y c=7");

  TuneOptions random{.model = "x", .space = *SearchSpace::Parse("r=0.001:10:log;k=5:50:int"),
                     .trials = 50};
  auto first = SearchSettings(random);
  auto again = SearchSettings(random);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, *again);
  for (const Parameters& p : *first) {
    double r = std::stod(p.values().at("r"));
    int k = std::stoi(p.values().at("k"));
    EXPECT_GE(r, 0.001 * 0.999);
    EXPECT_LE(r, 10.0 * 1.001);
    EXPECT_GE(k, 5);
    EXPECT_LE(k, 50);
  }
  // Random search never repeats a setting; a small space is exhausted
  // rather than sampled twice.
  TuneOptions small{.model = "x", .space = *SearchSpace::Parse("a=1|2;b=x|y"), .trials = 10};
  auto distinct = SearchSettings(small);
  ASSERT_TRUE(distinct.ok());
  EXPECT_EQ(distinct->size(), 4u);
  std::set<std::string> texts;
  for (const Parameters& p : *distinct) texts.insert(p.ToString());
  EXPECT_EQ(texts.size(), 4u);
  TuneOptions bad_grid = random;
  bad_grid.strategy = SearchStrategy::kGrid;
  EXPECT_FALSE(SearchSettings(bad_grid).ok());
}

TEST(TunerTest, PicksTheSettingThatWinsOnValidation) {
  // Old hits vs. recent releases: members go on to watch the recent title 3,
  // so trending (a short half-life) must beat all-time counts.
  const int64_t day = 86400;
  InteractionBuilder b;
  for (uint32_t m = 0; m < 6; ++m) b.Add(m, 0, 1, 100 * day);          // old hit
  for (uint32_t m = 0; m < 2; ++m) b.Add(m, 3, 1, 200 * day);          // recent
  for (uint32_t m = 2; m < 6; ++m) b.Add(m, 1 + m % 2, 1, 100 * day);  // old titles 1, 2
  EvalSplit split;
  split.train = b.Build(6, 4, DuplicateRule::kSum);
  split.query = split.train;
  split.target = Matrix({{}, {}, {3}, {3}, {3}, {3}}, 4);
  TuneOptions options{.model = "popularity", .space = *SearchSpace::Parse("half_life=0|1"),
                      .strategy = SearchStrategy::kGrid, .metric = "recall@1",
                      .evaluate = {.cutoffs = {1}}};
  Result<TuneResult> r = Tune(options, split, split);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->trials.size(), 2u);
  EXPECT_DOUBLE_EQ(r->trials[0].score, 0.0);  // all-time: title 1 or 2 first
  EXPECT_DOUBLE_EQ(r->trials[1].score, 1.0);
  EXPECT_EQ(r->best, 1u);
  EXPECT_DOUBLE_EQ(r->test.at_k[0].recall, 1.0);
}

}  // namespace
}  // namespace marquee
