#include "marquee/page/catalog_index.h"

#include <gtest/gtest.h>

#include <vector>

#include "page_test_util.h"

namespace marquee::page {
namespace {

using test::MakeCatalog;

TEST(PageCatalogIndex, TitlesOfGenreAscendingOncePerTitle) {
  Catalog catalog = MakeCatalog({{"Drama", "Comedy"}, {"Comedy"}, {}, {"Drama", "Drama"}});
  const CatalogIndex index(catalog);
  const uint16_t drama = 0, comedy = 1;
  EXPECT_EQ(std::vector<uint32_t>(index.TitlesOfGenre(drama).begin(), index.TitlesOfGenre(drama).end()),
            (std::vector<uint32_t>{0, 3}));
  EXPECT_EQ(std::vector<uint32_t>(index.TitlesOfGenre(comedy).begin(), index.TitlesOfGenre(comedy).end()),
            (std::vector<uint32_t>{0, 1}));
  EXPECT_TRUE(index.TitlesOfGenre(7).empty());
}

TEST(PageCatalogIndex, ByReleaseDateNewestFirstTiesToLowerIndex) {
  Catalog catalog = MakeCatalog({{}, {}, {}, {}, {}});
  catalog.titles()[0].release_date = 100;
  catalog.titles()[1].release_date = 300;
  catalog.titles()[3].release_date = 100;
  catalog.titles()[4].release_date = 200;  // title 2 has no date: left out
  const CatalogIndex index(catalog);
  EXPECT_EQ(std::vector<uint32_t>(index.ByReleaseDate().begin(), index.ByReleaseDate().end()),
            (std::vector<uint32_t>{1, 4, 0, 3}));
}

TEST(PageCatalogIndex, NextEpisodeWithinSeasonThenNextSeasonPresent) {
  Catalog catalog = MakeCatalog({{}, {}, {}, {}, {}, {}});
  auto episode = [&](uint32_t t, const char* series, uint32_t season, uint32_t number) {
    catalog.titles()[t].episode_of = EpisodeOf{series, season, number};
  };
  // Indices out of broadcast order; season 2 is missing, so season 1 leads to 3.
  episode(0, "S", 3, 1);
  episode(1, "S", 1, 2);
  episode(2, "S", 1, 1);
  episode(3, "Other", 1, 1);
  episode(4, "S", 3, 2);  // the last of "S"
  const CatalogIndex index(catalog);
  EXPECT_EQ(index.NextEpisode(2), 1u);
  EXPECT_EQ(index.NextEpisode(1), 0u);
  EXPECT_EQ(index.NextEpisode(0), 4u);
  EXPECT_EQ(index.NextEpisode(4), kNoTitle);
  EXPECT_EQ(index.NextEpisode(3), kNoTitle);  // the only one of its series
  EXPECT_EQ(index.NextEpisode(5), kNoTitle);  // not an episode
  EXPECT_EQ(index.NextEpisode(99), kNoTitle);
}

}  // namespace
}  // namespace marquee::page
