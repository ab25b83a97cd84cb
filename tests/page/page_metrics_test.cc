#include "marquee/page/page_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace marquee::page {
namespace {

// Exact discounts of the default weights, D(r, c) = 1 / log2(2 + r + c):
//   D(0,0) = 1/log2 2 = 1          D(0,1) = 1/log2 3 = 0.6309297535714574
//   D(0,2) = 1/log2 4 = 0.5        D(1,0) = 1/log2 3
//   D(1,1) = 1/log2 4 = 0.5        D(1,2) = 1/log2 5 = 0.43067655807339306
//   D(0,3) = 1/log2 5
const double kD3 = 1.0 / std::log2(3.0);
const double kD5 = 1.0 / std::log2(5.0);
constexpr double kTolerance = 1e-12;

PageRow Row(RowKind kind, std::vector<uint32_t> titles) {
  PageRow row;
  row.row.kind = kind;
  for (uint32_t t : titles) row.row.titles.push_back({t, 0.0f});
  return row;
}

// Ten titles; genres: 0 {Drama}, 1 {Drama, Comedy}, 3 {Horror}, 4 {Comedy},
// 9 {Documentary}; the others none.
Catalog TenTitles() {
  Catalog catalog;
  catalog.Resize(10);
  const uint16_t drama = catalog.GenreIndex("Drama"), comedy = catalog.GenreIndex("Comedy");
  const uint16_t horror = catalog.GenreIndex("Horror"), documentary = catalog.GenreIndex("Documentary");
  catalog.titles()[0].genres = {drama};
  catalog.titles()[1].genres = {drama, comedy};
  catalog.titles()[3].genres = {horror};
  catalog.titles()[4].genres = {comedy};
  catalog.titles()[9].genres = {documentary};
  return catalog;
}

// The 2 x 3 page of the examples, its first row one title longer than shown:
//   row 0 (top_picks):         0 1 2 | 9
//   row 1 (continue_watching): 3 4 5
Page TwoByThree() {
  Page page;
  page.rows = {Row(RowKind::kTopPicks, {0, 1, 2, 9}), Row(RowKind::kContinueWatching, {3, 4, 5})};
  return page;
}

TEST(PageMetricsTest, DiscountIsDcgAlongOneRowAndCountsTheRowToo) {
  EXPECT_DOUBLE_EQ(PageDiscount(0, 0), 1.0);
  for (uint32_t c = 0; c < 10; ++c) EXPECT_DOUBLE_EQ(PageDiscount(0, c), 1.0 / std::log2(c + 2.0));
  EXPECT_DOUBLE_EQ(PageDiscount(1, 0), PageDiscount(0, 1));
  EXPECT_DOUBLE_EQ(PageDiscount(1, 2, {.row = 2.0, .column = 0.5}), kD5);  // 1/log2(2 + 2 + 1)
  EXPECT_DOUBLE_EQ(PageDiscount(7, 0, {.row = 0.0, .column = 1.0}), 1.0);  // rows free: one long list
}

TEST(PageMetricsTest, BinaryGainOnAHandComputedPage) {
  const Catalog catalog = TenTitles();
  // Relevant: 1 at (0,1), 5 at (1,2), 9 beyond the visible columns, 7 not on the page.
  const std::vector<uint32_t> relevant = {9, 1, 7, 5};
  const PageMeasure m = MeasurePage(TwoByThree(), relevant, 2, 3, catalog);
  // DCG = D(0,1) + D(1,2) = 1/log2 3 + 1/log2 5 = 1.0616063116448505
  EXPECT_NEAR(m.dcg, kD3 + kD5, kTolerance);
  // Ideal: 4 relevant titles in the 4 best of the 6 cells,
  // 1 + 1/log2 3 + 1/log2 3 + 1/2 = 2.761859507142915; NDCG = 0.384381...
  const double ideal = 1.0 + 2 * kD3 + 0.5;
  EXPECT_NEAR(m.ndcg, (kD3 + kD5) / ideal, kTolerance);
  EXPECT_NEAR(m.ndcg, 0.38438100, 1e-8);
  EXPECT_DOUBLE_EQ(m.recall, 2.0 / 4.0);
  // First hit: title 1, D(0,1) = 0.63 > D(1,2) = 0.43: row 1, column 2 (1-based).
  EXPECT_EQ(m.first_hit_row, 1u);
  EXPECT_EQ(m.first_hit_column, 2u);
  EXPECT_EQ(m.visible_titles, 6u);
  EXPECT_EQ(m.distinct_genres, 3u);  // Drama, Comedy, Horror; 9's Documentary is not visible
  EXPECT_DOUBLE_EQ(m.continue_watching_share, 3.0 / 6.0);
}

TEST(PageMetricsTest, TheVisibleAreaCutsRows) {
  const Catalog catalog = TenTitles();
  const std::vector<uint32_t> relevant = {9, 1, 7, 5};
  const PageMeasure m = MeasurePage(TwoByThree(), relevant, 1, 3, catalog);
  // Only row 0 shows: DCG = D(0,1); ideal over a 1 x 3 page = 1 + 1/log2 3 + 1/2.
  EXPECT_NEAR(m.dcg, kD3, kTolerance);
  EXPECT_NEAR(m.ndcg, kD3 / (1.0 + kD3 + 0.5), kTolerance);
  EXPECT_DOUBLE_EQ(m.recall, 1.0 / 4.0);
  EXPECT_EQ(m.visible_titles, 3u);
  EXPECT_DOUBLE_EQ(m.continue_watching_share, 0.0);
}

TEST(PageMetricsTest, FirstHitTiesGoToTheSmallerRow) {
  const Catalog catalog = TenTitles();
  const std::vector<uint32_t> relevant = {3, 1};  // 3 at (1,0), 1 at (0,1): both 1/log2 3
  const PageMeasure m = MeasurePage(TwoByThree(), relevant, 2, 3, catalog);
  EXPECT_EQ(m.first_hit_row, 1u);
  EXPECT_EQ(m.first_hit_column, 2u);
  EXPECT_NEAR(m.ndcg, 2 * kD3 / (1.0 + kD3), kTolerance);
}

TEST(PageMetricsTest, ATitleShownTwiceCountsOnceAtItsLargestDiscount) {
  const Catalog catalog = TenTitles();
  // Title 3 at (0,3), D = 1/log2 5, and at (1,0), D = 1/log2 3: reading order
  // meets (0,3) first, but (1,0) is where the member is likelier to see it.
  Page page;
  page.rows = {Row(RowKind::kTopPicks, {0, 1, 2, 3}), Row(RowKind::kTrending, {3, 4, 3, 5})};
  const std::vector<uint32_t> relevant = {3};
  const PageMeasure m = MeasurePage(page, relevant, 2, 4, catalog);
  EXPECT_NEAR(m.dcg, kD3, kTolerance);
  EXPECT_NEAR(m.ndcg, kD3, kTolerance);  // ideal: the one relevant title top left, 1
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_EQ(m.first_hit_row, 2u);
  EXPECT_EQ(m.first_hit_column, 1u);
  EXPECT_EQ(m.visible_titles, 8u);  // every filled cell, duplicates included
}

TEST(PageMetricsTest, GradedGainOnAHandComputedPage) {
  const Catalog catalog = TenTitles();
  // Gains: 0:3, 2:1, 4:2 (shown), 6:5 (not allowed), 7:4, 9:0.5 (not visible).
  std::vector<float> gain(10, 0.0f);
  gain[0] = 3, gain[2] = 1, gain[4] = 2, gain[6] = 5, gain[7] = 4, gain[9] = 0.5f;
  std::vector<uint8_t> allowed(10, 1);
  allowed[6] = 0;
  const PageMeasure m = MeasurePageGraded(TwoByThree(), gain, allowed, 2, 3, catalog);
  // DCG = 3 D(0,0) + 1 D(0,2) + 2 D(1,1) = 3 + 0.5 + 1 = 4.5
  EXPECT_NEAR(m.dcg, 4.5, kTolerance);
  // Ideal: allowed gains 4, 3, 2, 1, 0.5 in cells 1, 1/log2 3, 1/log2 3, 1/2, 1/2:
  // 4 + 5/log2 3 + 0.75 = 7.904648767857287
  const double ideal = 4.0 + 5 * kD3 + 0.75;
  EXPECT_NEAR(m.ndcg, 4.5 / ideal, kTolerance);
  // Recall: shown 3 + 1 + 2 = 6 of the 6 cells' best 4 + 3 + 2 + 1 + 0.5 = 10.5.
  EXPECT_NEAR(m.recall, 6.0 / 10.5, kTolerance);
  EXPECT_EQ(m.first_hit_row, 1u);
  EXPECT_EQ(m.first_hit_column, 1u);
}

TEST(PageMetricsTest, GradedRecallCountsOnlyWhatThePageShapeCouldShow) {
  const Catalog catalog = TenTitles();
  std::vector<float> gain(10, 0.0f);
  gain[1] = 4, gain[2] = 3, gain[3] = 2, gain[4] = 1;
  Page page;
  page.rows = {Row(RowKind::kTopPicks, {2, 3, 2})};
  // A 1 x 2 page: at best 4 and 3 (4 + 3/log2 3); it shows 3 and 2.
  const PageMeasure m = MeasurePageGraded(page, gain, {}, 1, 2, catalog);
  EXPECT_NEAR(m.recall, 5.0 / 7.0, kTolerance);
  EXPECT_NEAR(m.dcg, 3.0 + 2 * kD3, kTolerance);
  EXPECT_NEAR(m.ndcg, (3.0 + 2 * kD3) / (4.0 + 3 * kD3), kTolerance);
}

TEST(PageMetricsTest, AnEmptyPageMeasuresZero) {
  const Catalog catalog = TenTitles();
  const std::vector<uint32_t> relevant = {1, 2};
  for (const PageMeasure& m : {MeasurePage(Page{}, relevant, 2, 3, catalog),
                               MeasurePageGraded(Page{}, std::vector<float>(10, 1.0f), {}, 2, 3, catalog)}) {
    EXPECT_EQ(m.dcg, 0.0);
    EXPECT_EQ(m.ndcg, 0.0);
    EXPECT_EQ(m.recall, 0.0);
    EXPECT_EQ(m.first_hit_row, 0u);
    EXPECT_EQ(m.first_hit_column, 0u);
    EXPECT_EQ(m.visible_titles, 0u);
    EXPECT_EQ(m.distinct_genres, 0u);
    EXPECT_EQ(m.continue_watching_share, 0.0);
  }
}

TEST(PageMetricsTest, NothingRelevantGivesZeroNotNaN) {
  const Catalog catalog = TenTitles();
  const PageMeasure none = MeasurePage(TwoByThree(), {}, 2, 3, catalog);
  EXPECT_EQ(none.ndcg, 0.0);
  EXPECT_EQ(none.recall, 0.0);
  EXPECT_EQ(none.first_hit_row, 0u);
  EXPECT_EQ(none.visible_titles, 6u);
  const std::vector<uint32_t> elsewhere = {7, 8};
  const PageMeasure missed = MeasurePage(TwoByThree(), elsewhere, 2, 3, catalog);
  EXPECT_EQ(missed.dcg, 0.0);
  EXPECT_EQ(missed.ndcg, 0.0);
  EXPECT_EQ(missed.recall, 0.0);
  const PageMeasure graded = MeasurePageGraded(TwoByThree(), std::vector<float>(10, 0.0f), {}, 2, 3, catalog);
  EXPECT_EQ(graded.ndcg, 0.0);
  EXPECT_EQ(graded.recall, 0.0);
  EXPECT_FALSE(std::isnan(graded.ndcg) || std::isnan(graded.recall));
}

}  // namespace
}  // namespace marquee::page
