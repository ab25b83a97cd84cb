#include "marquee/bandit/tabular_reward_model.h"

#include <gtest/gtest.h>

#include <vector>

namespace marquee {
namespace {

// Records over items {0, 1, 2} (all candidates everywhere) at positions 0/1.
LoggedBanditData Log(const std::vector<uint32_t>& items, const std::vector<uint32_t>& positions,
                     const std::vector<double>& rewards) {
  LoggedBanditData d;
  d.source = "tabular";
  for (size_t i = 0; i < items.size(); ++i) {
    d.candidate_ids.insert(d.candidate_ids.end(), {0, 1, 2});
    d.offsets.push_back(d.candidate_ids.size());
  }
  d.action = items;
  d.position = positions;
  d.reward = rewards;
  d.propensity.assign(items.size(), 1.0 / 3);
  return d;
}

TEST(TabularRewardModelTest, ShrinksCellMeansTowardsTheOverallMean) {
  // Item 0 at position 0: rewards 1, 1, 0; item 1 at position 0: 0; item 2 at
  // position 1: 1. Overall mean 3/5 = 0.6. With m = 2:
  //   q(0, 0) = (2 + 2*0.6) / (3 + 2) = 0.64
  //   q(1, 0) = (0 + 1.2) / (1 + 2) = 0.4
  //   q(2, 1) = (1 + 1.2) / 3 = 0.7333...
  //   q(2, 0), never seen, = 0.6
  LoggedBanditData log = Log({0, 0, 0, 1, 2}, {0, 0, 0, 0, 1}, {1, 1, 0, 0, 1});
  Result<std::vector<double>> q = PredictTabular(log, 1, 2.0);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_EQ(q->size(), 15u);
  // Record 0 is at position 0: its candidates 0, 1, 2.
  EXPECT_NEAR((*q)[0], 0.64, 1e-12);
  EXPECT_NEAR((*q)[1], 0.4, 1e-12);
  EXPECT_NEAR((*q)[2], 0.6, 1e-12);
  // Record 4 is at position 1: item 2 has its cell, items 0 and 1 none there.
  EXPECT_NEAR((*q)[12], 0.6, 1e-12);
  EXPECT_NEAR((*q)[14], 2.2 / 3, 1e-12);
  // No prior: the raw cell means.
  q = PredictTabular(log, 1, 0.0);
  ASSERT_TRUE(q.ok());
  EXPECT_NEAR((*q)[0], 2.0 / 3, 1e-12);
  EXPECT_NEAR((*q)[1], 0.0, 1e-12);
  EXPECT_NEAR((*q)[2], 0.6, 1e-12);  // empty cell: the mean
}

TEST(TabularRewardModelTest, CrossFittedPredictionsIgnoreTheirOwnRecord) {
  // Two folds by record index: even records predict from odd ones and back.
  std::vector<uint32_t> items(40), positions(40, 0);
  std::vector<double> rewards(40);
  for (size_t i = 0; i < 40; ++i) {
    items[i] = i % 3;
    rewards[i] = (i % 4 == 0) ? 1.0 : 0.0;
  }
  LoggedBanditData log = Log(items, positions, rewards);
  Result<std::vector<double>> before = PredictTabular(log, 2, 10.0);
  ASSERT_TRUE(before.ok());
  // Changing record 6's reward leaves record 6's (and other even records')
  // predictions alone, and moves the odd records'.
  log.reward[6] = 1.0 - log.reward[6];
  Result<std::vector<double>> after = PredictTabular(log, 2, 10.0);
  ASSERT_TRUE(after.ok());
  for (size_t c = 0; c < 3; ++c) {
    EXPECT_EQ((*after)[6 * 3 + c], (*before)[6 * 3 + c]);
    EXPECT_EQ((*after)[8 * 3 + c], (*before)[8 * 3 + c]);
  }
  EXPECT_NE((*after)[7 * 3 + 0], (*before)[7 * 3 + 0]);
  // In-sample, record 6 does see its own reward.
  Result<std::vector<double>> in_sample = PredictTabular(log, 1, 10.0);
  log.reward[6] = 1.0 - log.reward[6];
  Result<std::vector<double>> in_sample_before = PredictTabular(log, 1, 10.0);
  ASSERT_TRUE(in_sample.ok() && in_sample_before.ok());
  EXPECT_NE((*in_sample)[6 * 3 + 0], (*in_sample_before)[6 * 3 + 0]);
}

TEST(TabularRewardModelTest, CrossFittedModelMatchesAFitOnTheOtherFolds) {
  // Fold 1 of 3 (records 1, 4, 7): its predictions equal a model fitted on
  // records 0, 2, 3, 5, 6, 8.
  LoggedBanditData log =
      Log({0, 1, 2, 0, 1, 2, 0, 0, 1}, {0, 1, 0, 1, 0, 1, 0, 0, 1}, {1, 0, 1, 1, 0, 0, 0, 1, 1});
  Result<std::vector<double>> q = PredictTabular(log, 3, 4.0);
  ASSERT_TRUE(q.ok());
  TabularRewardModel model(3, 2, 4.0);
  for (size_t i : {0, 2, 3, 5, 6, 8}) model.Add(log.action[i], log.position[i], log.reward[i]);
  for (size_t i : {1, 4, 7}) {
    for (uint32_t c = 0; c < 3; ++c) {
      EXPECT_NEAR((*q)[i * 3 + c], model.Predict(c, log.position[i]), 1e-12) << i << " " << c;
    }
  }
}

TEST(TabularRewardModelTest, RefusesBadSettings) {
  LoggedBanditData log = Log({0, 1}, {0, 0}, {1, 0});
  EXPECT_EQ(PredictTabular(log, 3, 10.0).status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(PredictTabular(log, 2, -1.0).ok());
  log.propensity[1] = 0.0;
  EXPECT_NE(PredictTabular(log, 1, 10.0).status().message().find("record 1"), std::string::npos);
}

}  // namespace
}  // namespace marquee
