// RecommendBatch's block path (Recommender::ScoreMembers, one matrix product
// per block of members) against the one-member-at-a-time path it replaces:
// the same titles in the same order, scores equal up to float rounding, for
// every kind of member and option the command line and server pass.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include "marquee/models/recommend.h"
#include "marquee/models/registry.h"
#include "marquee/util/random.h"
#include "recommender_test_util.h"

namespace marquee {
namespace {

constexpr uint32_t kTrainedMembers = 300;
constexpr uint32_t kExtraMembers = 25;  // in the histories, unknown to the model: fold-in
constexpr uint32_t kTitles = 157;       // not a multiple of 8 or 16

// Every 10th member has no plays at all; the others 1..15 skewed titles.
InteractionMatrix Interactions(uint32_t members, uint64_t seed) {
  Rng rng(seed);
  InteractionBuilder builder;
  for (uint32_t m = 0; m < members; ++m) {
    if (m % 10 == 3) continue;
    const uint32_t count = 1 + rng.Below(15);
    for (uint32_t k = 0; k < count; ++k) {
      const double u = rng.Uniform();
      builder.Add(m, std::min<uint32_t>(kTitles - 1, static_cast<uint32_t>(u * u * kTitles)),
                  static_cast<float>(rng.Uniform(0.5, 3.0)));
    }
  }
  return builder.Build(members, kTitles, DuplicateRule::kMax);
}

// The per-member path, as RecommendBatch did it before blocks.
std::vector<ScoredTitle> OneByOne(const Recommender& model, const InteractionMatrix& histories,
                                  uint32_t m, const RecommendOptions& options,
                                  const InteractionMatrix* seen) {
  std::vector<float> scores(model.title_count());
  const History history = m < histories.rows() ? History::Row(histories, m) : History{};
  if (m < model.member_count()) {
    model.ScoreMember(m, history, scores);
  } else {
    model.ScoreHistory(history, scores);
  }
  if (seen != nullptr && m < seen->rows()) ExcludeTitles(scores, seen->RowIndices(m));
  return RankScores(scores, history, options);
}

class RecommendBatchTest : public ::testing::TestWithParam<uint32_t> {  // factors
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Recommender>> model = CreateRecommender(
        "ials", {{"factors", std::to_string(GetParam())}, {"iterations", "4"}});
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    model_ = std::move(*model);
    ASSERT_TRUE(model_->Fit(Interactions(kTrainedMembers, 1), TrainContext{.seed = 3}).ok());
    histories_ = Interactions(kTrainedMembers + kExtraMembers, 2);  // histories changed since training
    seen_ = Interactions(kTrainedMembers + kExtraMembers, 5);
    // Consecutive runs (the direct block), a shuffled run (gathered rows),
    // duplicates, and members beyond member_count mixed into the blocks.
    for (uint32_t m = 0; m < kTrainedMembers + kExtraMembers; ++m) members_.push_back(m);
    Rng rng(9);
    std::vector<uint32_t> shuffled = members_;
    for (size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[rng.Below(i)]);
    members_.insert(members_.end(), shuffled.begin(), shuffled.end());
    members_.push_back(5);
    members_.push_back(5);
  }

  void ExpectSameAsOneByOne(const RecommendOptions& options, const InteractionMatrix* seen) {
    const std::vector<std::vector<ScoredTitle>> batch =
        RecommendBatch(*model_, histories_, members_, options, {}, seen);
    ASSERT_EQ(batch.size(), members_.size());
    for (size_t i = 0; i < members_.size(); ++i) {
      const std::vector<ScoredTitle> expected = OneByOne(*model_, histories_, members_[i], options, seen);
      ASSERT_EQ(batch[i].size(), expected.size()) << "member " << members_[i];
      for (size_t r = 0; r < expected.size(); ++r) {
        ASSERT_EQ(batch[i][r].title, expected[r].title) << "member " << members_[i] << " rank " << r;
        ASSERT_NEAR(batch[i][r].score, expected[r].score, 1e-5 * std::abs(expected[r].score) + 1e-7)
            << "member " << members_[i] << " rank " << r;
      }
    }
  }

  std::unique_ptr<Recommender> model_;
  InteractionMatrix histories_;
  InteractionMatrix seen_;
  std::vector<uint32_t> members_;
};

TEST_P(RecommendBatchTest, TopTwentyExcludingHistory) { ExpectSameAsOneByOne({.k = 20}, nullptr); }

TEST_P(RecommendBatchTest, KLargerThanTheTitleCount) {
  ExpectSameAsOneByOne({.k = kTitles + 50}, nullptr);
  ExpectSameAsOneByOne({.k = kTitles + 50, .exclude_history = false}, nullptr);
}

TEST_P(RecommendBatchTest, SeenExcludeAndCandidates) {
  std::vector<uint8_t> candidates(kTitles);
  for (uint32_t t = 0; t < kTitles; ++t) candidates[t] = t % 3 != 1;
  const std::vector<uint32_t> exclude = {0, 2, 64, kTitles - 1};
  RecommendOptions options{.k = 10};
  options.candidates = candidates;
  options.exclude = exclude;
  ExpectSameAsOneByOne(options, &seen_);
  ExpectSameAsOneByOne({.k = 30}, &seen_);
}

TEST_P(RecommendBatchTest, ScoreMembersMatchesScoreMember) {
  const std::vector<uint32_t> members = {7, 8, 9, 10, 299, 0, 150};  // a run, then gathered
  const size_t ld = kTitles + 3;
  std::vector<float> block(members.size() * ld);
  ASSERT_TRUE(model_->ScoreMembers(std::span<const uint32_t>(members.data(), 4), block.data(), ld));
  ASSERT_TRUE(model_->ScoreMembers(std::span<const uint32_t>(members).subspan(4), block.data() + 4 * ld,
                                   ld));
  std::vector<float> single(kTitles);
  for (size_t r = 0; r < members.size(); ++r) {
    model_->ScoreMember(members[r], History{}, single);
    for (uint32_t t = 0; t < kTitles; ++t) {
      ASSERT_NEAR(block[r * ld + t], single[t], 1e-5 * std::abs(single[t]) + 1e-7) << r << " " << t;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Factors, RecommendBatchTest, ::testing::Values(8u, 17u, 64u));

// Models without a batch path keep the per-member one.
TEST(RecommendBatchFallbackTest, PopularityHasNoBatchPathAndStillRanks) {
  Result<std::unique_ptr<Recommender>> model = CreateRecommender("popularity", {});
  ASSERT_TRUE(model.ok());
  const InteractionMatrix data = Interactions(50, 4);
  ASSERT_TRUE((*model)->Fit(data, TrainContext{}).ok());
  const uint32_t member = 1;
  EXPECT_FALSE((*model)->ScoreMembers(std::span<const uint32_t>(&member, 1), nullptr, 0));
  const std::vector<uint32_t> members = {0, 1, 2, 49};
  const auto batch = RecommendBatch(**model, data, members, {.k = 5});
  for (size_t i = 0; i < members.size(); ++i) {
    EXPECT_EQ(batch[i], OneByOne(**model, data, members[i], {.k = 5}, nullptr));
  }
}

}  // namespace
}  // namespace marquee
