#include "marquee/page/genre_rows.h"

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

// Interned in order of first appearance in Library().
constexpr uint16_t kThriller = 0, kDrama = 1, kComedy = 2, kDocumentary = 3;

Request Library() {
  Request r(MakeCatalog({{"Thriller", "Drama"},
                         {"Comedy"},
                         {"Thriller"},
                         {"Drama", "Comedy", "Documentary"},
                         {"Thriller"},
                         {"Thriller", "Comedy"},
                         {"Comedy"},
                         {"Drama"},
                         {"Documentary"},
                         {"Thriller"},
                         {"Documentary"}}));
  r.scores = {0, 0, 0, 0, 0.4f, 0.9f, 0.7f, 0.2f, 0.1f, 1.0f, 0.3f};
  r.allowed[9] = 0;
  return r;
}

// Each play's weight shared among its title's genres: Thriller 2/2 + 1 = 2,
// Drama 2/2 + 1.5/3 = 1.5, Comedy 1 + 1.5/3 = 1.5 (a tie: the lower genre
// index first), Documentary 0.5.
void PlayFour(Request& r) {
  r.Play(0, r.now - kDay, 1.0f, 2.0f);
  r.Play(1, r.now - kDay, 1.0f, 1.0f);
  r.Play(2, r.now - kDay, 1.0f, 1.0f);
  r.Play(3, r.now - kDay, 1.0f, 1.5f);
}

TEST(PageGenreRows, GenresByAffinityWithMultiGenreTitlesShared) {
  Request r = Library();
  PlayFour(r);
  EXPECT_EQ(RankGenres(r.Inputs()), (std::vector<uint16_t>{kThriller, kDrama, kComedy, kDocumentary}));
}

TEST(PageGenreRows, EachRowTheGenresTitlesByScore) {
  Request r = Library();
  PlayFour(r);
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kGenre, 2), r.Inputs());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{5, 4}));  // 9 not allowed; 0 and 2 seen
  EXPECT_EQ(rows[0].genre, kThriller);
  EXPECT_EQ(rows[0].row_id, "genre:Thriller");
  EXPECT_EQ(rows[0].heading, "Thrillers");
  EXPECT_EQ(rows[0].reason, "Your favourite genre: 36% of your plays");  // 2 / 5.5
  EXPECT_EQ(rows[0].titles[0].score, 0.9f);
  EXPECT_EQ(TitlesOf(rows[1]), (std::vector<uint32_t>{7}));  // 0 and 3 seen
  EXPECT_EQ(rows[1].heading, "Dramas");
  EXPECT_EQ(rows[1].reason, "Your 2nd favourite genre: 27% of your plays");

  const std::vector<CandidateRow> all = test::Generate(Spec(RowKind::kGenre, 10), r.Inputs());
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(TitlesOf(all[2]), (std::vector<uint32_t>{5, 6}));
  EXPECT_EQ(all[2].heading, "Comedies");
  EXPECT_EQ(TitlesOf(all[3]), (std::vector<uint32_t>{10, 8}));
  EXPECT_EQ(all[3].heading, "Documentaries");

  RowSpec two = Spec(RowKind::kGenre, 3);
  two.min_titles = 2;  // Drama has one title left: skipped, Documentary comes third
  const std::vector<CandidateRow> longer = test::Generate(two, r.Inputs());
  ASSERT_EQ(longer.size(), 3u);
  EXPECT_EQ(longer[2].genre, kDocumentary);
}

TEST(PageGenreRows, WithoutPlaysThePopularGenres) {
  Request r = Library();
  r.personalized = false;
  // Allowed scores shared among genres: Thriller 0.9/2 + 0.4 = 0.85, Comedy
  // 0.45 + 0.7 = 1.15, Drama 0.2, Documentary 0.1 + 0.3 = 0.4.
  EXPECT_EQ(RankGenres(r.Inputs()), (std::vector<uint16_t>{kComedy, kThriller, kDocumentary, kDrama}));
  const std::vector<CandidateRow> rows = test::Generate(Spec(RowKind::kGenre, 1), r.Inputs());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(TitlesOf(rows[0]), (std::vector<uint32_t>{5, 6, 1, 3}));
  EXPECT_EQ(rows[0].reason, "The most watched genre on Marquee");
}

TEST(PageGenreRows, HeadingsReadAsRows) {
  Request r(MakeCatalog({{"Action"}, {"Kids"}, {"Western"}, {"Comedy"}, {"Sci-Fi"}}));
  for (uint32_t t = 0; t < 5; ++t) r.Play(t, r.now, 1.0f, 5.0f - t);  // genres in index order
  r.seen.assign(5, 0);                                                // keep every title for its row
  std::vector<std::string> headings;
  for (const CandidateRow& row : test::Generate(Spec(RowKind::kGenre, 5), r.Inputs()))
    headings.push_back(row.heading);
  EXPECT_EQ(headings, (std::vector<std::string>{"Action", "Kids", "Westerns", "Comedies", "Sci-Fi"}));
}

}  // namespace
}  // namespace marquee::page
