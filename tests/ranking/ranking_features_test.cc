// Candidate gathering and the ranking features (issue 15 §1) on hand-made
// sources, members and titles whose every feature is computed by hand.
#include "marquee/ranking/ranking_dataset.h"
#include "marquee/ranking/ranking_features.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "marquee/data/id_map.h"
#include "marquee/util/civil_time.h"

namespace marquee {
namespace {

// A source that scores every title by a fixed table, whoever asks.
class TableSource final : public Recommender {
 public:
  explicit TableSource(std::vector<float> scores) : scores_(std::move(scores)) {}
  std::string_view name() const override { return "table"; }
  Parameters parameters() const override { return {}; }
  Status Fit(const InteractionMatrix&, const TrainContext&) override { return Status::OK(); }
  uint32_t member_count() const override { return 0; }
  uint32_t title_count() const override { return static_cast<uint32_t>(scores_.size()); }
  void ScoreHistory(History, std::span<float> scores) const override {
    std::copy(scores_.begin(), scores_.end(), scores.begin());
  }
  void ScoreSimilar(uint32_t, std::span<float> scores) const override { ScoreHistory({}, scores); }
  void SaveState(SectionFileWriter&) const override {}
  Status LoadState(const SectionFileReader&) override { return Status::OK(); }

 private:
  std::vector<float> scores_;
};

TEST(CandidatesTest, TheUnionOfEachSourcesTopKeepsEverySourcesScoreAndRank) {
  // Six titles; title 0 is excluded (watched).
  const TableSource a({9, 5, 4, 3, 2, 1}), b({9, 1, 2, 3, 6, 5});
  const std::vector<CandidateSource> sources = {{"a", &a}, {"b", &b}};
  const std::vector<uint32_t> watched = {0};
  const Candidates c = GatherCandidates(sources, IdMap::kNotFound, {}, watched, 2);
  // a retrieves 1, 2; b retrieves 4, 5: by source, then rank.
  EXPECT_EQ(c.titles, (std::vector<uint32_t>{1, 2, 4, 5}));
  EXPECT_EQ(c.Score(0, 0), 5.0f);  // a's score of title 1
  EXPECT_EQ(c.Score(0, 1), 1.0f);  // b's score of title 1, which b did not retrieve
  EXPECT_EQ(c.Rank(0, 0), 1u);
  EXPECT_EQ(c.Rank(0, 1), 0u);
  EXPECT_EQ(c.Rank(2, 1), 1u);     // title 4 is b's first
  EXPECT_EQ(c.Rank(3, 1), 2u);
  EXPECT_EQ(c.retrieved_by, (std::vector<uint32_t>{1, 1, 1, 1}));
  // With 3 each, title 3 is retrieved by both.
  const Candidates three = GatherCandidates(sources, IdMap::kNotFound, {}, watched, 3);
  EXPECT_EQ(three.titles, (std::vector<uint32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(three.retrieved_by[2], 2u);
}

TEST(RankingFeaturesTest, EachFeatureHasItsHandComputedValue) {
  Catalog catalog;
  const uint16_t drama = catalog.GenreIndex("Drama"), comedy = catalog.GenreIndex("Comedy");
  catalog.Resize(4);
  catalog.titles()[0].genres = {drama};
  catalog.titles()[1].genres = {drama, comedy};
  catalog.titles()[2].genres = {comedy};
  catalog.titles()[3].release_date = 5;  // day 5; no genres
  // Training data ends on day 30: title 1 played by two members (days 10 and
  // 29), title 2 by one (day 20), title 3 by none.
  InteractionBuilder b;
  b.Add(0, 0, 1.0f, 1 * kSecondsPerDay);
  b.Add(0, 1, 1.0f, 10 * kSecondsPerDay);
  b.Add(1, 1, 1.0f, 29 * kSecondsPerDay);
  b.Add(1, 2, 1.0f, 20 * kSecondsPerDay);
  b.Add(2, 0, 1.0f, 30 * kSecondsPerDay);
  const InteractionMatrix train = b.Build(3, 4, DuplicateRule::kSum);
  const TitleStats stats = TitleStats::Compute(train, catalog, 14);
  EXPECT_FLOAT_EQ(stats.log_popularity[1], std::log1p(2.0f));
  EXPECT_FLOAT_EQ(stats.trend[1], 0.5f);  // day 29 is within the last 14 days, day 10 is not
  EXPECT_FLOAT_EQ(stats.age_days[1], 20.0f);  // first played day 10, data ends day 30
  EXPECT_FLOAT_EQ(stats.age_days[3], 25.0f);  // released day 5
  EXPECT_TRUE(std::isnan(TitleStats::Compute(InteractionMatrix(3, 4, {0, 0, 0, 0}, {}, {}, {}), Catalog(), 14)
                             .age_days[0]));

  const TableSource a({0, 3, 2, 1});
  const std::vector<CandidateSource> sources = {{"a", &a}};
  const std::vector<uint32_t> history_titles = {0};  // a Drama fan
  const std::vector<float> history_weights = {1.0f};
  const Candidates c = GatherCandidates(sources, IdMap::kNotFound, {history_titles, history_weights},
                                        history_titles, 3);
  ASSERT_EQ(c.titles, (std::vector<uint32_t>{1, 2, 3}));
  std::vector<float> x;
  AppendRankingFeatures(c, {history_titles, history_weights}, stats, x);
  const std::vector<std::string> names = RankingFeatureNames(sources);
  EXPECT_EQ(names, (std::vector<std::string>{"score:a", "rank:a", "retrieved_by", "log_popularity", "trend",
                                             "age_days", "genre_match", "member_activity", "next_episode",
                                             "series_played", "days_since_genre", "year", "runtime_minutes"}));
  ASSERT_EQ(x.size(), 3 * names.size());
  // Title 1 (Drama, Comedy): score 3, rank 1, genre match (1 + 0) / 2.
  const float* t1 = x.data();
  EXPECT_EQ(t1[0], 3.0f);
  EXPECT_EQ(t1[1], 1.0f);
  EXPECT_EQ(t1[2], 1.0f);
  EXPECT_FLOAT_EQ(t1[3], std::log1p(2.0f));
  EXPECT_FLOAT_EQ(t1[6], 0.5f);
  EXPECT_FLOAT_EQ(t1[7], std::log1p(1.0f));
  // Title 2 (Comedy): no match. Title 3: no genres, match 0; never played.
  EXPECT_FLOAT_EQ(x[names.size() + 6], 0.0f);
  EXPECT_FLOAT_EQ(x[2 * names.size() + 3], 0.0f);
  EXPECT_FLOAT_EQ(x[2 * names.size() + 5], 25.0f);
  // Without times, no recency; without metadata, no year or runtime.
  EXPECT_TRUE(std::isnan(t1[10]));
  EXPECT_TRUE(std::isnan(t1[11]));
  EXPECT_TRUE(std::isnan(t1[12]));
}

// The Continue Watching, recency and metadata features on a series.
TEST(RankingFeaturesTest, NextEpisodeSeriesRecencyAndMetadata) {
  Catalog catalog;
  const uint16_t drama = catalog.GenreIndex("Drama"), comedy = catalog.GenreIndex("Comedy");
  catalog.Resize(6);
  // Titles 0..2: episodes 1..3 of series "s" (Comedy); 3 and 4: films; 5:
  // an episode of another series.
  for (uint32_t e = 0; e < 3; ++e) {
    catalog.titles()[e].episode_of = EpisodeOf{"s", 1, e + 1};
    catalog.titles()[e].genres = {comedy};
  }
  catalog.titles()[3].genres = {drama};
  catalog.titles()[3].year = 1999;
  catalog.titles()[3].runtime_minutes = 101;
  catalog.titles()[4].genres = {comedy, drama};
  catalog.titles()[5].episode_of = EpisodeOf{"other", 1, 1};
  InteractionBuilder b;
  b.Add(0, 0, 1.0f, 40 * kSecondsPerDay);
  const TitleStats stats = TitleStats::Compute(b.Build(1, 6, DuplicateRule::kSum), catalog, 14);
  EXPECT_EQ(stats.next_episode[0], 1u);
  EXPECT_EQ(stats.next_episode[2], TitleStats::kNone);
  EXPECT_EQ(stats.series[0], stats.series[2]);
  EXPECT_NE(stats.series[0], stats.series[5]);

  // The member watched episode 1 (Comedy) on day 12 and film 3 (Drama) on
  // day 20.
  const std::vector<uint32_t> titles = {0, 3};
  const std::vector<float> weights = {1.0f, 1.0f};
  const std::vector<int64_t> times = {12 * kSecondsPerDay, 20 * kSecondsPerDay};
  const TableSource a({0, 5, 4, 0, 3, 2});
  const std::vector<CandidateSource> sources = {{"a", &a}};
  const Candidates c = GatherCandidates(sources, IdMap::kNotFound, {titles, weights, times}, titles, 4);
  ASSERT_EQ(c.titles, (std::vector<uint32_t>{1, 2, 4, 5}));
  std::vector<float> x;
  AppendRankingFeatures(c, {titles, weights, times}, stats, x);
  const size_t n = RankingFeatureNames(sources).size();
  auto at = [&](size_t candidate, size_t feature) { return x[candidate * n + feature]; };
  constexpr size_t kNext = 8, kSeries = 9, kSince = 10;
  EXPECT_EQ(at(0, kNext), 1.0f);  // episode 2 follows the watched episode 1
  EXPECT_EQ(at(1, kNext), 0.0f);  // episode 3 does not
  EXPECT_FLOAT_EQ(at(0, kSeries), std::log1p(1.0f));
  EXPECT_FLOAT_EQ(at(1, kSeries), std::log1p(1.0f));
  EXPECT_EQ(at(2, kSeries), 0.0f);  // a film
  EXPECT_EQ(at(3, kSeries), 0.0f);  // another series
  // Comedy last watched on day 12, anything on day 20: 8 days.
  EXPECT_FLOAT_EQ(at(0, kSince), 8.0f);
  EXPECT_FLOAT_EQ(at(2, kSince), 8.0f);  // title 4's first genre is Comedy
  EXPECT_TRUE(std::isnan(at(3, kSince)));  // no genres
  // Metadata of film 3 itself is not a candidate (watched); title 4 has none.
  EXPECT_TRUE(std::isnan(at(2, 11)));
  EXPECT_FLOAT_EQ(stats.year[3], 1999.0f);
  EXPECT_FLOAT_EQ(stats.runtime_minutes[3], 101.0f);
}

TEST(RankingFeaturesTest, TitleStatsRoundTripAndRefuseDamage) {
  Catalog catalog;
  catalog.GenreIndex("Drama");
  catalog.Resize(3);
  catalog.titles()[1].genres = {0};
  catalog.titles()[2].year = 2001;
  catalog.titles()[0].episode_of = EpisodeOf{"s", 1, 1};
  catalog.titles()[2].episode_of = EpisodeOf{"s", 1, 2};
  InteractionBuilder b;
  b.Add(0, 1, 1.0f, 5 * kSecondsPerDay);
  const TitleStats stats = TitleStats::Compute(b.Build(1, 3, DuplicateRule::kSum), catalog, 14);
  ByteWriter w;
  stats.Save(w);
  const std::string bytes(w.bytes());
  ByteReader r(bytes, "stats");
  Result<TitleStats> back = TitleStats::Load(r);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->genres, stats.genres);
  EXPECT_EQ(back->next_episode, stats.next_episode);
  EXPECT_EQ(back->series, stats.series);
  EXPECT_EQ(back->year[2], 2001.0f);
  // Cut short: refused.
  ByteReader cut(std::string_view(bytes).substr(0, bytes.size() - 4), "stats");
  EXPECT_FALSE(TitleStats::Load(cut).ok());
}

}  // namespace
}  // namespace marquee

namespace marquee {
namespace {

TEST(RankingDatasetTest, LabelsAreWhatEachMemberPlayedNextAmongTheirCandidates) {
  Catalog catalog;
  catalog.Resize(5);
  // Member 0 watched title 0 and then played titles 2 and 4; member 1
  // watched title 1 and then played title 0, which the source ranks last
  // (outside its top 2: not retrieved); member 2 played nothing next.
  InteractionBuilder train_b, target_b;
  train_b.Add(0, 0, 1.0f);
  train_b.Add(1, 1, 1.0f);
  train_b.Add(2, 3, 1.0f);
  target_b.Add(0, 2, 1.0f);
  target_b.Add(0, 4, 1.0f);
  target_b.Add(1, 0, 1.0f);
  const InteractionMatrix train = train_b.Build(3, 5, DuplicateRule::kSum);
  const InteractionMatrix target = target_b.Build(3, 5, DuplicateRule::kSum);
  const TableSource source({0.1f, 0.2f, 5, 4, 3});
  const std::vector<CandidateSource> sources = {{"s", &source}};
  const TitleStats stats = TitleStats::Compute(train, catalog);
  const RankingDataset d = BuildRankingDataset(sources, train, target, stats, {.per_source = 2});
  // Member 0: candidates 2, 3 (the top 2 not watched); label 1 for title 2.
  // Member 1: candidates 2, 3; neither was played next: no query.
  ASSERT_EQ(d.members, (std::vector<uint32_t>{0}));
  EXPECT_EQ(d.titles[0], (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(d.data.label, (std::vector<float>{1.0f, 0.0f}));
  EXPECT_EQ(d.data.group_sizes, (std::vector<uint32_t>{2}));
  EXPECT_EQ(d.data.rows(), 2u);
  EXPECT_TRUE(d.data.Validate().ok());
  // Two targets of member 0, one retrieved: the ranker cannot do better.
  EXPECT_EQ(d.targets, 2u);
  EXPECT_EQ(d.targets_retrieved, 1u);
}

}  // namespace
}  // namespace marquee

namespace marquee {
namespace {

// A cap on members draws them from the whole range (imported member
// indices follow sign-up order), the same ones for the same seed.
TEST(RankingDatasetTest, AMemberCapSamplesAcrossAllMembers) {
  constexpr uint32_t kMembers = 100;
  InteractionBuilder train_b, target_b;
  for (uint32_t m = 0; m < kMembers; ++m) {
    train_b.Add(m, 0, 1.0f);
    target_b.Add(m, 1, 1.0f);
  }
  const InteractionMatrix train = train_b.Build(kMembers, 3, DuplicateRule::kSum);
  const InteractionMatrix target = target_b.Build(kMembers, 3, DuplicateRule::kSum);
  const TableSource a({0, 2, 1});
  const std::vector<CandidateSource> sources = {{"a", &a}};
  const TitleStats stats = TitleStats::Compute(train, Catalog(), 14);
  const RankingDataset d = BuildRankingDataset(sources, train, target, stats, {.per_source = 2, .max_members = 10, .seed = 5});
  ASSERT_EQ(d.members.size(), 10u);
  EXPECT_GT(*std::max_element(d.members.begin(), d.members.end()), 30u);
  std::vector<uint32_t> distinct = d.members;
  std::sort(distinct.begin(), distinct.end());
  EXPECT_EQ(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const RankingDataset again = BuildRankingDataset(sources, train, target, stats, {.per_source = 2, .max_members = 10, .seed = 5});
  EXPECT_EQ(again.members, d.members);
}

}  // namespace
}  // namespace marquee
