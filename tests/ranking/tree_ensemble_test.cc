// Our tree walker (ranking/tree_ensemble.h) against XGBoost's own
// prediction and importances, which it must reproduce, and on a model
// written by hand whose answers are known.
#include "marquee/ranking/tree_ensemble.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "marquee/ranking/lambdamart.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

constexpr uint32_t kFeatures = 4, kPerQuery = 12;

// Labels from two features, one often missing; the rest noise.
RankingData Queries(uint32_t queries, uint64_t seed) {
  RankingData d;
  d.features = kFeatures;
  Rng rng(seed);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (uint32_t q = 0; q < queries; ++q) {
    for (uint32_t i = 0; i < kPerQuery; ++i) {
      const float a = static_cast<float>(rng.Uniform());
      const float b = rng.Uniform() < 0.3 ? nan : static_cast<float>(rng.Uniform());
      d.x.insert(d.x.end(), {a, b, static_cast<float>(rng.Uniform()), static_cast<float>(rng.Below(3))});
      d.label.push_back(std::floor(a * 2.0f) + (std::isnan(b) ? 0.0f : std::floor(b * 2.0f)));
    }
    d.group_sizes.push_back(kPerQuery);
  }
  return d;
}

TEST(TreeEnsembleTest, PredictsWhatXGBoostPredictsMissingValuesIncluded) {
  const RankingData train = Queries(150, 3);
  Result<LambdaMart> booster = LambdaMart::Train(train, {.rounds = 30, .max_depth = 4});
  ASSERT_TRUE(booster.ok()) << booster.status().ToString();
  Result<std::string> json = booster->Save();
  ASSERT_TRUE(json.ok());
  Result<TreeEnsemble> ensemble = TreeEnsemble::FromXGBoostJson(*json, kFeatures);
  ASSERT_TRUE(ensemble.ok()) << ensemble.status().ToString();
  EXPECT_EQ(ensemble->trees(), 30u);

  const RankingData test = Queries(40, 4);
  Result<std::vector<float>> expected = booster->Predict(test.x, test.rows());
  ASSERT_TRUE(expected.ok());
  std::vector<float> ours(test.rows());
  ensemble->PredictRows(test.x, ours);
  float spread = 0;
  for (float v : *expected) spread = std::max(spread, std::abs(v));
  ASSERT_GT(spread, 0.1f);  // the trees say something
  for (uint32_t r = 0; r < test.rows(); ++r) {
    EXPECT_NEAR(ours[r], (*expected)[r], 1e-5f * std::max(1.0f, spread)) << "row " << r;
  }

  Result<std::vector<double>> gain = booster->TotalGain();
  ASSERT_TRUE(gain.ok());
  const std::vector<double> our_gain = ensemble->TotalGain();
  ASSERT_EQ(our_gain.size(), kFeatures);
  for (uint32_t f = 0; f < kFeatures; ++f) EXPECT_NEAR(our_gain[f], (*gain)[f], 1e-4 * (*gain)[0]) << f;
  EXPECT_GT(our_gain[0], our_gain[2]);  // the signal over the noise
}

// One tree by hand: f1 < 0.5 ? (leaf 1) : (f0 < 2 ? leaf 10 : leaf 20),
// missing f1 goes right, missing f0 goes left; base score 0.5.
constexpr char kHandMade[] = R"({"learner": {
  "learner_model_param": {"base_score": "5E-1", "num_feature": "2"},
  "gradient_booster": {"name": "gbtree", "model": {"trees": [{
    "left_children": [1, -1, 3, -1, -1], "right_children": [2, -1, 4, -1, -1],
    "split_indices": [1, 0, 0, 0, 0], "split_conditions": [0.5, 1, 2, 10, 20],
    "default_left": [0, 0, 1, 0, 0], "loss_changes": [4, 0, 3, 0, 0], "split_type": [0, 0, 0, 0, 0]}]}}}})";

TEST(TreeEnsembleTest, WalksAHandMadeTreeAsXGBoostDefinesIt) {
  Result<TreeEnsemble> e = TreeEnsemble::FromXGBoostJson(kHandMade, 2);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float rows[][2] = {{0, 0.2f}, {1, 0.5f}, {2, 0.9f}, {nan, 0.9f}, {3, nan}, {nan, nan}};
  const float expected[] = {1.5f, 10.5f, 20.5f, 10.5f, 20.5f, 10.5f};
  for (size_t r = 0; r < std::size(rows); ++r) EXPECT_EQ(e->Predict(rows[r]), expected[r]) << "row " << r;
  EXPECT_EQ(e->TotalGain(), (std::vector<double>{3, 4}));
}

TEST(TreeEnsembleTest, RefusesModelsItDoesNotReadNamingTheField) {
  auto error = [](std::string json, uint32_t features) {
    Result<TreeEnsemble> e = TreeEnsemble::FromXGBoostJson(json, features);
    return e.ok() ? std::string("OK") : e.status().message();
  };
  EXPECT_NE(error("{not json", 2).find("JSON"), std::string::npos);
  std::string linear = kHandMade;
  linear.replace(linear.find("\"gbtree\""), 8, "\"gblinear\"");
  EXPECT_NE(error(linear, 2).find("gradient_booster.name"), std::string::npos);
  // A feature the rows do not have.
  EXPECT_NE(error(kHandMade, 1).find("trees[0].split_indices[0]"), std::string::npos);
  std::string loop = kHandMade;
  loop.replace(loop.find("[1, -1, 3, -1, -1]"), 18, "[0, -1, 3, -1, -1]");
  EXPECT_NE(error(loop, 2).find("trees[0].left_children[0]"), std::string::npos);
  std::string short_array = kHandMade;
  short_array.replace(short_array.find("[0.5, 1, 2, 10, 20]"), 19, "[0.5, 1, 2]");
  EXPECT_NE(error(short_array, 2).find("trees[0].split_conditions"), std::string::npos);
  std::string categorical = kHandMade;
  categorical.replace(categorical.find("\"split_type\": [0, 0, 0"), 22, "\"split_type\": [1, 0, 0");
  EXPECT_NE(error(categorical, 2).find("split_type"), std::string::npos);
}

}  // namespace
}  // namespace marquee
