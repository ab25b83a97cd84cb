// The cold-title protocol (issue 15 §2): the split keeps every play of a
// held-out title out of training, and the member-side and title-side
// measures give hand-computed answers.
#include "marquee/eval/cold_titles.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "marquee/synthetic/synthetic.h"

namespace marquee {
namespace {

InteractionMatrix Build(uint32_t members, uint32_t titles, const std::vector<std::pair<uint32_t, uint32_t>>& entries) {
  InteractionBuilder b;
  for (auto [m, t] : entries) b.Add(m, t, 1.0f);
  return b.Build(members, titles, DuplicateRule::kSum);
}

TEST(ColdTitlesTest, HeldOutTitlesLeaveTrainingEntirely) {
  SyntheticConfig config;
  config.members = 400;
  config.titles = 150;
  config.plays = 12000;
  config.seed = 3;
  Result<SyntheticService> service = GenerateService(config);
  ASSERT_TRUE(service.ok());
  const InteractionMatrix& data = service->dataset.interactions;
  const ColdTitleOptions options{.fraction = 0.2, .min_audience = 5, .seed = 9};
  Result<ColdTitleSplit> split = MakeColdTitleSplit(data, options);
  ASSERT_TRUE(split.ok()) << split.status().message();
  const std::vector<uint32_t> audience = data.ColumnCounts();
  std::set<uint32_t> cold(split->cold.begin(), split->cold.end());
  EXPECT_EQ(split->cold.size() + split->warm.size(), data.cols());
  uint32_t eligible = 0;
  for (uint32_t t = 0; t < data.cols(); ++t) eligible += audience[t] >= 5;
  EXPECT_EQ(split->cold.size(), static_cast<size_t>(std::llround(0.2 * eligible)));
  for (uint32_t t : split->cold) EXPECT_GE(audience[t], 5u);
  // No cold title in training; every other interaction is there.
  const std::vector<uint32_t> trained = split->train.ColumnCounts();
  uint64_t cold_plays = 0;
  for (uint32_t t = 0; t < data.cols(); ++t) {
    if (cold.contains(t)) {
      EXPECT_EQ(trained[t], 0u);
      cold_plays += audience[t];
    } else {
      EXPECT_EQ(trained[t], audience[t]);
    }
  }
  // Every cold play of an evaluated member is a target.
  uint64_t targets = 0;
  for (size_t i = 0; i < split->members.size(); ++i) {
    const uint32_t m = split->members[i];
    EXPECT_GE(split->train.RowLength(m), options.min_history);
    uint32_t mine = 0;
    for (uint32_t t : data.RowIndices(m)) mine += cold.contains(t);
    EXPECT_EQ(split->played[i].size(), mine);
    targets += mine;
  }
  EXPECT_LE(targets, cold_plays);
  EXPECT_GT(targets, 0u);
  // The same seed, the same split; another seed, other titles.
  EXPECT_EQ(MakeColdTitleSplit(data, options)->cold, split->cold);
  ColdTitleOptions other = options;
  other.seed = 10;
  EXPECT_NE(MakeColdTitleSplit(data, other)->cold, split->cold);
}

TEST(ColdTitlesTest, RecallAndAucHaveTheirHandComputedValues) {
  // Four members, cold title positions 0 and 1 (titles 5 and 6); member m
  // played cold title 0 when m is 0 or 3, cold title 1 when m is 1.
  ColdTitleSplit split;
  split.cold = {5, 6};
  split.members = {0, 1, 2, 3};
  split.played = {{0}, {1}, {}, {0}};
  split.train = Build(4, 7, {{0, 0}, {0, 1}, {1, 0}, {1, 2}, {2, 1}, {2, 3}, {3, 2}, {3, 4}});
  const ColdTitleOptions options{.cutoffs = {1, 2}};
  // Scores of cold title 0 by member: 0.5, 0.5, 0.2, 0.9; of cold title 1: 0, 1, 0, 0.
  const std::vector<std::vector<float>> table = {{0.5f, 0.0f}, {0.5f, 1.0f}, {0.2f, 0.0f}, {0.9f, 0.0f}};
  auto scorer = [&](uint32_t member, std::span<float> out) {
    out[0] = table[member][0];
    out[1] = table[member][1];
  };
  const ColdTitleResult r = EvaluateColdTitles(split, "table", scorer, options);
  // Title 0: audience {0, 3} scores 0.5, 0.9 against 0.5, 0.2: pairs
  // (0.5 vs 0.5) = 1/2, (0.5 vs 0.2) = 1, (0.9 vs both) = 2 -> 3.5 / 4.
  // Title 1: audience {1} scores 1 against 0, 0, 0 -> 1.
  EXPECT_EQ(r.titles, 2u);
  EXPECT_DOUBLE_EQ(r.auc, (3.5 / 4.0 + 1.0) / 2.0);
  // Members 0 and 3 rank title 0 first, member 1 ranks title 1 first: recall@1 = 1.
  EXPECT_EQ(r.members, 3u);
  EXPECT_DOUBLE_EQ(r.recall[0], 1.0);
  EXPECT_DOUBLE_EQ(r.recall[1], 1.0);
  // A constant scorer: AUC exactly 0.5; every title is within K = 2.
  const ColdTitleResult flat = EvaluateColdTitles(split, "flat", [](uint32_t, std::span<float> out) {
    for (float& s : out) s = 1.0f;
  }, options);
  EXPECT_DOUBLE_EQ(flat.auc, 0.5);
  EXPECT_DOUBLE_EQ(flat.recall[1], 1.0);
}

TEST(ColdTitlesTest, TiesAreBrokenAtRandomNotByTitleOrder) {
  // 200 cold titles; every member played the first one. A constant scorer
  // ranked by title order would always find it at K = 1.
  ColdTitleSplit split;
  for (uint32_t t = 0; t < 200; ++t) split.cold.push_back(t);
  InteractionBuilder b;
  for (uint32_t m = 0; m < 300; ++m) {
    split.members.push_back(m);
    split.played.push_back({0});
    b.Add(m, 200, 1.0f);
  }
  split.train = b.Build(300, 201, DuplicateRule::kSum);
  const ColdTitleResult flat = EvaluateColdTitles(split, "flat", [](uint32_t, std::span<float> out) {
    for (float& s : out) s = 0.0f;
  }, {.cutoffs = {20}});
  // Expected 20 / 200 = 0.1; 300 members give a standard error of about 0.017.
  EXPECT_NEAR(flat.recall[0], 0.1, 0.06);
}

TEST(ColdTitlesTest, RefusesSplitsThatHoldOutNothing) {
  const InteractionMatrix data = Build(3, 3, {{0, 0}, {1, 0}, {2, 1}});
  EXPECT_EQ(MakeColdTitleSplit(data, {.fraction = 0.0}).status().field(), "fraction");
  EXPECT_EQ(MakeColdTitleSplit(data, {.fraction = 1.0}).status().field(), "fraction");
  // No title has 5 members.
  EXPECT_EQ(MakeColdTitleSplit(data, {.fraction = 0.5}).status().field(), "fraction");
  EXPECT_EQ(MakeColdTitleSplit(data, {.fraction = 0.5, .min_audience = 1, .cutoffs = {}}).status().field(), "cutoffs");
}

}  // namespace
}  // namespace marquee
