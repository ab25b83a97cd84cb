// The contract every row generator keeps (row_generator.h), checked for every
// row kind on one random-ish catalog with region, maturity and exclusion
// masks, series, release dates, trending plays and a small item-kNN model.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "marquee/data/title_filter.h"
#include "marquee/models/registry.h"
#include "marquee/page/row_generator.h"
#include "marquee/page/similar_titles.h"
#include "marquee/page/trending.h"
#include "marquee/util/random.h"
#include "page_test_util.h"

namespace marquee::page {
namespace {

using test::kDay;

constexpr uint32_t kTitles = 300;
constexpr int64_t kNow = 20000 * kDay;

Catalog RandomCatalog(Rng& rng) {
  const char* genres[] = {"Thriller", "Comedy", "Drama", "Documentary", "Horror", "Kids"};
  const char* ratings[] = {"G", "PG", "PG-13", "R", "TV-MA", ""};
  const char* regions[] = {"US", "GB", "DE"};
  Catalog catalog;
  for (const char* g : genres) catalog.GenreIndex(g);
  for (uint32_t t = 0; t < kTitles; ++t) {
    Title title;
    title.name = "Title " + std::to_string(t);
    const uint32_t genre_count = 1 + rng.Below(3);
    for (uint32_t k = 0; k < genre_count; ++k) title.genres.push_back(static_cast<uint16_t>(rng.Below(6)));
    title.maturity = ratings[rng.Below(6)];
    if (rng.Bernoulli(0.4)) title.regions = {regions[rng.Below(3)]};
    if (rng.Bernoulli(0.7)) title.release_date = static_cast<int32_t>(20000 - rng.Below(900));
    if (t >= 200 && t < 260)
      title.episode_of = EpisodeOf{"series " + std::to_string(t % 3), 1 + (t - 200) / 20, t};
    catalog.titles().push_back(std::move(title));
  }
  return catalog;
}

// Everyone's plays: skewed towards low indices, times over the last 60 days
// and a few after now.
InteractionMatrix RandomPlays(Rng& rng) {
  InteractionBuilder builder;
  for (uint32_t m = 0; m < 400; ++m) {
    const uint32_t count = 2 + rng.Below(15);
    for (uint32_t k = 0; k < count; ++k) {
      const double u = rng.Uniform();
      const auto t = static_cast<uint32_t>(u * u * kTitles);
      builder.Add(m, t, 1.0f, kNow - static_cast<int64_t>(rng.Below(60 * kDay)) + kDay);
    }
  }
  return builder.Build(400, kTitles, DuplicateRule::kMax);
}

class PageRowContract : public ::testing::Test {
 protected:
  PageRowContract() : rng_(2024), request_(RandomCatalog(rng_), kNow) {
    plays_ = RandomPlays(rng_);
    trending_ = TrendingIndex::Build(plays_, kNow, 7.0);
    Result<std::unique_ptr<Recommender>> knn = CreateRecommender("itemknn", {});
    EXPECT_TRUE(knn.ok()) << knn.status().ToString();
    model_ = std::move(knn).value();
    EXPECT_TRUE(model_->Fit(plays_, TrainContext{}).ok());
    similar_ = std::make_unique<SimilarTitles>(*model_, 30, plays_.ColumnCounts());

    Result<std::vector<uint8_t>> mask =
        CandidateMask(request_.catalog, TitleFilter{.region = "US", .max_maturity = "PG-13"});
    EXPECT_TRUE(mask.ok()) << mask.status().ToString();
    request_.allowed = *mask;
    for (uint32_t t = 0; t < kTitles; t += 17) request_.allowed[t] = 0;  // the member's exclusions
    for (uint32_t t = 0; t < kTitles; ++t) request_.scores[t] = static_cast<float>(rng_.Below(1000)) / 1000;
    for (uint32_t k = 0; k < 40; ++k) {
      const uint32_t t = rng_.Below(kTitles);
      const float progress = rng_.Bernoulli(0.2) ? -1.0f : static_cast<float>(rng_.Uniform());
      request_.Play(t, kNow - static_cast<int64_t>(rng_.Below(120 * kDay)), progress,
                    static_cast<float>(rng_.Uniform(0.5, 5)));
    }
    request_.trending = &trending_;
    request_.similar = similar_.get();
    request_.region = "US";
    request_.row_length = 15;
  }

  // In the US and at most PG-13, as the mask says.
  bool ShowableInUs(uint32_t t) const {
    const Title& title = request_.catalog.titles()[t];
    const bool in_us = title.regions.empty() || title.regions[0] == "US";
    const std::optional<int> level = MaturityLevel(title.maturity);
    return in_us && level && *level <= *MaturityLevel("PG-13");
  }

  Rng rng_;
  test::Request request_;
  InteractionMatrix plays_;
  TrendingIndex trending_;
  std::unique_ptr<Recommender> model_;
  std::unique_ptr<SimilarTitles> similar_;
};

RowSpec ContractSpec(RowKind kind) {
  RowSpec spec;
  spec.kind = kind;
  spec.count = kind == RowKind::kBecauseYouWatched || kind == RowKind::kGenre ? 3 : 1;
  spec.min_titles = 3;
  return spec;
}

void ExpectSameRows(const std::vector<CandidateRow>& a, const std::vector<CandidateRow>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].row_id, b[i].row_id);
    EXPECT_EQ(a[i].heading, b[i].heading);
    EXPECT_EQ(a[i].reason, b[i].reason);
    EXPECT_EQ(a[i].anchor, b[i].anchor);
    EXPECT_EQ(a[i].genre, b[i].genre);
    EXPECT_EQ(a[i].titles, b[i].titles);
  }
}

TEST_F(PageRowContract, EveryKindKeepsTheContract) {
  const PageInputs in = request_.Inputs();
  std::set<std::string> row_ids;
  for (RowKind kind : kAllRowKinds) {
    SCOPED_TRACE(std::string(RowKindName(kind)));
    const RowSpec spec = ContractSpec(kind);
    const std::unique_ptr<RowGenerator> generator = MakeRowGenerator(spec);
    ASSERT_NE(generator, nullptr);
    EXPECT_EQ(generator->kind(), kind);
    std::vector<CandidateRow> rows, again;
    generator->Generate(in, rows);
    generator->Generate(in, again);
    ExpectSameRows(rows, again);
    EXPECT_FALSE(rows.empty()) << "the fixture should give every kind a row";
    EXPECT_LE(rows.size(), spec.count);
    for (const CandidateRow& row : rows) {
      EXPECT_EQ(row.kind, kind);
      EXPECT_TRUE(row_ids.insert(row.row_id).second) << row.row_id;
      EXPECT_FALSE(row.heading.empty());
      EXPECT_FALSE(row.reason.empty());
      EXPECT_GE(row.titles.size(), spec.min_titles);
      EXPECT_LE(row.titles.size(), in.row_length);
      std::set<uint32_t> titles;
      for (const RowTitle& t : row.titles) {
        ASSERT_LT(t.title, kTitles);
        EXPECT_TRUE(titles.insert(t.title).second) << row.row_id << " repeats " << t.title;
        EXPECT_TRUE(in.allowed[t.title]) << row.row_id << " " << t.title;
        EXPECT_TRUE(ShowableInUs(t.title)) << row.row_id << " " << t.title;
        if (kind != RowKind::kContinueWatching)
          EXPECT_FALSE(in.seen[t.title]) << row.row_id << " " << t.title;
      }
    }
  }
}

TEST_F(PageRowContract, NoRowsWithoutTheirInputs) {
  request_.similar = nullptr;
  request_.trending = nullptr;
  request_.plays.clear();
  request_.seen.assign(kTitles, 0);
  const PageInputs in = request_.Inputs();
  for (RowKind kind : {RowKind::kContinueWatching, RowKind::kBecauseYouWatched, RowKind::kTrending,
                       RowKind::kPopularInRegion}) {
    EXPECT_TRUE(test::Generate(ContractSpec(kind), in).empty()) << RowKindName(kind);
  }
}

}  // namespace
}  // namespace marquee::page
