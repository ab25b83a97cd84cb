// The ranker as a model (ranking/ranker.h, ranker_file.h): trained on a
// small synthetic service, it scores like any Recommender, saves and loads
// bit-identically with its candidate models, and refuses to load without
// them or with other ones.
#include "marquee/ranking/ranker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>

#include "marquee/models/model_file.h"
#include "marquee/models/recommend.h"
#include "marquee/models/registry.h"
#include "marquee/ranking/ranker_file.h"
#include "marquee/ranking/ranking_dataset.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/util/random.h"
#include "../test_util.h"

namespace marquee {
namespace {

class RankerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SyntheticConfig config;
    config.members = 600;
    config.titles = 150;
    config.plays = 24000;
    config.seed = 5;
    Result<SyntheticService> service = GenerateService(config);
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    dataset_ = new Dataset(std::move(service->dataset));
    Parameters p{{"candidates", "ials,popularity"}, {"per_source", "30"}, {"rounds", "20"}};
    Result<std::unique_ptr<RankerRecommender>> ranker = RankerRecommender::Create(p, &dataset_->catalog);
    ASSERT_TRUE(ranker.ok()) << ranker.status().ToString();
    ASSERT_TRUE((*ranker)->Fit(dataset_->interactions, TrainContext{.seed = 3}).ok());
    ranker_ = ranker->release();
  }
  static void TearDownTestSuite() {
    delete ranker_;
    delete dataset_;
  }
  static std::vector<float> AllScores(const Recommender& model) {
    const InteractionMatrix& data = dataset_->interactions;
    std::vector<float> all(static_cast<size_t>(data.rows()) * data.cols());
    for (uint32_t m = 0; m < data.rows(); ++m) {
      model.ScoreMember(m, History::Row(data, m), std::span<float>(all).subspan(size_t{m} * data.cols(), data.cols()));
    }
    return all;
  }
  std::string Save(const test::TempDir& dir) const {
    const std::string out = dir.File("ranker");
    const ModelInfo info = DescribeTrainedModel(*ranker_, "ranker", *dataset_, dataset_->interactions, 1.0);
    const Status saved = SaveRanker(*ranker_, info, *dataset_, dataset_->interactions, out);
    EXPECT_TRUE(saved.ok()) << saved.ToString();
    return out;
  }

  static Dataset* dataset_;
  static RankerRecommender* ranker_;
};
Dataset* RankerTest::dataset_ = nullptr;
RankerRecommender* RankerTest::ranker_ = nullptr;

TEST_F(RankerTest, ListsAreTheRankedCandidatesAboveEveryOtherTitle) {
  EXPECT_GT(ranker_->training().queries, 50u);
  const InteractionMatrix& data = dataset_->interactions;
  std::vector<float> scores(data.cols()), source(data.cols());
  for (uint32_t m = 0; m < data.rows(); m += 17) {
    const History history = History::Row(data, m);
    ranker_->ScoreMember(m, history, scores);
    for (float s : scores) ASSERT_TRUE(std::isfinite(s));
    const Candidates c = GatherCandidates(ranker_->sources(), m, history, history.titles, 30);
    ASSERT_GE(c.titles.size(), std::min<size_t>(30, data.cols() - history.titles.size()));
    std::vector<bool> candidate(data.cols(), false);
    for (uint32_t t : c.titles) candidate[t] = true;
    float lowest_candidate = INFINITY, highest_other = -INFINITY;
    for (uint32_t t = 0; t < data.cols(); ++t) {
      (candidate[t] ? lowest_candidate : highest_other) =
          candidate[t] ? std::min(lowest_candidate, scores[t]) : std::max(highest_other, scores[t]);
    }
    EXPECT_LT(highest_other, lowest_candidate) << "member " << m;
    // Watched titles are never candidates.
    for (uint32_t t : history.titles) EXPECT_FALSE(candidate[t]);
  }
}

TEST_F(RankerTest, SavesAndLoadsWithItsCandidateModelsBitIdentically) {
  test::TempDir dir;
  const std::string out = Save(dir);
  EXPECT_TRUE(std::filesystem::exists(RankerSourceDir(out, "ials") + "/model.mqm"));
  Result<LoadedModel> loaded = LoadAnyModel(out);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->info.model, "ranker");
  EXPECT_EQ(loaded->model->parameters(), ranker_->parameters());
  EXPECT_EQ(AllScores(*loaded->model), AllScores(*ranker_));
  std::vector<float> a(dataset_->titles.size()), b(a.size());
  const InteractionMatrix& data = dataset_->interactions;
  for (uint32_t m = 0; m < data.rows(); m += 31) {
    ranker_->ScoreHistory(History::Row(data, m), a);
    loaded->model->ScoreHistory(History::Row(data, m), b);
    ASSERT_EQ(a, b) << "member " << m;
  }
  ranker_->ScoreSimilar(3, a);
  loaded->model->ScoreSimilar(3, b);
  EXPECT_EQ(a, b);
  // A source alone is an ordinary model directory.
  EXPECT_TRUE(LoadModel(RankerSourceDir(out, "popularity")).ok());
  // LoadModel does not load a ranker, and says what does.
  Result<LoadedModel> plain = LoadModel(out);
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.status().message().find("LoadAnyModel"), std::string::npos);
}

TEST_F(RankerTest, RefusesToLoadWithoutItsCandidateModelsOrWithOtherOnes) {
  test::TempDir dir;
  const std::string out = Save(dir);
  // Gone.
  std::filesystem::rename(RankerSourceDir(out, "popularity"), dir.File("moved"));
  Result<LoadedModel> missing = LoadAnyModel(out);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("candidate model popularity"), std::string::npos)
      << missing.status().message();
  std::filesystem::rename(dir.File("moved"), RankerSourceDir(out, "popularity"));
  ASSERT_TRUE(LoadAnyModel(out).ok());
  // Replaced by another model trained on the same data.
  Result<std::unique_ptr<Recommender>> other = CreateRecommender("ials", {{"factors", "8"}});
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Fit(dataset_->interactions, TrainContext{}).ok());
  ModelInfo info = DescribeTrainedModel(**other, "ials", *dataset_, dataset_->interactions, 0.1);
  ASSERT_TRUE(SaveModel(**other, info, dataset_->members, dataset_->titles, RankerSourceDir(out, "ials")).ok());
  Result<LoadedModel> replaced = LoadAnyModel(out);
  ASSERT_FALSE(replaced.ok());
  EXPECT_EQ(replaced.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(replaced.status().message().find("not the ials model"), std::string::npos)
      << replaced.status().message();
}

TEST_F(RankerTest, ConcurrentScoringEqualsSerial) {
  const std::vector<float> serial = AllScores(*ranker_);
  std::vector<std::vector<float>> results(3);
  std::vector<std::thread> threads;
  for (auto& r : results) threads.emplace_back([&r] { r = AllScores(*ranker_); });
  for (std::thread& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, serial);
}

TEST_F(RankerTest, FindsMoreOfWhatMembersPlayNextThanARandomOrderOfItsCandidates) {
  // Hold back each member's latest fifth, refit on the rest, and compare the
  // ranker's top 10 with its candidates in a seeded shuffle.
  const LabelSplit split = SplitLatestPerMember(dataset_->interactions, 0.2, 9);
  Result<std::unique_ptr<RankerRecommender>> ranker =
      RankerRecommender::Create(ranker_->parameters(), &dataset_->catalog);
  ASSERT_TRUE(ranker.ok());
  ASSERT_TRUE((*ranker)->Fit(split.train, TrainContext{.seed = 3}).ok());
  uint64_t ranked_hits = 0, shuffled_hits = 0;
  Rng rng(1);
  for (uint32_t m = 0; m < split.train.rows(); ++m) {
    const auto next = split.target.RowIndices(m);
    if (next.empty()) continue;
    const History history = History::Row(split.train, m);
    const std::vector<ScoredTitle> top = Recommend(**ranker, m, history, {.k = 10});
    Candidates c = GatherCandidates((*ranker)->sources(), m, history, history.titles, 30);
    for (size_t i = c.titles.size(); i > 1; --i) std::swap(c.titles[i - 1], c.titles[rng.Below(static_cast<uint32_t>(i))]);
    for (size_t i = 0; i < top.size(); ++i) {
      ranked_hits += std::binary_search(next.begin(), next.end(), top[i].title);
      shuffled_hits += std::binary_search(next.begin(), next.end(), c.titles[i]);
    }
  }
  std::printf("hits in the top 10: ranker %llu, shuffled candidates %llu\n",
              static_cast<unsigned long long>(ranked_hits), static_cast<unsigned long long>(shuffled_hits));
  EXPECT_GT(2 * ranked_hits, 3 * shuffled_hits);  // 1.5 times
}

// Impression lists whose outcome follows a rule the features can see
// (members played what was shown when the title is recent, whatever else
// it is): the ranker trained on them puts recent titles first, and says
// the year mattered most.
TEST_F(RankerTest, LearnsFromImpressionListsWhatWasPlayedAfterBeingShown) {
  std::vector<int32_t> years;
  for (const Title& t : dataset_->catalog.titles()) years.push_back(t.year);
  std::vector<int32_t> sorted = years;
  std::sort(sorted.begin(), sorted.end());
  const int32_t median = sorted[sorted.size() / 2];
  ASSERT_GT(median, 0);
  auto recent = [&](uint32_t t) { return years[t] >= median; };
  std::vector<ImpressionList> lists;
  Rng rng(4);
  const uint32_t titles = static_cast<uint32_t>(dataset_->titles.size());
  for (uint32_t m = 0; m < 400; ++m) {
    ImpressionList list;
    list.member = m;
    while (list.titles.size() < 10) {
      const uint32_t t = rng.Below(titles);
      if (std::find(list.titles.begin(), list.titles.end(), t) != list.titles.end()) continue;
      list.titles.push_back(t);
      list.labels.push_back(recent(t) && rng.Uniform() < 0.6 ? 1.0f : 0.0f);
    }
    lists.push_back(std::move(list));
  }
  Result<std::unique_ptr<RankerRecommender>> ranker =
      RankerRecommender::Create({{"candidates", "ials,popularity"}, {"per_source", "40"}, {"rounds", "20"}},
                                &dataset_->catalog);
  ASSERT_TRUE(ranker.ok());
  const InteractionMatrix& data = dataset_->interactions;
  ASSERT_TRUE((*ranker)->FitFromImpressions(data, data, lists, TrainContext{.seed = 2}).ok());
  EXPECT_GT((*ranker)->training().queries, 300u);
  // Top 10 of members the lists never showed anything to.
  uint32_t recent_top = 0, recent_pool = 0, top = 0, pool = 0;
  for (uint32_t m = 400; m < data.rows(); ++m) {
    const History history = History::Row(data, m);
    for (const ScoredTitle& s : Recommend(**ranker, m, history, {.k = 10})) {
      recent_top += recent(s.title);
      ++top;
    }
    const Candidates c = GatherCandidates((*ranker)->sources(), m, history, history.titles, 40);
    for (uint32_t t : c.titles) {
      recent_pool += recent(t);
      ++pool;
    }
  }
  std::printf("recent titles: %.1f%% of the top 10, %.1f%% of the candidates\n", 100.0 * recent_top / top,
              100.0 * recent_pool / pool);
  EXPECT_GT(static_cast<double>(recent_top) / top, 0.9);
  EXPECT_LT(static_cast<double>(recent_pool) / pool, 0.75);
  const std::vector<std::string> names = (*ranker)->FeatureNames();
  const std::vector<double> gain = (*ranker)->TotalGain();
  const size_t best = static_cast<size_t>(std::max_element(gain.begin(), gain.end()) - gain.begin());
  EXPECT_TRUE(names[best] == "year" || names[best] == "age_days") << names[best];

  // Lists without a play teach nothing: refused.
  for (ImpressionList& list : lists) std::fill(list.labels.begin(), list.labels.end(), 0.0f);
  const Status none = (*ranker)->FitFromImpressions(data, data, lists, TrainContext{});
  EXPECT_EQ(none.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(none.message().find("nothing to learn"), std::string::npos);
}

TEST(RankerOptionsTest, RefusesUnknownSourcesAndFitWithoutACatalog) {
  Result<std::unique_ptr<RankerRecommender>> bad = RankerRecommender::Create({{"candidates", "ials,bogus"}}, nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("candidates"), std::string::npos);
  EXPECT_NE(bad.status().message().find("bogus"), std::string::npos);
  EXPECT_FALSE(RankerRecommender::Create({{"candidates", "ials,ials"}}, nullptr).ok());
  EXPECT_FALSE(RankerRecommender::Create({{"candidates", ""}}, nullptr).ok());
  Result<std::unique_ptr<RankerRecommender>> ranker = RankerRecommender::Create({}, nullptr);
  ASSERT_TRUE(ranker.ok());
  EXPECT_EQ((*ranker)->parameters().values().at("candidates"), "ials,ease,trending");
  InteractionBuilder b;
  b.Add(0, 0, 1.0f, 100);
  const Status fit = (*ranker)->Fit(b.Build(1, 1, DuplicateRule::kSum), TrainContext{});
  EXPECT_EQ(fit.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(fit.message().find("catalog"), std::string::npos);
}

}  // namespace
}  // namespace marquee
