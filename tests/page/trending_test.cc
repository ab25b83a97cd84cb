#include "marquee/page/trending.h"

#include <gtest/gtest.h>

#include <vector>

#include "page_test_util.h"

namespace marquee::page {
namespace {

using test::kDay;
using test::MakeCatalog;
using test::Request;
using test::Spec;
using test::TitlesOf;

constexpr int64_t kNow = 1000 * kDay;

// Each play by a member of its own, so that none merge.
InteractionMatrix Plays(const std::vector<std::pair<uint32_t, int64_t>>& plays, uint32_t titles) {
  InteractionBuilder builder;
  uint32_t member = 0;
  for (const auto& [title, time] : plays) builder.Add(member++, title, 1.0f, time);
  return builder.Build(member, titles, DuplicateRule::kSum);
}

// With a 7-day half-life: title 0 played now and a week ago (1 + 1/2),
// 1 two weeks ago (1/4) and once after now (ignored), 2 now (1), 3 only
// after now, 4 and 5 a week ago (1/2 each: a tie).
TrendingIndex Example() {
  return TrendingIndex::Build(Plays({{0, kNow},
                                     {0, kNow - 7 * kDay},
                                     {1, kNow - 14 * kDay},
                                     {1, kNow + kDay},
                                     {2, kNow},
                                     {3, kNow + 1},
                                     {4, kNow - 7 * kDay},
                                     {5, kNow - 7 * kDay}},
                                    7),
                              kNow, 7.0);
}

TEST(PageTrending, DecayedCountsHalveEveryHalfLifeAndIgnoreTheFuture) {
  const TrendingIndex index = Example();
  EXPECT_EQ(std::vector<float>(index.decayed().begin(), index.decayed().end()),
            (std::vector<float>{1.5f, 0.25f, 1.0f, 0.0f, 0.5f, 0.5f, 0.0f}));
  EXPECT_EQ(std::vector<float>(index.all_time().begin(), index.all_time().end()),
            (std::vector<float>{2, 1, 1, 0, 1, 1, 0}));
  EXPECT_EQ(std::vector<uint32_t>(index.ranked_decayed().begin(), index.ranked_decayed().end()),
            (std::vector<uint32_t>{0, 2, 4, 5, 1}));
  EXPECT_EQ(std::vector<uint32_t>(index.ranked_all_time().begin(), index.ranked_all_time().end()),
            (std::vector<uint32_t>{0, 1, 2, 4, 5}));
  EXPECT_EQ(index.now(), kNow);
  EXPECT_EQ(index.half_life_days(), 7.0);
}

TEST(PageTrending, WithoutTimesEveryPlayCountsOnce) {
  InteractionBuilder builder;
  builder.Add(0, 1, 4.0f);
  builder.Add(1, 1, 1.0f);
  builder.Add(1, 0, 1.0f);
  const TrendingIndex index = TrendingIndex::Build(builder.Build(2, 3, DuplicateRule::kSum), kNow, 7.0);
  EXPECT_EQ(std::vector<float>(index.decayed().begin(), index.decayed().end()),
            (std::vector<float>{1, 2, 0}));
  EXPECT_EQ(std::vector<uint32_t>(index.ranked_decayed().begin(), index.ranked_decayed().end()),
            (std::vector<uint32_t>{1, 0}));
}

TEST(PageTrending, RowOfAllowedUnwatchedByDecayedCount) {
  const TrendingIndex index = Example();
  Request r(MakeCatalog(std::vector<std::vector<std::string>>(7)), kNow);
  r.allowed[2] = 0;
  r.Play(4, kNow - kDay, 0.5f);
  EXPECT_TRUE(test::Generate(Spec(RowKind::kTrending), r.Inputs()).empty());  // no index: no row
  r.trending = &index;
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kTrending), r.Inputs());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{0, 5, 1}));
  EXPECT_EQ(rows[0].titles[0].score, 1.5f);
  EXPECT_EQ(rows[0].heading, "Trending Now");
  EXPECT_EQ(rows[0].row_id, "trending");
  r.row_length = 2;
  EXPECT_EQ(TitlesOf(test::Generate(Spec(RowKind::kTrending), r.Inputs())[0]), (std::vector<uint32_t>{0, 5}));
}

TEST(PageTrending, PopularInRegionOnlyWithARegionAndTitlesAvailableThere) {
  const TrendingIndex index = Example();
  Request r(MakeCatalog(std::vector<std::vector<std::string>>(7)), kNow);
  r.trending = &index;
  r.catalog.titles()[0].regions = {"US"};
  r.catalog.titles()[1].regions = {"GB", "US"};
  EXPECT_TRUE(test::Generate(Spec(RowKind::kPopularInRegion), r.Inputs()).empty());  // no region
  r.region = "GB";
  r.Play(5, kNow - kDay, 0.5f);
  // All allowed here: the generator itself keeps title 0 (US only) out.
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kPopularInRegion), r.Inputs());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{1, 2, 4}));
  EXPECT_EQ(rows[0].titles[0].score, 1.0f);
  EXPECT_EQ(rows[0].heading, "Popular in GB");
  EXPECT_EQ(rows[0].row_id, "popular_in_region");
  r.region = "US";
  EXPECT_EQ(TitlesOf(test::Generate(Spec(RowKind::kPopularInRegion), r.Inputs())[0]),
            (std::vector<uint32_t>{0, 1, 2, 4}));
}

}  // namespace
}  // namespace marquee::page
