// New titles as JSON lines (data/new_title_json.h), read against a catalog.
#include "marquee/data/new_title_json.h"

#include <gtest/gtest.h>

#include "../test_util.h"

namespace marquee {
namespace {

TEST(NewTitleJsonTest, ReadsMetadataAgainstTheCatalogAndNamesWhatItLacks) {
  Catalog catalog;
  const uint16_t drama = catalog.GenreIndex("Drama");
  test::TempDir dir;
  const std::string path = dir.Write("new.jsonl", R"({"title": "n-1", "name": "A", "genres": ["drama", "Opera"], "year": 2026, "runtime_minutes": 90})"
                                                  "\n\n"
                                                  R"({"title": "n-2"})"
                                                  "\n");
  Result<std::vector<NewTitle>> titles = ReadNewTitles(path, catalog);
  ASSERT_TRUE(titles.ok()) << titles.status().ToString();
  ASSERT_EQ(titles->size(), 2u);
  EXPECT_EQ((*titles)[0].title_id, "n-1");
  EXPECT_EQ((*titles)[0].title.genres, std::vector<uint16_t>{drama});  // case ignored
  EXPECT_EQ((*titles)[0].title.year, 2026);
  EXPECT_EQ((*titles)[0].title.runtime_minutes, 90u);
  EXPECT_EQ((*titles)[0].unknown, std::vector<std::string>{"genre:Opera"});
  EXPECT_EQ((*titles)[1].title_id, "n-2");

  const std::string bad = dir.Write("bad.jsonl", R"({"title": "ok"})" "\n" R"({"title": "x", "runtime_minutes": -1})" "\n");
  Result<std::vector<NewTitle>> refused = ReadNewTitles(bad, catalog);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("bad.jsonl:2: runtime_minutes"), std::string::npos)
      << refused.status().message();
}

// Ratings are spelled as the catalog spells them, else as the standard
// scale does; one neither knows is kept and named in `unknown`.
TEST(NewTitleJsonTest, MaturityIsTheCatalogsSpellingOrNamedAsUnknown) {
  Catalog catalog;
  Title rated;
  rated.name = "r";
  rated.maturity = "12A";
  catalog.titles().push_back(rated);
  Result<std::vector<NewTitle>> titles = ParseNewTitles(
      R"({"title": "a", "maturity": "12a"})" "\n" R"({"title": "b", "maturity": "tv-ma"})" "\n"
      R"({"title": "c", "maturity": "ZZZ"})",
      "body", catalog);
  ASSERT_TRUE(titles.ok()) << titles.status().ToString();
  EXPECT_EQ((*titles)[0].title.maturity, "12A");
  EXPECT_TRUE((*titles)[0].unknown.empty());
  EXPECT_EQ((*titles)[1].title.maturity, "TV-MA");
  EXPECT_TRUE((*titles)[1].unknown.empty());
  EXPECT_EQ((*titles)[2].unknown, std::vector<std::string>{"maturity:ZZZ"});
  // The definition kept for the title log reads back to the same title.
  Result<std::vector<NewTitle>> again = ParseNewTitles((*titles)[1].definition, "log", catalog);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->front().title.maturity, "TV-MA");
}

}  // namespace
}  // namespace marquee
