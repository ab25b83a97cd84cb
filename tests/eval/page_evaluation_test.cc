#include "marquee/eval/page_evaluation.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "marquee/models/recommend.h"
#include "marquee/models/registry.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/util/threads.h"

namespace marquee {
namespace {

constexpr uint32_t kRows = 4, kPerRow = 5;

// A few hundred members of the synthetic service, an iALS model trained on
// the temporal split at the 0.8 quantile: shared by the tests (made once).
struct Fixture {
  SyntheticService service;
  PageEvaluationOptions options;
  EvalSplit split;
  std::unique_ptr<Recommender> model;
};

std::unique_ptr<Recommender> Model(const std::string& name, const Parameters& parameters) {
  Result<std::unique_ptr<Recommender>> model = CreateRecommender(name, parameters);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? std::move(*model) : nullptr;
}

const Fixture& Shared() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    SyntheticConfig config;
    config.members = 300;
    config.titles = 150;
    config.plays = 15000;
    config.seed = 5;
    f->service = std::move(*GenerateService(config));
    f->options.rows = kRows;
    f->options.per_row = kPerRow;
    f->split = std::move(*MakePageSplit(f->service.dataset, f->options));
    Parameters p;
    p.Set("factors", "16");
    p.Set("iterations", "6");
    f->model = Model("ials", p);
    Status fitted = f->model->Fit(f->split.train, TrainContext{});
    EXPECT_TRUE(fitted.ok()) << fitted.ToString();
    return f;
  }();
  return *fixture;
}

PageEvaluationResult Evaluate(const PageEvaluationOptions& options) {
  const Fixture& f = Shared();
  Result<PageEvaluationResult> r = EvaluatePagesOnSplit(f.service.dataset, f.split, *f.model, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : PageEvaluationResult{};
}

TEST(PageEvaluationTest, EveryStrategyFillsAtMostTheVisibleArea) {
  const PageEvaluationResult r = Evaluate(Shared().options);
  EXPECT_EQ(r.members_evaluated, Shared().split.EvaluatedMembers());
  EXPECT_GT(r.members_evaluated, 50u);
  ASSERT_EQ(r.strategies.size(), std::size(kAllPageStrategies));
  for (const PageStrategyResult& s : r.strategies) {
    SCOPED_TRACE(PageStrategyName(s.strategy));
    EXPECT_GT(s.visible_titles, 0.0);
    EXPECT_LE(s.visible_titles, kRows * kPerRow);
    EXPECT_GE(s.recall, 0.0);
    EXPECT_LE(s.recall, 1.0);
    EXPECT_GE(s.ndcg, 0.0);
    EXPECT_LE(s.ndcg, 1.0);
    EXPECT_GT(s.coverage, 0.0);
    EXPECT_LE(s.coverage, 1.0);
    EXPECT_LE(s.first_hit_row, kRows);
    EXPECT_LE(s.first_hit_column, kPerRow);
    EXPECT_FALSE(r.graded);
    EXPECT_EQ(s.graded_ndcg, 0.0);
  }
}

// An independent check of the one-list page: its recall is recall@(R*C) of
// one top-k list from recommend.h, excluding the member's training titles.
TEST(PageEvaluationTest, OneListRecallIsRecallOfOneTopKList) {
  const Fixture& f = Shared();
  const PageEvaluationResult r = Evaluate(f.options);
  double recall = 0.0;
  uint64_t members = 0;
  for (uint32_t m = 0; m < f.split.target.rows(); ++m) {
    auto target = f.split.target.RowIndices(m);
    if (target.empty()) continue;
    RecommendOptions options{.k = kRows * kPerRow};
    std::vector<ScoredTitle> top = Recommend(*f.model, m, History::Row(f.split.train, m), options);
    const std::set<uint32_t> wanted(target.begin(), target.end());
    uint32_t hits = 0;
    for (const ScoredTitle& t : top) hits += wanted.count(t.title);
    recall += static_cast<double>(hits) / wanted.size();
    ++members;
  }
  ASSERT_EQ(members, r.members_evaluated);
  EXPECT_NEAR(r.strategies[1].recall, recall / members, 1e-9);
  EXPECT_EQ(r.strategies[1].strategy, PageStrategy::kOneList);
  EXPECT_EQ(r.strategies[1].continue_watching_share, 0.0);
  // Every row of the one list is Top Picks, so they found every hit.
  const RowKindResult& top = r.strategies[1].kinds[static_cast<size_t>(page::RowKind::kTopPicks)];
  EXPECT_EQ(top.kind, page::RowKind::kTopPicks);
  EXPECT_DOUBLE_EQ(top.rows, kRows);
  EXPECT_DOUBLE_EQ(top.position, (1.0 + kRows) / 2);
  EXPECT_DOUBLE_EQ(top.hit_share, 1.0);
}

TEST(PageEvaluationTest, PairedDifferenceIsTheDifferenceOfTheMeans) {
  const PageEvaluationResult r = Evaluate(Shared().options);
  const PagePairedDifference& d = r.personalized_vs_fixed;
  EXPECT_NEAR(d.mean, r.strategies[3].ndcg - r.strategies[2].ndcg, 1e-12);
  EXPECT_GT(d.standard_error, 0.0);
  EXPECT_LE(d.better + d.worse, r.members_evaluated);
}

TEST(PageEvaluationTest, ResultsDoNotDependOnTheThreadCount) {
  SetThreadCount(1);
  const PageEvaluationResult one = Evaluate(Shared().options);
  SetThreadCount(3);
  const PageEvaluationResult three = Evaluate(Shared().options);
  SetThreadCount(0);
  ASSERT_EQ(one.strategies.size(), three.strategies.size());
  for (size_t s = 0; s < one.strategies.size(); ++s) {
    EXPECT_EQ(one.strategies[s].recall, three.strategies[s].recall);
    EXPECT_EQ(one.strategies[s].ndcg, three.strategies[s].ndcg);
    EXPECT_EQ(one.strategies[s].coverage, three.strategies[s].coverage);
    EXPECT_EQ(one.strategies[s].first_hit_column, three.strategies[s].first_hit_column);
    for (size_t k = 0; k < one.strategies[s].kinds.size(); ++k) {
      EXPECT_EQ(one.strategies[s].kinds[k].hit_share, three.strategies[s].kinds[k].hit_share);
    }
  }
  EXPECT_EQ(one.personalized_vs_fixed.standard_error, three.personalized_vs_fixed.standard_error);
}

TEST(PageEvaluationTest, GradedGainsFromTheTruthRankPersonalizedPagesAbovePopularity) {
  const Fixture& f = Shared();
  PageEvaluationOptions options = f.options;
  options.gains = [&f](uint32_t member, std::span<float> gain) {
    f.service.truth.TrueAffinities(member, gain);
  };
  const PageEvaluationResult r = Evaluate(options);
  EXPECT_TRUE(r.graded);
  for (const PageStrategyResult& s : r.strategies) {
    EXPECT_GT(s.graded_ndcg, 0.0);
    EXPECT_LE(s.graded_ndcg, 1.0);
  }
  // The model learned the members' tastes: any page built on it beats the
  // unknown member's page on the true gains.
  EXPECT_GT(r.strategies[3].graded_ndcg, r.strategies[0].graded_ndcg);
  EXPECT_GT(r.strategies[1].graded_ndcg, r.strategies[0].graded_ndcg);
}

TEST(PageEvaluationTest, RefusesASplitTimeOutsideTheData) {
  const Fixture& f = Shared();
  PageEvaluationOptions options = f.options;
  options.split_time = 946684800;  // 2000-01-01, before any synthetic play
  Result<EvalSplit> split = MakePageSplit(f.service.dataset, options);
  ASSERT_FALSE(split.ok());
  EXPECT_NE(split.status().message().find("split_time"), std::string::npos) << split.status().ToString();
}

TEST(PageEvaluationTest, NoMemberToEvaluateIsAnError) {
  const Fixture& f = Shared();
  PageEvaluationOptions options = f.options;
  options.min_history = 100000;
  Result<EvalSplit> split = MakePageSplit(f.service.dataset, options);
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  ASSERT_EQ(split->target.nnz(), 0u);
  const Status members = CheckMembersToEvaluate(*split);
  EXPECT_EQ(members.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(members.message().find("no member has interactions on both sides of the split"),
            std::string::npos)
      << members.ToString();
  EXPECT_NE(members.message().find("at least 100000 interactions"), std::string::npos) << members.ToString();
  Result<PageEvaluationResult> r = EvaluatePagesOnSplit(f.service.dataset, *split, *f.model, options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no member evaluated"), std::string::npos) << r.status().ToString();
  r = EvaluatePages(f.service.dataset, *split, "popularity", {}, options, TrainContext{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no member evaluated"), std::string::npos) << r.status().ToString();
}

TEST(PageEvaluationTest, MaxMembersCountsOnlyTheirNextPlays) {
  const Fixture& f = Shared();
  PageEvaluationOptions options = f.options;
  options.max_members = 5;
  const PageEvaluationResult r = Evaluate(options);
  uint64_t expected = 0;
  for (uint32_t m = 0, members = 0; m < f.split.target.rows() && members < 5; ++m) {
    if (f.split.target.RowLength(m) == 0) continue;
    expected += f.split.target.RowLength(m);
    ++members;
  }
  EXPECT_EQ(r.members_evaluated, 5u);
  EXPECT_EQ(r.target_interactions, expected);
  EXPECT_LT(r.target_interactions, f.split.target.nnz());
  EXPECT_EQ(Evaluate(f.options).target_interactions, f.split.target.nnz());
}

TEST(PageEvaluationTest, RefusesAnEmptyPageShapeAndABadQuantile) {
  PageEvaluationOptions options;
  options.rows = 0;
  EXPECT_NE(options.Validate().message().find("rows"), std::string::npos);
  options.rows = 10;
  options.per_row = 201;
  EXPECT_NE(options.Validate().message().find("per_row"), std::string::npos);
  options.per_row = 20;
  options.split_quantile = 1.0;
  EXPECT_NE(options.Validate().message().find("split_quantile"), std::string::npos);
  EXPECT_FALSE(MakePageSplit(Shared().service.dataset, options).ok());
}

TEST(PageEvaluationTest, RefusesAModelOfAnotherShape) {
  const Fixture& f = Shared();
  std::unique_ptr<Recommender> other = Model("popularity", {});
  InteractionBuilder b;
  b.Add(0, 0, 1.0f, 1);
  ASSERT_TRUE(other->Fit(b.Build(2, 3, DuplicateRule::kSum), TrainContext{}).ok());
  Result<PageEvaluationResult> r = EvaluatePagesOnSplit(f.service.dataset, f.split, *other, f.options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("model was trained on 2 members x 3 titles"), std::string::npos);
}

// 3 members, 6 titles, everything before time 100 is train. Popularity in
// train: title 0 by 3 members, titles 1 and 2 by 2, the rest by none. One
// row of 2: member 0 (saw 0, 1) gets {2, 3}, member 1 (saw 0, 2) {1, 3},
// member 2 (saw 0, 1, 2) {3, 4}; 4 of the 6 titles are shown.
Dataset HandDataset() {
  Dataset d;
  for (const char* m : {"a", "b", "c"}) d.members.GetOrAdd(m);
  for (const char* t : {"t0", "t1", "t2", "t3", "t4", "t5"}) d.titles.GetOrAdd(t);
  d.catalog.Resize(6);
  for (uint32_t t = 0; t < 6; ++t)
    d.catalog.titles()[t].genres = {d.catalog.GenreIndex(t < 3 ? "Drama" : "Comedy")};
  InteractionBuilder b;
  const std::vector<std::vector<uint32_t>> before = {{0, 1}, {0, 2}, {0, 1, 2}};
  const uint32_t after[] = {2, 5, 4};
  for (uint32_t m = 0; m < 3; ++m) {
    for (uint32_t t : before[m]) b.Add(m, t, 1.0f, 10);
    b.Add(m, after[m], 1.0f, 200);
  }
  d.interactions = b.Build(3, 6, DuplicateRule::kSum);
  d.weight_kind = WeightKind::kBinary;
  return d;
}

TEST(PageEvaluationTest, OneListCoverageAndFirstHitComputedByHand) {
  const Dataset d = HandDataset();
  PageEvaluationOptions options;
  options.split_time = 100;
  options.rows = 1;
  options.per_row = 2;
  Result<EvalSplit> split = MakePageSplit(d, options);
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  std::unique_ptr<Recommender> model = Model("popularity", {});
  ASSERT_TRUE(model->Fit(split->train, TrainContext{}).ok());
  Result<PageEvaluationResult> r = EvaluatePagesOnSplit(d, *split, *model, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PageStrategyResult& one = r->strategies[1];
  EXPECT_EQ(r->members_evaluated, 3u);
  EXPECT_DOUBLE_EQ(one.coverage, 4.0 / 6);
  // Member 0 wanted 2 (column 1), member 1 wanted 5 and member 2 wanted 4 (column 2).
  EXPECT_DOUBLE_EQ(one.recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(one.hit_share, 2.0 / 3);
  EXPECT_DOUBLE_EQ(one.first_hit_row, 1.0);
  EXPECT_DOUBLE_EQ(one.first_hit_column, 1.5);
  EXPECT_DOUBLE_EQ(one.visible_titles, 2.0);
  // {2, 3} and {1, 3} are a Drama and a Comedy each, {3, 4} two Comedies.
  EXPECT_DOUBLE_EQ(one.genres, 5.0 / 3);
}

TEST(PageEvaluationTest, TimeAtQuantileLeavesThatShareBefore) {
  InteractionBuilder b;
  for (uint32_t i = 0; i < 10; ++i) b.Add(i % 2, i, 1.0f, 100 + i);
  const InteractionMatrix m = b.Build(2, 10, DuplicateRule::kSum);
  EXPECT_EQ(*TimeAtQuantile(m, 0.8), 108);
  EXPECT_EQ(*TimeAtQuantile(m, 0.01), 101);  // at least one interaction before
  EXPECT_FALSE(TimeAtQuantile(m, 0.0).ok());
  InteractionBuilder same;
  same.Add(0, 0, 1.0f, 5);
  same.Add(1, 1, 1.0f, 5);
  EXPECT_FALSE(TimeAtQuantile(same.Build(2, 2, DuplicateRule::kSum), 0.5).ok());
}

}  // namespace
}  // namespace marquee
