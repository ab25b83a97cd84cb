// Page assembly on hand-made candidate rows: relevance mapping, row order by
// value, pins, required rows, the genre-row cap, de-duplication, and the
// diversity penalties, each against a hand computation.
#include "marquee/page/page_assembler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

namespace marquee::page {
namespace {

// Ten titles 0..9; titles 0-4 genre 0 ("Drama"), 5-9 genre 1 ("Comedy").
Catalog TwoGenreCatalog() {
  Catalog catalog;
  catalog.Resize(10);
  uint16_t drama = catalog.GenreIndex("Drama");
  uint16_t comedy = catalog.GenreIndex("Comedy");
  for (uint32_t t = 0; t < 10; ++t) catalog.titles()[t].genres = {t < 5 ? drama : comedy};
  return catalog;
}

CandidateRow Row(std::string id, std::vector<uint32_t> titles, RowKind kind = RowKind::kTopPicks) {
  CandidateRow row;
  row.kind = kind;
  row.row_id = std::move(id);
  for (uint32_t t : titles) row.titles.push_back({t, 0.0f});
  return row;
}

std::vector<uint32_t> Titles(const PageRow& row) {
  std::vector<uint32_t> out;
  for (const RowTitle& t : row.row.titles) out.push_back(t.title);
  return out;
}

std::vector<std::string> RowIds(const Page& page) {
  std::vector<std::string> out;
  for (const PageRow& r : page.rows) out.push_back(r.row.row_id);
  return out;
}

// Scores 9, 8, ..., 0 for titles 0..9: title t has score 9 - t.
std::vector<float> DescendingScores() {
  std::vector<float> s(10);
  for (int t = 0; t < 10; ++t) s[t] = static_cast<float>(9 - t);
  return s;
}

TEST(PageAssemblerTest, RelevanceFallsWithRankAmongAllowedTitles) {
  std::vector<float> scores = DescendingScores();  // title t ranks t
  Relevance rel(scores, {}, /*half_rank=*/2);
  EXPECT_DOUBLE_EQ(rel.Rank(0), 0.0);
  EXPECT_DOUBLE_EQ(rel.Rank(4), 4.0);
  EXPECT_FLOAT_EQ(rel.Of(0), 1.0f);
  EXPECT_FLOAT_EQ(rel.Of(2), 0.5f);         // 1 / (1 + 2/2)
  EXPECT_FLOAT_EQ(rel.Of(4), 1.0f / 3.0f);  // 1 / (1 + 4/2)
  // Only allowed titles rank: without titles 0 and 1, title 2 is the best.
  std::vector<uint8_t> allowed(10, 1);
  allowed[0] = allowed[1] = 0;
  Relevance restricted(scores, allowed, 2);
  EXPECT_FLOAT_EQ(restricted.Of(2), 1.0f);
  // Equal scores share a rank; an excluded (-inf) title has relevance 0.
  std::vector<float> ties = {3, 5, 5, 1, -std::numeric_limits<float>::infinity()};
  Relevance tied(ties, {}, 1);
  EXPECT_DOUBLE_EQ(tied.Rank(1), 0.0);
  EXPECT_DOUBLE_EQ(tied.Rank(2), 0.0);
  EXPECT_DOUBLE_EQ(tied.Rank(0), 2.0);
  EXPECT_FLOAT_EQ(tied.Of(4), 0.0f);
}

TEST(PageAssemblerTest, RanksBeyondTheExactPartAreEstimatedCloseToTheTrueRank) {
  // 20,000 distinct scores in a shuffled order; the true rank of a title is
  // the number of higher scores, computed by sorting.
  const uint32_t n = 20000;
  std::vector<float> scores(n);
  std::mt19937 rng(5);
  std::iota(scores.begin(), scores.end(), 0.0f);
  std::shuffle(scores.begin(), scores.end(), rng);
  Relevance rel(scores, {}, 20, /*exact=*/100);
  for (uint32_t t = 0; t < n; t += 37) {
    const double truth = n - 1 - scores[t];  // scores are 0..n-1, each once
    if (truth < 100) {
      EXPECT_DOUBLE_EQ(rel.Rank(t), truth) << t;
    } else {
      // A sample of kRelevanceSample of 20,000: the share ranked above has a
      // standard error of sqrt(p (1 - p) / kRelevanceSample); allow four of
      // them, plus one stride.
      const double p = truth / n;
      const double stride = static_cast<double>(n / kRelevanceSample);
      EXPECT_NEAR(rel.Rank(t), truth, 4.0 * std::sqrt(p * (1.0 - p) / kRelevanceSample) * n + stride) << t;
    }
  }
}

TEST(PageAssemblerTest, RowsOrderedByTheRelevanceOfTheirVisibleTitles) {
  Catalog catalog = TwoGenreCatalog();
  std::vector<float> scores = DescendingScores();
  Relevance rel(scores, {}, 10);  // rel(t) = 1 / (1 + t / 10)
  PageRules rules;
  rules.same_genre_penalty = 0.0;
  std::vector<CandidateRow> rows = {Row("weak", {7, 8}), Row("strong", {0, 1}), Row("middle", {3, 4})};
  Page page = AssemblePage(rows, rules, rel, {.rows = 3, .per_row = 2}, catalog);
  EXPECT_EQ(RowIds(page), (std::vector<std::string>{"strong", "middle", "weak"}));
  // Value of "strong": (1 * D0 + 1/1.1 * D1) / (D0 + D1), D0 = 1, D1 = 1/log2(3).
  double d1 = 1.0 / std::log2(3.0);
  EXPECT_NEAR(page.rows[0].value, (1.0 + d1 / 1.1) / (1.0 + d1), 1e-6);
  // The fixed order keeps the candidates' order.
  Page fixed = AssemblePage(rows, rules, rel, {.rows = 3, .per_row = 2, .order = RowOrder::kConfig}, catalog);
  EXPECT_EQ(RowIds(fixed), (std::vector<std::string>{"weak", "strong", "middle"}));
}

TEST(PageAssemblerTest, DuplicatesInTheVisibleAreaAreReplacedByTheRowsNextTitle) {
  Catalog catalog = TwoGenreCatalog();
  std::vector<float> scores = DescendingScores();
  Relevance rel(scores, {}, 10);
  PageRules rules;
  rules.overlap_penalty = 0.0;
  rules.same_genre_penalty = 0.0;
  std::vector<CandidateRow> rows = {Row("a", {0, 1, 2}), Row("b", {0, 1, 5, 6})};
  Page page = AssemblePage(rows, rules, rel, {.rows = 2, .per_row = 2}, catalog);
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(Titles(page.rows[0]), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(Titles(page.rows[1]), (std::vector<uint32_t>{5, 6}));
  // De-duplication over the first column only: a showed title 0 there, so
  // b's first column skips 0 and shows 1 (a's 1 was outside the area); b's
  // second column is outside the area too and takes b's next title, 5.
  rules.dedupe_columns = 1;
  page = AssemblePage(rows, rules, rel, {.rows = 2, .per_row = 2}, catalog);
  EXPECT_EQ(Titles(page.rows[1]), (std::vector<uint32_t>{1, 5}));
  // Only the first row de-duplicated against: rows from the second on show
  // their own first titles.
  rules.dedupe_columns = 0;
  rules.dedupe_rows = 1;
  page = AssemblePage(rows, rules, rel, {.rows = 2, .per_row = 2}, catalog);
  EXPECT_EQ(Titles(page.rows[1]), (std::vector<uint32_t>{0, 1}));
}

TEST(PageAssemblerTest, ARowWhollyShownAboveIsDropped) {
  Catalog catalog = TwoGenreCatalog();
  std::vector<float> scores = DescendingScores();
  Relevance rel(scores, {}, 10);
  std::vector<CandidateRow> rows = {Row("a", {0, 1}), Row("same", {1, 0}), Row("c", {8, 9})};
  Page page = AssemblePage(rows, PageRules{}, rel, {.rows = 3, .per_row = 2}, catalog);
  EXPECT_EQ(RowIds(page), (std::vector<std::string>{"a", "c"}));
}

TEST(PageAssemblerTest, PinnedRowTakesItsPositionWhateverItsValue) {
  Catalog catalog = TwoGenreCatalog();
  std::vector<float> scores = DescendingScores();
  Relevance rel(scores, {}, 10);
  std::vector<CandidateRow> rows = {Row("best", {0, 1}), Row("cw", {9, 8}, RowKind::kContinueWatching),
                                    Row("pinned2", {7, 6}), Row("mid", {3, 4})};
  rows[1].pin = 0;
  rows[2].pin = 2;
  Page page = AssemblePage(rows, PageRules{}, rel, {.rows = 4, .per_row = 2}, catalog);
  EXPECT_EQ(RowIds(page), (std::vector<std::string>{"cw", "best", "pinned2", "mid"}));
  // A pin below the page is ignored: the row is placed by value.
  Page short_page = AssemblePage(rows, PageRules{}, rel, {.rows = 2, .per_row = 2}, catalog);
  EXPECT_EQ(RowIds(short_page), (std::vector<std::string>{"cw", "best"}));
}

TEST(PageAssemblerTest, RequiredRowIsPlacedBeforeThePageRunsOut) {
  Catalog catalog = TwoGenreCatalog();
  std::vector<float> scores = DescendingScores();
  Relevance rel(scores, {}, 10);
  std::vector<CandidateRow> rows = {Row("a", {0, 1}), Row("b", {2, 3}), Row("must", {8, 9})};
  rows[2].required = true;
  Page page = AssemblePage(rows, PageRules{}, rel, {.rows = 2, .per_row = 2}, catalog);
  EXPECT_EQ(RowIds(page), (std::vector<std::string>{"a", "must"}));
}

TEST(PageAssemblerTest, GenreRowsCappedAndSameGenreNotBackToBack) {
  Catalog catalog = TwoGenreCatalog();
  std::vector<float> scores = DescendingScores();
  Relevance rel(scores, {}, 10);
  // Three genre rows; two about Drama (genre 0) would be adjacent by value.
  std::vector<CandidateRow> rows = {Row("genre:Drama", {0, 1}, RowKind::kGenre),
                                    Row("genre:Drama2", {2, 3}, RowKind::kGenre),
                                    Row("genre:Comedy", {5, 6}, RowKind::kGenre)};
  rows[0].genre = 0;
  rows[1].genre = 0;
  rows[2].genre = 1;
  PageRules rules;
  rules.same_genre_penalty = 0.9;
  Page page = AssemblePage(rows, rules, rel, {.rows = 3, .per_row = 2}, catalog);
  // Drama2 (rel 1/1.2, 1/1.3) after Drama would be worth a tenth; Comedy
  // (1/1.5, 1/1.6) goes between.
  EXPECT_EQ(RowIds(page), (std::vector<std::string>{"genre:Drama", "genre:Comedy", "genre:Drama2"}));
  rules.max_genre_rows = 2;
  page = AssemblePage(rows, rules, rel, {.rows = 3, .per_row = 2}, catalog);
  EXPECT_EQ(page.rows.size(), 2u);
  // A non-genre row whose titles are mostly Drama counts as a Drama row too.
  std::vector<CandidateRow> mixed = {Row("genre:Drama", {0, 1}, RowKind::kGenre), Row("byw", {2, 3, 4}),
                                     Row("other", {5, 6})};
  mixed[0].genre = 0;
  page = AssemblePage(mixed, rules, rel, {.rows = 3, .per_row = 2}, catalog);
  EXPECT_EQ(RowIds(page), (std::vector<std::string>{"genre:Drama", "other", "byw"}));
}

TEST(PageAssemblerTest, OverlapPenaltyPrefersRowsShowingNewTitles) {
  Catalog catalog = TwoGenreCatalog();
  std::vector<float> scores = DescendingScores();
  Relevance rel(scores, {}, 10);
  PageRules rules;
  rules.same_genre_penalty = 0.0;
  // "echo" repeats a's titles: after de-duplication it shows 2, 3 (as good
  // as "fresh"'s 2, 4 would be), but half its head was already shown.
  std::vector<CandidateRow> rows = {Row("a", {0, 1}), Row("echo", {0, 2, 1, 3}), Row("fresh", {2, 4})};
  Page page = AssemblePage(rows, rules, rel, {.rows = 2, .per_row = 2}, catalog);
  EXPECT_EQ(RowIds(page), (std::vector<std::string>{"a", "fresh"}));
  rules.overlap_penalty = 0.0;
  page = AssemblePage(rows, rules, rel, {.rows = 2, .per_row = 2}, catalog);
  EXPECT_EQ(RowIds(page), (std::vector<std::string>{"a", "echo"}));
}

TEST(PageAssemblerTest, WeightScalesAValue) {
  Catalog catalog = TwoGenreCatalog();
  std::vector<float> scores = DescendingScores();
  Relevance rel(scores, {}, 10);
  std::vector<CandidateRow> rows = {Row("a", {0, 1}), Row("boosted", {5, 6})};
  rows[1].weight = 3.0f;
  Page page = AssemblePage(rows, PageRules{}, rel, {.rows = 2, .per_row = 2}, catalog);
  EXPECT_EQ(page.rows[0].row.row_id, "boosted");
}

}  // namespace
}  // namespace marquee::page
