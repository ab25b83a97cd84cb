#include "marquee/page/continue_watching.h"

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

// Titles 0..6 are films; 7, 8, 9 are episodes 1, 2, 3 of one season.
Request SeriesRequest() {
  Request r(MakeCatalog(std::vector<std::vector<std::string>>(10)));
  for (uint32_t e = 0; e < 3; ++e) r.catalog.titles()[7 + e].episode_of = EpisodeOf{"show", 1, e + 1};
  r.index = std::make_unique<CatalogIndex>(r.catalog);
  return r;
}

TEST(PageContinueWatching, InProgressWithinWindowMostRecentFirst) {
  Request r = SeriesRequest();
  r.Play(0, r.now - 1 * kDay, 0.5f);
  r.Play(1, r.now - 2 * kDay, 0.95f);  // finished
  r.Play(2, r.now - 3 * kDay, 0.3f);
  r.Play(3, r.now - 91 * kDay, 0.2f);  // stale: the window is 90 days
  r.Play(4, r.now, -1.0f, 5.0f);       // a rating: progress unknown
  r.Play(5, r.now - 4 * kDay, 0.9f);   // exactly max_progress: finished
  r.Play(6, r.now - 5 * kDay, 0.0f);   // started, nothing watched yet: in progress
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kContinueWatching), r.Inputs());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{0, 2, 6}));
  // The score is the share watched (the row is ordered by recency).
  EXPECT_FLOAT_EQ(rows[0].titles[0].score, 0.5f);
  EXPECT_FLOAT_EQ(rows[0].titles[1].score, 0.3f);
  EXPECT_EQ(rows[0].row_id, "continue_watching");
  EXPECT_EQ(rows[0].heading, "Continue Watching");
  EXPECT_EQ(rows[0].kind, RowKind::kContinueWatching);
}

TEST(PageContinueWatching, NextEpisodeOfAFinishedOne) {
  Request r = SeriesRequest();
  r.Play(0, r.now - 3 * kDay, 0.5f);
  r.Play(7, r.now - 1 * kDay, 1.0f);  // episode 1 finished: episode 2 (8) takes its place
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kContinueWatching), r.Inputs());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{8, 0}));
  EXPECT_FLOAT_EQ(rows[0].titles[0].score, 0.0f);  // the next episode: nothing watched yet
  EXPECT_FLOAT_EQ(rows[0].titles[1].score, 0.5f);
}

TEST(PageContinueWatching, NoNextEpisodeAlreadyPlayedOrAfterTheLast) {
  Request r = SeriesRequest();
  r.Play(7, r.now - 2 * kDay, 1.0f);
  r.Play(8, r.now - 40 * kDay, 1.0f);  // played already (and finished): not proposed again
  r.Play(9, r.now - 1 * kDay, 0.95f);  // the last episode: nothing after it
  r.Play(0, r.now - 3 * kDay, 0.5f);
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kContinueWatching), r.Inputs());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{0}));
}

TEST(PageContinueWatching, EpisodeInProgressIsItselfAndStaleFinishedLeadsNowhere) {
  Request r = SeriesRequest();
  r.Play(8, r.now - 1 * kDay, 0.4f);
  r.Play(7, r.now - 100 * kDay, 1.0f);  // finished long ago: its next is 8, but stale anyway
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kContinueWatching), r.Inputs());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{8}));
}

TEST(PageContinueWatching, RespectsAllowedRowLengthAndMinTitles) {
  Request r = SeriesRequest();
  for (uint32_t t = 0; t < 5; ++t) r.Play(t, r.now - (t + 1) * kDay, 0.5f);
  r.allowed[1] = 0;
  r.row_length = 3;
  std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kContinueWatching), r.Inputs());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{0, 2, 3}));

  RowSpec spec = Spec(RowKind::kContinueWatching);
  spec.min_titles = 4;  // 4 allowed titles in progress, the row cut to 3: too short
  EXPECT_TRUE(test::Generate(spec, r.Inputs()).empty());
  r.row_length = 40;
  EXPECT_EQ(test::Generate(spec, r.Inputs()).size(), 1u);
}

TEST(PageContinueWatching, NoPlaysNoRow) {
  Request r = SeriesRequest();
  EXPECT_TRUE(test::Generate(Spec(RowKind::kContinueWatching), r.Inputs()).empty());
}

}  // namespace
}  // namespace marquee::page
