#include "marquee/data/title_filter.h"

#include <gtest/gtest.h>

namespace marquee {
namespace {

Catalog MakeCatalog() {
  Catalog c;
  c.Resize(4);
  uint16_t comedy = c.GenreIndex("Comedy"), horror = c.GenreIndex("Horror");
  c.titles()[0] = Title{.name = "a", .genres = {comedy}, .maturity = "PG"};
  c.titles()[1] = Title{.name = "b", .genres = {horror}, .maturity = "R", .regions = {"US"}};
  c.titles()[2] = Title{.name = "c", .genres = {comedy, horror}, .maturity = "TV-14", .regions = {"DE", "FR"}};
  c.titles()[3] = Title{.name = "d", .genres = {}, .maturity = ""};
  return c;
}

TEST(TitleFilterTest, EmptyFilterAllowsEverything) {
  EXPECT_EQ(*CandidateMask(MakeCatalog(), {}), (std::vector<uint8_t>{1, 1, 1, 1}));
}

TEST(TitleFilterTest, GenreRegionAndMaturityCombine) {
  Catalog c = MakeCatalog();
  EXPECT_EQ(*CandidateMask(c, {.genres = {"comedy"}}), (std::vector<uint8_t>{1, 0, 1, 0}));
  EXPECT_EQ(*CandidateMask(c, {.region = "us"}), (std::vector<uint8_t>{1, 1, 0, 1}));
  // PG-13 level admits PG and TV-14, not R, and not the unrated title.
  EXPECT_EQ(*CandidateMask(c, {.max_maturity = "PG-13"}), (std::vector<uint8_t>{1, 0, 1, 0}));
  EXPECT_EQ(*CandidateMask(c, {.genres = {"Horror"}, .region = "DE", .max_maturity = "TV-MA"}),
            (std::vector<uint8_t>{0, 0, 1, 0}));
}

TEST(TitleFilterTest, UnknownNamesAreErrors) {
  Status genre = CandidateMask(MakeCatalog(), {.genres = {"Western"}}).status();
  EXPECT_NE(genre.message().find("\"Western\" is not in the catalog (expected one of: Comedy, Horror)"),
            std::string::npos)
      << genre.message();
  EXPECT_FALSE(CandidateMask(MakeCatalog(), {.max_maturity = "X"}).ok());
  EXPECT_EQ(MaturityLevel("tv-ma"), 4);
  EXPECT_EQ(MaturityLevel("PG"), MaturityLevel("TV-PG"));
  EXPECT_FALSE(MaturityLevel("12A").has_value());
}

}  // namespace
}  // namespace marquee
