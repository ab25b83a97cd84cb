#include "marquee/page/because_you_watched.h"

#include <gtest/gtest.h>

#include <vector>

#include "marquee/page/similar_titles.h"
#include "page_test_util.h"

namespace marquee::page {
namespace {

using test::kDay;
using test::MakeCatalog;
using test::Request;
using test::Spec;
using test::TitlesOf;

constexpr uint32_t kTitles = 10;

// Similarity of title a to b: 1 / (1 + |a - b|), except that title 9 is
// most like everything (so that a disallowed or seen title heads each list).
test::FixedSimilarity NearbyTitles() {
  std::vector<std::vector<float>> sim(kTitles, std::vector<float>(kTitles));
  for (uint32_t a = 0; a < kTitles; ++a) {
    for (uint32_t b = 0; b < kTitles; ++b)
      sim[a][b] = 1.0f / (1.0f + static_cast<float>(a > b ? a - b : b - a));
    sim[a][9] = 5.0f;
  }
  return test::FixedSimilarity(std::move(sim));
}

Request Films() {
  return Request(MakeCatalog(std::vector<std::vector<std::string>>(kTitles)));
}

TEST(PageBecauseYouWatched, AnchorsByEngagementTimesRecencyWithinTheWindow) {
  Request r = Films();
  // spec: window 180 days, half-life 30 days, min progress 0.5.
  r.Play(0, r.now - 30 * kDay, 0.8f, 1.0f);   // 1 x 1/2 = 0.5
  r.Play(1, r.now - 60 * kDay, 0.9f, 3.0f);   // 3 x 1/4 = 0.75
  r.Play(2, r.now - 1 * kDay, 0.3f, 5.0f);    // barely watched: no anchor
  r.Play(3, r.now - 200 * kDay, 1.0f, 9.0f);  // outside the window
  r.Play(4, r.now, 0.6f, 1.0f);               // 1 x 1 = 1
  r.Play(5, r.now - 30 * kDay, 0.5f, 2.0f);   // 2 x 1/2 = 1: ties with 4, played earlier
  r.Play(6, r.now + kDay, 1.0f, 9.0f);        // after now: not seen yet as of now
  EXPECT_EQ(RankAnchors(r.Inputs(), RowSpec{}), (std::vector<uint32_t>{4, 5, 1, 0}));

  RowSpec narrow;
  narrow.anchor_window_days = 45;
  narrow.min_anchor_progress = 0.85;
  EXPECT_EQ(RankAnchors(r.Inputs(), narrow), (std::vector<uint32_t>{}));
  narrow.min_anchor_progress = 0.8;
  EXPECT_EQ(RankAnchors(r.Inputs(), narrow), (std::vector<uint32_t>{0}));
}

TEST(PageBecauseYouWatched, RatingsCountWhenAtLeastTheMedianWeight) {
  Request r = Films();
  // No times, no progress: every rating is as recent as any; the median of
  // 1, 2, 4, 5 is 3.
  r.Play(0, 0, -1.0f, 2.0f);
  r.Play(1, 0, -1.0f, 5.0f);
  r.Play(2, 0, -1.0f, 1.0f);
  r.Play(3, 0, -1.0f, 4.0f);
  EXPECT_EQ(RankAnchors(r.Inputs(), RowSpec{}), (std::vector<uint32_t>{1, 3}));
  r.Play(4, 0, -1.0f, 3.0f);  // now the median is 3 itself: at least the median counts
  EXPECT_EQ(RankAnchors(r.Inputs(), RowSpec{}), (std::vector<uint32_t>{1, 3, 4}));
}

TEST(PageBecauseYouWatched, OneRowPerAnchorOfAllowedUnwatchedNeighbours) {
  const test::FixedSimilarity model = NearbyTitles();
  const SimilarTitles similar(model, 5);
  Request r = Films();
  r.similar = &similar;
  r.catalog.titles()[4].name = "Heat";
  r.Play(4, r.now - 3 * kDay, 0.92f, 2.0f);
  r.Play(2, r.now - 10 * kDay, 0.7f, 1.0f);
  r.Play(5, r.now - 1 * kDay, 0.2f, 1.0f);  // seen, not an anchor
  r.allowed[9] = 0;
  r.allowed[6] = 0;
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kBecauseYouWatched, 3), r.Inputs());
  // Anchor 4 (2 x 2^(-0.1)) before 2 (1 x 2^(-1/3)). Neighbours of 4 kept by
  // SimilarTitles: 9, then 3 and 5 (1/2), then 2 and 6 (1/3); 9 and 6 are
  // not allowed, 5 and 2 seen. Of 2: 9, 1, 3, 0, 4: 9 not allowed, 4 seen.
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{3}));
  EXPECT_EQ(rows[0].anchor, 4u);
  EXPECT_EQ(rows[0].row_id, "because_you_watched:4");
  EXPECT_EQ(rows[0].heading, "Because You Watched Heat");
  EXPECT_EQ(rows[0].reason, "You watched Heat 3 days ago and finished 92% of it");
  EXPECT_FLOAT_EQ(rows[0].titles[0].score, 0.5f);
  EXPECT_EQ(TitlesOf(rows[1]), (std::vector<uint32_t>{1, 3, 0}));
  EXPECT_EQ(rows[1].row_id, "because_you_watched:2");

  EXPECT_EQ(test::Generate(Spec(RowKind::kBecauseYouWatched, 1), r.Inputs()).size(), 1u);
  RowSpec two_titles = Spec(RowKind::kBecauseYouWatched, 3);
  two_titles.min_titles = 2;  // the first anchor's row is too short: the next anchor's stands
  const std::vector<CandidateRow> longer = test::Generate(two_titles, r.Inputs());
  ASSERT_EQ(longer.size(), 1u);
  EXPECT_EQ(longer[0].anchor, 2u);
}

TEST(PageBecauseYouWatched, TitlesWithoutNeighboursAreNoAnchors) {
  const test::FixedSimilarity model = NearbyTitles();
  std::vector<uint32_t> positives(kTitles, 1);
  positives[4] = 0;  // the model learned nothing about 4
  const SimilarTitles similar(model, 5, positives);
  Request r = Films();
  r.Play(4, r.now, 1.0f);
  r.Play(2, r.now - kDay, 1.0f);
  EXPECT_EQ(RankAnchors(r.Inputs(), RowSpec{}), (std::vector<uint32_t>{4, 2}));  // no model: not checked
  r.similar = &similar;
  EXPECT_EQ(RankAnchors(r.Inputs(), RowSpec{}), (std::vector<uint32_t>{2}));
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kBecauseYouWatched, 3), r.Inputs());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].anchor, 2u);
  for (const RowTitle& t : rows[0].titles) EXPECT_NE(t.title, 4u);  // nor anyone's neighbour
}

TEST(PageBecauseYouWatched, NoModelNoRows) {
  Request r = Films();
  r.Play(4, r.now, 1.0f);
  EXPECT_TRUE(test::Generate(Spec(RowKind::kBecauseYouWatched, 3), r.Inputs()).empty());
}

}  // namespace
}  // namespace marquee::page
