// GET /v1/members/{id}/homepage on a real server (127.0.0.1): the page's
// shape and rules, artwork logged with placements, plays posted a moment ago
// in Continue Watching, unknown members, region/maturity/exclusions on every
// row, bad parameters, and the page configuration's reload.
#include <ctime>
#include <set>

#include "marquee/data/title_filter.h"
#include "../serve_test_fixture.h"

namespace marquee::test {
namespace {

using nlohmann::json;

class ServerHomepageTest : public ServeFixture {
 protected:
  // Every title id shown on the page, row by row.
  static std::vector<std::vector<std::string>> PageTitles(const json& page) {
    std::vector<std::vector<std::string>> rows;
    for (const json& row : page["rows"]) {
      rows.emplace_back();
      for (const json& t : row["titles"]) rows.back().push_back(t["title"]);
    }
    return rows;
  }
  const Title& TitleOf(const std::string& id) const { return dataset().catalog.titles()[dataset().titles.Find(id)]; }
  // A member of the dataset with 20 to 40 titles: enough history for every
  // row kind, and most of the 120 titles still to discover.
  std::string ActiveMember() const {
    for (uint32_t m = 0; m < dataset().members.size(); ++m) {
      const uint32_t n = dataset().interactions.RowLength(m);
      if (n >= 20 && n <= 40) return std::string(dataset().members.ExternalId(m));
    }
    return {};
  }
};

TEST_F(ServerHomepageTest, KnownMemberGetsAPersonalizedPageWithArtworkLoggedWhereShown) {
  StartServer();
  const std::string member = ActiveMember();
  json page = Get("/v1/members/" + member + "/homepage?rows=6&per_row=8&artwork_columns=3");
  EXPECT_TRUE(page["personalized"].get<bool>());
  EXPECT_FALSE(page["fallback"].get<bool>());
  ASSERT_FALSE(page["rows"].empty());
  EXPECT_LE(page["rows"].size(), 6u);
  std::set<std::string> row_ids, shown;
  const uint32_t m = dataset().members.Find(member);
  auto row_titles = dataset().interactions.RowIndices(m);
  std::set<uint32_t> watched(row_titles.begin(), row_titles.end());
  for (const json& row : page["rows"]) {
    EXPECT_TRUE(row_ids.insert(row["row_id"].get<std::string>()).second) << row["row_id"];
    EXPECT_LE(row["titles"].size(), 8u);
    if (row["kind"] == "because_you_watched") {
      ASSERT_TRUE(row.contains("anchor")) << row.dump();
      // The row id names the anchor by its title id, stable across catalogs.
      EXPECT_EQ(row["row_id"], "because_you_watched:" + row["anchor"]["title"].get<std::string>());
    }
    if (row["kind"] == "continue_watching") {
      for (const json& t : row["titles"]) EXPECT_LE(t["score"].get<double>(), 1.0);  // the share watched
    }
    for (const json& t : row["titles"]) {
      // A title once on the page (the whole page is de-duplicated by default).
      EXPECT_TRUE(shown.insert(t["title"].get<std::string>()).second) << t["title"] << " twice";
      // Discovery rows leave out what the member watched.
      if (row["kind"] != "continue_watching") {
        EXPECT_FALSE(watched.count(dataset().titles.Find(t["title"].get<std::string>()))) << row["kind"];
      }
      EXPECT_EQ(t.contains("artwork"), t["column"].get<uint32_t>() < 3) << t.dump();
    }
  }
  // The impressions are durable, each with its placement on this page.
  Result<std::vector<Event>> events = events_->MemberEvents(member);
  ASSERT_TRUE(events.ok());
  size_t placed = 0;
  for (const Event& e : *events) {
    if (e.kind != EventKind::kImpression) continue;
    ASSERT_TRUE(e.placement.has_value());
    EXPECT_EQ(e.placement->page_id, page["page_id"]);
    const json& row = page["rows"][e.placement->row];
    EXPECT_EQ(e.placement->row_id, row["row_id"]);
    const json& tile = row["titles"][e.placement->column];
    EXPECT_EQ(e.title_id, tile["title"]);
    EXPECT_EQ(e.impression_id, tile["artwork"]["impression_id"]);
    ++placed;
  }
  size_t expected = 0;
  for (const json& row : page["rows"]) expected += std::min<size_t>(row["titles"].size(), 3);
  EXPECT_EQ(placed, expected);
  // Two answers are two pages.
  json again = Get("/v1/members/" + member + "/homepage?artwork=false");
  EXPECT_NE(again["page_id"], page["page_id"]);
}

TEST_F(ServerHomepageTest, UnknownMemberGetsThePopularPageFlagged) {
  StartServer();
  json page = Get("/v1/members/nobody-at-all/homepage?rows=4&per_row=5&artwork=false");
  EXPECT_FALSE(page["personalized"].get<bool>());
  EXPECT_TRUE(page["fallback"].get<bool>());
  EXPECT_NE(page["fallback_reason"].get<std::string>().find("unknown member"), std::string::npos);
  ASSERT_FALSE(page["rows"].empty());
  for (const json& row : page["rows"]) {
    EXPECT_NE(row["kind"], "continue_watching");
    EXPECT_NE(row["kind"], "because_you_watched");
  }
}

TEST_F(ServerHomepageTest, APlayPostedAMomentAgoShowsInContinueWatching) {
  StartServer();
  const std::string member = ActiveMember();
  const uint32_t m = dataset().members.Find(member);
  // A title the member has not played.
  uint32_t fresh = 0;
  auto row = dataset().interactions.RowIndices(m);
  while (std::find(row.begin(), row.end(), fresh) != row.end()) ++fresh;
  const std::string title(dataset().titles.ExternalId(fresh));
  json before = Get("/v1/members/" + member + "/homepage?artwork=false");
  for (const auto& r : PageTitles(before)) (void)r;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  Post("/v1/events", json{{"events", {{{"kind", "play"}, {"member", member}, {"title", title},
                                       {"time", now}, {"watch_fraction", 0.3}}}}}.dump());
  json after = Get("/v1/members/" + member + "/homepage?artwork=false");
  ASSERT_FALSE(after["rows"].empty());
  EXPECT_EQ(after["rows"][0]["kind"], "continue_watching") << after["rows"][0].dump();
  EXPECT_EQ(after["rows"][0]["titles"][0]["title"], title);
  // Finished (0.3 + 0.7): it leaves the row.
  Post("/v1/events", json{{"events", {{{"kind", "play"}, {"member", member}, {"title", title},
                                       {"time", now + 1}, {"watch_fraction", 0.7}}}}}.dump());
  json finished = Get("/v1/members/" + member + "/homepage?artwork=false");
  for (const auto& titles : PageTitles(finished)) {
    EXPECT_EQ(std::count(titles.begin(), titles.end(), title), 0);
  }
}

TEST_F(ServerHomepageTest, RegionMaturityAndExclusionsHoldOnEveryRow) {
  StartServer();
  // A region some titles are restricted to.
  std::string region;
  for (const Title& t : dataset().catalog.titles()) {
    if (!t.regions.empty()) {
      region = t.regions.front();
      break;
    }
  }
  ASSERT_FALSE(region.empty());
  // Members with short and long histories alike: every row kind has its say.
  // (A member who watched most of the few titles allowed may get no row.)
  uint32_t with_rows = 0;
  for (uint32_t m = 0; m < 40; ++m) {
    const std::string member(dataset().members.ExternalId(m));
    json page = Get("/v1/members/" + member + "/homepage?artwork=false&region=" + region + "&maturity=PG-13");
    with_rows += !page["rows"].empty();
    std::string excluded;
    for (const json& row : page["rows"]) {
      for (const json& tile : row["titles"]) {
        const std::string id = tile["title"];
        const Title& t = TitleOf(id);
        if (!t.regions.empty()) {
          EXPECT_NE(std::find(t.regions.begin(), t.regions.end(), region), t.regions.end())
              << member << ": " << id << " in row " << row["row_id"] << " is not available in " << region;
        }
        ASSERT_TRUE(MaturityLevel(t.maturity).has_value()) << id;
        EXPECT_LE(*MaturityLevel(t.maturity), *MaturityLevel("PG-13")) << member << ": " << id << " in "
                                                                      << row["row_id"];
        if (excluded.empty()) excluded = id;
      }
    }
    if (excluded.empty()) continue;
    json without = Get("/v1/members/" + member + "/homepage?artwork=false&exclude=" + excluded);
    for (const auto& titles : PageTitles(without)) {
      EXPECT_EQ(std::count(titles.begin(), titles.end(), excluded), 0) << member;
    }
  }
  EXPECT_GE(with_rows, 30u);
}

TEST_F(ServerHomepageTest, BadParametersAreRefusedNamingTheField) {
  StartServer();
  const std::string member = ActiveMember();
  const std::string base = "/v1/members/" + member + "/homepage?";
  EXPECT_EQ(ErrorField(Get(base + "rows=0", 400)), "rows");
  EXPECT_EQ(ErrorField(Get(base + "rows=101", 400)), "rows");
  EXPECT_EQ(ErrorField(Get(base + "per_row=abc", 400)), "per_row");
  EXPECT_EQ(ErrorField(Get(base + "device=fridge", 400)), "device");
  EXPECT_EQ(ErrorField(Get(base + "maturity=XYZ", 400)), "maturity");
  EXPECT_EQ(ErrorField(Get(base + "region=not-a-region", 400)), "region");
  // Well formed, but no title of the catalog is restricted to it: a typo,
  // not a country with only the titles available everywhere.
  json unknown_region = Get(base + "region=ZZ", 400);
  EXPECT_EQ(ErrorField(unknown_region), "region");
  EXPECT_NE(unknown_region.dump().find("expected one of"), std::string::npos) << unknown_region.dump();
  EXPECT_EQ(ErrorField(Get(base + "exclude=no-such-title", 400)), "exclude");
  EXPECT_EQ(ErrorField(Get(base + "artwork=maybe", 400)), "artwork");
}

TEST_F(ServerHomepageTest, PageConfigurationReloadsAtomicallyAndABadFileKeepsTheOld) {
  TempDir dir;
  page_config_ = dir.Write("page.yaml", "rows:\n  - kind: top_picks\n  - kind: trending\n");
  StartServer();
  const std::string member = ActiveMember();
  json page = Get("/v1/members/" + member + "/homepage?artwork=false&per_row=8");
  std::set<std::string> kinds;
  for (const json& row : page["rows"]) kinds.insert(row["kind"]);
  EXPECT_EQ(kinds, (std::set<std::string>{"top_picks", "trending"}));
  // A refused file: 400 naming the line, and the old configuration serves on.
  const std::string bad = dir.Write("bad.yaml", "rows:\n  - kind: top_picks\n  - kind: trending\n    bogus: 1\n");
  json refused = Post("/v1/page-config/reload", json{{"path", bad}}.dump(), 400);
  EXPECT_NE(refused.dump().find("bad.yaml:4"), std::string::npos) << refused.dump();
  json same = Get("/v1/members/" + member + "/homepage?artwork=false&per_row=8");
  EXPECT_EQ(same["rows"].size(), page["rows"].size());
  // A file that is not there, or an empty path: the caller's mistake (400).
  json missing = Post("/v1/page-config/reload", json{{"path", dir.File("absent.yaml")}}.dump(), 400);
  EXPECT_NE(missing.dump().find("absent.yaml"), std::string::npos) << missing.dump();
  EXPECT_EQ(ErrorField(Post("/v1/page-config/reload", json{{"path", ""}}.dump(), 400)), "path");
  // A good one swaps in.
  const std::string genres = dir.Write("genres.yaml", "rows:\n  - kind: genre\n    count: 3\n");
  json reloaded = Post("/v1/page-config/reload", json{{"path", genres}}.dump());
  EXPECT_EQ(reloaded["rows"], json::array({"genre"}));
  json genre_page = Get("/v1/members/" + member + "/homepage?artwork=false");
  ASSERT_FALSE(genre_page["rows"].empty());
  for (const json& row : genre_page["rows"]) EXPECT_EQ(row["kind"], "genre");
}

}  // namespace
}  // namespace marquee::test
