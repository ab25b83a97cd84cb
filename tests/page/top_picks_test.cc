#include "marquee/page/top_picks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "page_test_util.h"

namespace marquee::page {
namespace {

using test::MakeCatalog;
using test::Request;
using test::Spec;
using test::TitlesOf;

constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(PageTopAllowed, BestAllowedFirstTiesToLowerIndex) {
  Request r(MakeCatalog(std::vector<std::vector<std::string>>(8)));
  r.scores = {0.5f, 0.9f, 0.5f, -kInf, std::nanf(""), 0.9f, 0.1f, 0.7f};
  r.allowed[7] = 0;
  r.seen[1] = 1;
  std::vector<RowTitle> out = {{99, 1.0f}};  // appended to, not replaced
  TopAllowed(r.Inputs(), r.scores, {}, /*skip_seen=*/true, 3, out);
  EXPECT_EQ(out, (std::vector<RowTitle>{{99, 1.0f}, {5, 0.9f}, {0, 0.5f}, {2, 0.5f}}));

  std::vector<RowTitle> with_seen;
  TopAllowed(r.Inputs(), r.scores, {}, /*skip_seen=*/false, 10, with_seen);
  EXPECT_EQ(with_seen, (std::vector<RowTitle>{{1, 0.9f}, {5, 0.9f}, {0, 0.5f}, {2, 0.5f}, {6, 0.1f}}));

  // `among` in any order: the tie still goes to the lower index.
  const std::vector<uint32_t> among = {6, 2, 5, 0};
  std::vector<RowTitle> some;
  TopAllowed(r.Inputs(), r.scores, among, true, 2, some);
  EXPECT_EQ(some, (std::vector<RowTitle>{{5, 0.9f}, {0, 0.5f}}));
  std::vector<RowTitle> none;
  TopAllowed(r.Inputs(), r.scores, among, true, 0, none);
  EXPECT_TRUE(none.empty());
}

// Titles beyond the masks (a model whose catalog grew after they were
// made, docs/adding_titles.md) are not allowed, however they score.
TEST(PageTopAllowed, TitlesBeyondTheMasksAreNotAllowed) {
  Request r(MakeCatalog(std::vector<std::vector<std::string>>(3)));
  r.scores = {0.1f, 0.2f, 0.3f, 0.9f, 0.8f};
  std::vector<RowTitle> out;
  TopAllowed(r.Inputs(), r.scores, {}, /*skip_seen=*/true, 5, out);
  EXPECT_EQ(out, (std::vector<RowTitle>{{2, 0.3f}, {1, 0.2f}, {0, 0.1f}}));
}

TEST(PageTopAllowed, EqualsSortingEveryAllowedTitle) {
  std::mt19937 rng(7);
  Request r(MakeCatalog(std::vector<std::vector<std::string>>(2000)));
  for (uint32_t t = 0; t < 2000; ++t) {
    r.scores[t] = static_cast<float>(rng() % 50);  // many ties
    r.allowed[t] = rng() % 4 != 0;
    r.seen[t] = rng() % 5 == 0;
  }
  std::vector<uint32_t> among;
  for (uint32_t t = 0; t < 2000; t += 1 + rng() % 3) among.push_back(t);
  std::shuffle(among.begin(), among.end(), rng);
  std::vector<RowTitle> expected;
  for (uint32_t t : among) {
    if (r.allowed[t] && !r.seen[t]) expected.push_back({t, r.scores[t]});
  }
  std::sort(expected.begin(), expected.end(), [](const RowTitle& a, const RowTitle& b) {
    return a.score > b.score || (a.score == b.score && a.title < b.title);
  });
  expected.resize(40);
  std::vector<RowTitle> got;
  TopAllowed(r.Inputs(), r.scores, among, true, 40, got);
  EXPECT_EQ(got, expected);
}

TEST(PageTopPicks, BestUnwatchedAllowedTitles) {
  Request r(MakeCatalog(std::vector<std::vector<std::string>>(6)));
  r.scores = {0.1f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
  r.Play(1, r.now, 1.0f);
  r.allowed[3] = 0;
  r.row_length = 3;
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kTopPicks), r.Inputs());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{2, 4, 5}));
  EXPECT_EQ(rows[0].row_id, "top_picks");
  EXPECT_EQ(rows[0].heading, "Top Picks for You");
  r.personalized = false;
  EXPECT_EQ(test::Generate(Spec(RowKind::kTopPicks), r.Inputs())[0].heading, "Popular on Marquee");
  RowSpec four = Spec(RowKind::kTopPicks);
  four.min_titles = 4;
  EXPECT_TRUE(test::Generate(four, r.Inputs()).empty());
}

}  // namespace
}  // namespace marquee::page
