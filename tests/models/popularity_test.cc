#include "marquee/models/popularity.h"

#include <gtest/gtest.h>

#include <cmath>

#include "../test_util.h"
#include "marquee/models/model_file.h"
#include "marquee/models/recommend.h"
#include "marquee/models/registry.h"

namespace marquee {
namespace {

constexpr int64_t kDay = 86400;

// 3 members x 4 titles. Title 2 is watched by all three, long ago; title 3
// by two, recently.
InteractionMatrix Data() {
  InteractionBuilder b;
  const int64_t now = 1000 * kDay;
  for (uint32_t m = 0; m < 3; ++m) b.Add(m, 2, 1, now - 100 * kDay);
  b.Add(0, 3, 1, now);
  b.Add(1, 3, 1, now);
  b.Add(2, 0, 1, now - 10 * kDay);
  return b.Build(3, 4, DuplicateRule::kSum);
}

std::unique_ptr<Recommender> Make(const Parameters& p) {
  auto model = CreateRecommender("popularity", p);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return std::move(model).value();
}

TEST(PopularityTest, AllTimeCounts) {
  auto model = Make({});
  ASSERT_TRUE(model->Fit(Data(), {}).ok());
  std::vector<float> scores(4);
  model->ScoreHistory({}, scores);
  EXPECT_EQ(scores, (std::vector<float>{1, 0, 3, 2}));
  // Member 0 watched 2 and 3: next best is title 0, then 1 (score 0).
  InteractionMatrix data = Data();
  std::vector<ScoredTitle> top = Recommend(*model, 0u, History::Row(data, 0), {.k = 5});
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].title, 0u);
  EXPECT_EQ(top[1].title, 1u);
}

TEST(PopularityTest, TrendingDecaysByHalfLife) {
  auto model = Make({{"half_life", "10"}});
  ASSERT_TRUE(model->Fit(Data(), {}).ok());
  std::vector<float> scores(4);
  model->ScoreHistory({}, scores);
  EXPECT_NEAR(scores[3], 2.0, 1e-6);                       // both plays at the latest time
  EXPECT_NEAR(scores[2], 3 * std::pow(2.0, -10.0), 1e-6);  // 100 days = 10 half-lives
  EXPECT_NEAR(scores[0], 0.5, 1e-6);                       // 10 days = 1 half-life
  EXPECT_GT(scores[0], scores[2]);  // recent beats once-popular
}

TEST(PopularityTest, TrendingNeedsTimes) {
  auto model = Make({{"half_life", "7"}});
  InteractionBuilder b;
  b.Add(0, 0, 1);
  Status s = model->Fit(b.Build(1, 1, DuplicateRule::kSum), {});
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
}

TEST(PopularityTest, BadParametersAreRefused) {
  EXPECT_FALSE(CreateRecommender("popularity", {{"half_life", "-1"}}).ok());
  Status unknown = CreateRecommender("popularity", {{"factors", "3"}}).status();
  EXPECT_NE(unknown.message().find("unknown parameter 'factors'"), std::string::npos);
  Status name = CreateRecommender("svd", {}).status();
  EXPECT_NE(name.message().find("unknown model \"svd\""), std::string::npos) << name.message();
}

TEST(ModelFileTest, RoundTripAndDatasetCheck) {
  test::TempDir dir;
  Dataset d;
  for (const char* m : {"a", "b", "c"}) d.members.GetOrAdd(m);
  for (const char* t : {"w", "x", "y", "z"}) d.titles.GetOrAdd(t);
  d.interactions = Data();
  d.catalog.Resize(4);
  auto model = Make({{"half_life", "10"}});
  ASSERT_TRUE(model->Fit(d.interactions, {}).ok());
  ModelInfo info{.model = "popularity", .parameters = model->parameters(),
                 .data_fingerprint = TrainingDataFingerprint(d, d.interactions),
                 .members = 3, .titles = 4, .interactions = d.interactions.nnz()};
  ASSERT_TRUE(SaveModel(*model, info, d.members, d.titles, dir.File("m")).ok());
  EXPECT_TRUE(std::filesystem::exists(dir.File("m/model.json")));

  Result<LoadedModel> loaded = LoadModel(dir.File("m"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->info.parameters, model->parameters());
  EXPECT_EQ(loaded->info.data_fingerprint, info.data_fingerprint);
  EXPECT_EQ(loaded->titles.Find("y"), 2u);
  std::vector<float> a(4), b(4);
  model->ScoreHistory({}, a);
  loaded->model->ScoreHistory({}, b);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(CheckModelMatchesDataset(*loaded, d, "m").ok());

  Dataset other = d;
  other.titles = IdMap();
  for (const char* t : {"w", "x", "y", "q"}) other.titles.GetOrAdd(t);
  Status mismatch = CheckModelMatchesDataset(*loaded, other, "m");
  EXPECT_NE(mismatch.message().find("trained on a different dataset"), std::string::npos);
}

TEST(ModelFileTest, MissingAndCorruptModelsAreClearErrors) {
  test::TempDir dir;
  Status missing = LoadModel(dir.File("none")).status();
  EXPECT_EQ(missing.code(), Status::Code::kNotFound);
  EXPECT_NE(missing.message().find("no model here"), std::string::npos);
  dir.Write("bad/model.mqm", "garbage");
  EXPECT_EQ(LoadModel(dir.File("bad")).status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace marquee
