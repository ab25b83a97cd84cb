// LambdaMART through XGBoost (issue 15 §1) on a set where the right order is
// known: relevance is a step function of one feature, the others are noise.
#include "marquee/ranking/lambdamart.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "marquee/util/random.h"

namespace marquee {
namespace {

constexpr uint32_t kFeatures = 3, kPerQuery = 10;

RankingData MakeQueries(uint32_t queries, uint64_t seed) {
  RankingData d;
  d.features = kFeatures;
  Rng rng(seed);
  for (uint32_t q = 0; q < queries; ++q) {
    for (uint32_t i = 0; i < kPerQuery; ++i) {
      const float signal = static_cast<float>(rng.Uniform());
      d.x.insert(d.x.end(), {signal, static_cast<float>(rng.Uniform()), static_cast<float>(rng.Uniform())});
      d.label.push_back(std::floor(signal * 4.0f));  // 0 .. 3
    }
    d.group_sizes.push_back(kPerQuery);
  }
  return d;
}

// NDCG@k of the order `scores` gives to rows [begin, begin + n) of `d`.
double Ndcg(const RankingData& d, const std::vector<float>& scores, size_t begin, size_t n, size_t k) {
  std::vector<size_t> order(n), ideal(n);
  std::iota(order.begin(), order.end(), begin);
  ideal = order;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  std::sort(ideal.begin(), ideal.end(), [&](size_t a, size_t b) { return d.label[a] > d.label[b]; });
  auto dcg = [&](const std::vector<size_t>& o) {
    double s = 0.0;
    for (size_t i = 0; i < std::min(k, o.size()); ++i) s += (std::pow(2.0, d.label[o[i]]) - 1.0) / std::log2(i + 2.0);
    return s;
  };
  const double best = dcg(ideal);
  return best > 0 ? dcg(order) / best : 1.0;
}

TEST(LambdaMartTest, LearnsTheKnownOrderAndTheFeatureThatCarriesIt) {
  const RankingData train = MakeQueries(200, 1), test = MakeQueries(50, 2);
  Result<LambdaMart> ranker = LambdaMart::Train(train, {.rounds = 40, .max_depth = 3, .threads = 1});
  ASSERT_TRUE(ranker.ok()) << ranker.status().message();
  Result<std::vector<float>> scores = ranker->Predict(test.x, test.rows());
  ASSERT_TRUE(scores.ok()) << scores.status().message();
  ASSERT_EQ(scores->size(), test.rows());
  double ndcg = 0.0, noise = 0.0;
  Rng rng(9);
  std::vector<float> random(test.rows());
  for (float& s : random) s = static_cast<float>(rng.Uniform());
  for (uint32_t q = 0; q < 50; ++q) {
    ndcg += Ndcg(test, *scores, q * kPerQuery, kPerQuery, 10) / 50.0;
    noise += Ndcg(test, random, q * kPerQuery, kPerQuery, 10) / 50.0;
  }
  EXPECT_GT(ndcg, 0.99);
  EXPECT_LT(noise, 0.9);  // the measure can fail: a random order scores far lower
  // Nearly all the gain is the signal's.
  Result<std::vector<double>> gain = ranker->TotalGain();
  ASSERT_TRUE(gain.ok()) << gain.status().message();
  ASSERT_EQ(gain->size(), kFeatures);
  EXPECT_GT((*gain)[0], 10.0 * ((*gain)[1] + (*gain)[2]));
}

TEST(LambdaMartTest, SavedRankersPredictTheSameAndRefuseAnotherShape) {
  const RankingData train = MakeQueries(60, 3);
  Result<LambdaMart> ranker = LambdaMart::Train(train, {.rounds = 10, .threads = 1});
  ASSERT_TRUE(ranker.ok());
  Result<std::string> bytes = ranker->Save();
  ASSERT_TRUE(bytes.ok());
  Result<LambdaMart> loaded = LambdaMart::Load(*bytes, kFeatures);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(*loaded->Predict(train.x, train.rows()), *ranker->Predict(train.x, train.rows()));
  EXPECT_FALSE(LambdaMart::Load(*bytes, 5).ok());
  Result<LambdaMart> garbage = LambdaMart::Load("{not a model", kFeatures);
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.status().message().find("xgboost: loading the model"), std::string::npos)
      << garbage.status().message();
  EXPECT_EQ(ranker->Predict(std::vector<float>(4), 1).status().field(), "x");
}

TEST(LambdaMartTest, RefusesInconsistentDataAndOptions) {
  RankingData d = MakeQueries(4, 4);
  EXPECT_EQ(LambdaMart::Train(d, {.rounds = 0}).status().field(), "rounds");
  EXPECT_EQ(LambdaMart::Train(d, {.learning_rate = 0}).status().field(), "learning_rate");
  RankingData bad = d;
  bad.label[3] = -1.0f;
  EXPECT_EQ(LambdaMart::Train(bad, {}).status().field(), "label");
  bad = d;
  bad.group_sizes.back() += 1;
  EXPECT_EQ(LambdaMart::Train(bad, {}).status().field(), "group_sizes");
  bad = d;
  bad.group_weight = {1.0f, 2.0f};
  EXPECT_EQ(LambdaMart::Train(bad, {}).status().field(), "group_weight");
  bad = d;
  bad.x.pop_back();
  EXPECT_EQ(LambdaMart::Train(bad, {}).status().field(), "x");
  // Per-query weights (inverse propensities, say) are accepted.
  d.group_weight = {1.0f, 0.5f, 2.0f, 1.0f};
  EXPECT_TRUE(LambdaMart::Train(d, {.rounds = 3, .threads = 1}).ok());
}

}  // namespace
}  // namespace marquee
