#include "marquee/page/new_releases.h"

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

TEST(PageNewReleases, ReleasedWithinTheWindowRankedByScores) {
  Request r(MakeCatalog(std::vector<std::vector<std::string>>(9)), 1000 * kDay + 3600);
  const std::vector<std::pair<uint32_t, int32_t>> released = {
      {0, 1000},                                 // today
      {1, 1001},                                 // tomorrow: announced, not released
      {2, 635},                                  // 365 days before today's start: still in
      {3, 634},                                  // one day too old
      {4, 900},  {6, 950}, {7, 960}, {8, 990}};  // 5 has no date
  for (const auto& [t, day] : released) r.catalog.titles()[t].release_date = day;
  r.index = std::make_unique<CatalogIndex>(r.catalog);
  r.scores = {0.1f, 1.0f, 0.9f, 1.0f, 0.5f, 1.0f, 1.0f, 1.0f, 0.5f};
  r.Play(6, r.now, 0.5f);
  r.allowed[7] = 0;
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kNewReleases), r.Inputs());
  ASSERT_EQ(rows.size(), 1u);
  // 4 and 8 tie at 0.5: the lower index first, though 8 is newer.
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{2, 4, 8, 0}));
  EXPECT_EQ(rows[0].titles[0].score, 0.9f);
  EXPECT_EQ(rows[0].heading, "New Releases");
  EXPECT_EQ(rows[0].row_id, "new_releases");

  RowSpec month = Spec(RowKind::kNewReleases);
  month.release_window_days = 30;
  EXPECT_EQ(TitlesOf(test::Generate(month, r.Inputs())[0]), (std::vector<uint32_t>{8, 0}));
  month.release_window_days = 0.5;
  EXPECT_EQ(TitlesOf(test::Generate(month, r.Inputs())[0]), (std::vector<uint32_t>{0}));
}

TEST(PageNewReleases, NothingReleasedNoRow) {
  Request r(MakeCatalog(std::vector<std::vector<std::string>>(3)));
  r.catalog.titles()[1].release_date = 2000;  // all in the future
  r.index = std::make_unique<CatalogIndex>(r.catalog);
  EXPECT_TRUE(test::Generate(Spec(RowKind::kNewReleases), r.Inputs()).empty());
}

}  // namespace
}  // namespace marquee::page
