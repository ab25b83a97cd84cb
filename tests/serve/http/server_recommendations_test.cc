// The recommendation routes of a real server on loopback: happy paths,
// exclusions, filters, fold-in of live plays, the popularity fallback, and
// the errors a client gets for bad input.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "marquee/data/title_filter.h"
#include "../serve_test_fixture.h"

namespace marquee::test {
namespace {

using nlohmann::json;

std::string PercentEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

class ServerRecommendationsTest : public ServeFixture {
 protected:
  void SetUp() override {
    ServeFixture::SetUp();
    StartServer();
  }

  // A member with a history of a few titles.
  static std::string SomeMember() {
    for (uint32_t m = 0; m < dataset().members.size(); ++m) {
      if (dataset().interactions.RowLength(m) >= 5) return std::string(dataset().members.ExternalId(m));
    }
    return {};
  }

  static std::vector<std::string> Titles(const json& reply) {
    std::vector<std::string> titles;
    for (const json& item : reply["recommendations"]) titles.push_back(item["title"]);
    return titles;
  }

  static std::set<std::string> Watched(const std::string& member) {
    std::set<std::string> watched;
    uint32_t m = dataset().members.Find(member);
    for (uint32_t t : dataset().interactions.RowIndices(m)) {
      watched.insert(std::string(dataset().titles.ExternalId(t)));
    }
    return watched;
  }
};

TEST_F(ServerRecommendationsTest, MemberGetsRankedTitlesWithNames) {
  const std::string member = SomeMember();
  json reply = Get("/v1/members/" + member + "/recommendations?k=7");
  EXPECT_EQ(reply["member"], member);
  EXPECT_EQ(reply["model_version"], "itemknn-v1");
  EXPECT_EQ(reply["fallback"], false);
  ASSERT_EQ(reply["recommendations"].size(), 7u);
  for (size_t r = 0; r < 7; ++r) {
    const json& item = reply["recommendations"][r];
    EXPECT_EQ(item["rank"], r + 1);
    uint32_t title = dataset().titles.Find(item["title"].get<std::string>());
    ASSERT_NE(title, IdMap::kNotFound);
    EXPECT_EQ(item["name"], dataset().catalog.titles()[title].name);
    if (r > 0) EXPECT_LE(item["score"].get<double>(), reply["recommendations"][r - 1]["score"].get<double>());
  }
  EXPECT_EQ(Get("/v1/members/" + member + "/recommendations")["recommendations"].size(), 20u);
}

TEST_F(ServerRecommendationsTest, WatchedTitlesAreExcludedUnlessAsked) {
  const std::string member = SomeMember();
  const std::set<std::string> watched = Watched(member);
  for (const std::string& title : Titles(Get("/v1/members/" + member + "/recommendations?k=50"))) {
    EXPECT_EQ(watched.count(title), 0u) << title;
  }
  // Item-kNN scores a member's own titles high: without the exclusion some come back.
  std::vector<std::string> all = Titles(Get("/v1/members/" + member + "/recommendations?k=50&exclude_watched=false"));
  EXPECT_TRUE(std::any_of(all.begin(), all.end(), [&](const std::string& t) { return watched.count(t) > 0; }));
}

TEST_F(ServerRecommendationsTest, GenreAndMaturityFiltersHold) {
  const std::string member = SomeMember();
  const std::string genre = dataset().catalog.genres().front();
  json by_genre = Get("/v1/members/" + member + "/recommendations?k=30&genre=" + PercentEncode(genre));
  ASSERT_FALSE(by_genre["recommendations"].empty());
  for (const std::string& id : Titles(by_genre)) {
    const Title& title = dataset().catalog.titles()[dataset().titles.Find(id)];
    std::vector<std::string> genres;
    for (uint16_t g : title.genres) genres.push_back(dataset().catalog.genres()[g]);
    EXPECT_NE(std::find(genres.begin(), genres.end(), genre), genres.end()) << id;
  }
  json by_maturity = Get("/v1/members/" + member + "/recommendations?k=30&maturity=PG-13");
  ASSERT_FALSE(by_maturity["recommendations"].empty());
  for (const std::string& id : Titles(by_maturity)) {
    const Title& title = dataset().catalog.titles()[dataset().titles.Find(id)];
    ASSERT_TRUE(MaturityLevel(title.maturity).has_value()) << id;
    EXPECT_LE(*MaturityLevel(title.maturity), *MaturityLevel("PG-13")) << id << " " << title.maturity;
  }
}

TEST_F(ServerRecommendationsTest, BadQueryParametersNameTheField) {
  const std::string base = "/v1/members/" + SomeMember() + "/recommendations";
  EXPECT_EQ(ErrorField(Get(base + "?k=0", 400)), "k");
  EXPECT_EQ(ErrorField(Get(base + "?k=1001", 400)), "k");
  EXPECT_EQ(ErrorField(Get(base + "?k=ten", 400)), "k");
  EXPECT_EQ(ErrorField(Get(base + "?exclude_watched=maybe", 400)), "exclude_watched");
  EXPECT_EQ(ErrorField(Get(base + "?maturity=XXX", 400)), "maturity");
  EXPECT_EQ(ErrorField(Get(base + "?genre=NoSuchGenre", 400)), "genre");
  EXPECT_EQ(Get(base + "?genre=NoSuchGenre", 400)["error"]["code"], "invalid_argument");  // as before Status
  json reply = Get(base + "?k=0", 400);
  EXPECT_EQ(reply["error"]["code"], "invalid_field");
  EXPECT_NE(reply["error"]["message"].get<std::string>().find("1..1000"), std::string::npos);
}

TEST_F(ServerRecommendationsTest, UnknownMemberGetsPopularTitlesFlaggedAsFallback) {
  json reply = Get("/v1/members/nobody-at-all/recommendations?k=5");
  EXPECT_EQ(reply["fallback"], true);
  EXPECT_FALSE(reply["fallback_reason"].get<std::string>().empty());
  // The most watched title of the dataset leads.
  std::vector<uint32_t> counts = dataset().interactions.ColumnCounts();
  uint32_t top = static_cast<uint32_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  EXPECT_EQ(reply["recommendations"][0]["title"], std::string(dataset().titles.ExternalId(top)));
}

// Events may name titles and members the serving dataset does not know: they
// are stored for the next training. Live history ignores titles outside the
// model, so such a member still gets the fallback, and its reason must stay
// true (it said "no plays or ratings logged" after a logged play).
TEST_F(ServerRecommendationsTest, PlaysOfUnknownTitlesAreStoredAndTheFallbackReasonStaysTrue) {
  const std::string member = "newcomer-with-an-unknown-title";
  json events = {{"events", json::array({{{"kind", "play"},
                                          {"member", member},
                                          {"title", "title-not-in-this-dataset"},
                                          {"watch_fraction", 1.0}}})}};
  EXPECT_EQ(Post("/v1/events", events.dump())["accepted"], 1);
  Result<std::vector<Event>> stored = events_->MemberEvents(member);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].title_id, "title-not-in-this-dataset");

  json reply = Get("/v1/members/" + member + "/recommendations?k=5");
  EXPECT_EQ(reply["fallback"], true);
  const std::string reason = reply["fallback_reason"].get<std::string>();
  EXPECT_EQ(reason, "unknown member: not in the dataset and no plays or ratings of this model's titles logged");
  EXPECT_EQ(reply["recommendations"].size(), 5u);
}

TEST_F(ServerRecommendationsTest, PostedPlaysChangeTheNextRecommendations) {
  const std::string member = SomeMember();
  const std::vector<std::string> before = Titles(Get("/v1/members/" + member + "/recommendations?k=10"));
  ASSERT_EQ(before.size(), 10u);
  json events = {{"events", json::array()}};
  for (int i = 0; i < 3; ++i) {
    events["events"].push_back({{"kind", "play"}, {"member", member}, {"title", before[i]}, {"watch_fraction", 1.0}});
  }
  EXPECT_EQ(Post("/v1/events", events.dump())["accepted"], 3);
  const std::vector<std::string> after = Titles(Get("/v1/members/" + member + "/recommendations?k=10"));
  ASSERT_EQ(after.size(), 10u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(std::find(after.begin(), after.end(), before[i]), after.end()) << before[i];
  }
  EXPECT_NE(before, after);
}

TEST_F(ServerRecommendationsTest, NewMemberWithPlaysIsFoldedIn) {
  const std::string title(dataset().titles.ExternalId(0));
  Post("/v1/events", json({{"kind", "play"}, {"member", "brand-new"}, {"title", title}}).dump());
  json reply = Get("/v1/members/brand-new/recommendations?k=5");
  EXPECT_EQ(reply["fallback"], false);
  for (const std::string& t : Titles(reply)) EXPECT_NE(t, title);
}

TEST_F(ServerRecommendationsTest, HistoryIsFoldedIn) {
  const std::string a(dataset().titles.ExternalId(0)), b(dataset().titles.ExternalId(1));
  json reply = Post("/v1/recommendations", json({{"history", {a, b}}, {"k", 5}}).dump());
  ASSERT_EQ(reply["recommendations"].size(), 5u);
  EXPECT_EQ(reply["model_version"], "itemknn-v1");
  for (const std::string& t : Titles(reply)) {
    EXPECT_NE(t, a);
    EXPECT_NE(t, b);
  }
}

TEST_F(ServerRecommendationsTest, HistoryErrorsNameTheField) {
  const std::string a(dataset().titles.ExternalId(0));
  json unknown = Post("/v1/recommendations", json({{"history", {a, "no-such-title"}}}).dump(), 400);
  EXPECT_EQ(ErrorField(unknown), "history");
  EXPECT_EQ(unknown["error"]["code"], "unknown_titles");
  EXPECT_NE(unknown["error"]["message"].get<std::string>().find("no-such-title"), std::string::npos);
  EXPECT_EQ(Post("/v1/recommendations", "{not json", 400)["error"]["code"], "malformed_json");
  EXPECT_EQ(ErrorField(Post("/v1/recommendations", R"({"history": "x"})", 400)), "history");
  EXPECT_EQ(ErrorField(Post("/v1/recommendations", R"({"history": [true]})", 400)), "history[0]");
  EXPECT_EQ(ErrorField(Post("/v1/recommendations", R"({"history": [], "k": 0})", 400)), "k");
  EXPECT_EQ(ErrorField(Post("/v1/recommendations", R"({"history": [], "k": "5"})", 400)), "k");
  EXPECT_EQ(ErrorField(Post("/v1/recommendations", R"({"k": 5})", 400)), "history");
  EXPECT_EQ(ErrorField(Post("/v1/recommendations", R"({"history": [], "colour": 1})", 400)), "colour");
  EXPECT_EQ(ErrorField(Post("/v1/recommendations", R"([1, 2])", 400)), "body");
}

TEST_F(ServerRecommendationsTest, SimilarTitlesLeaveTheTitleOut) {
  const std::string title(dataset().titles.ExternalId(3));
  json reply = Get("/v1/titles/" + title + "/similar?k=8");
  EXPECT_EQ(reply["title"], title);
  ASSERT_EQ(reply["recommendations"].size(), 8u);
  for (const std::string& t : Titles(reply)) EXPECT_NE(t, title);
  json missing = Get("/v1/titles/no-such-title/similar", 404);
  EXPECT_EQ(missing["error"]["code"], "not_found");
  EXPECT_EQ(ErrorField(missing), "title");
  EXPECT_EQ(ErrorField(Get("/v1/titles/" + title + "/similar?k=-1", 400)), "k");
}

}  // namespace
}  // namespace marquee::test

namespace marquee::test {
namespace {

// The `k` most watched titles of the dataset, ties to the lower index: what
// the popularity fallback answers.
std::vector<std::string> MostWatched(const Dataset& dataset, size_t k, const std::set<std::string>& skip = {}) {
  std::vector<uint32_t> counts = dataset.interactions.ColumnCounts();
  std::vector<uint32_t> order(counts.size());
  for (uint32_t t = 0; t < order.size(); ++t) order[t] = t;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return counts[a] > counts[b]; });
  std::vector<std::string> out;
  for (uint32_t t : order) {
    std::string id(dataset.titles.ExternalId(t));
    if (skip.contains(id)) continue;
    if (out.size() == k) break;
    out.push_back(std::move(id));
  }
  return out;
}

// Issue 10: an empty history answered 200, not flagged, every title scored 0
// in catalog order. Every path with no member signal now answers the
// popularity list, flagged, with a reason.
TEST_F(ServerRecommendationsTest, EmptyHistoryGetsPopularTitlesFlaggedAsFallback) {
  json reply = Post("/v1/recommendations", R"({"history": [], "k": 2})");
  EXPECT_EQ(reply["fallback"], true);
  EXPECT_EQ(reply["retrieval"], "popularity");
  EXPECT_NE(reply["fallback_reason"].get<std::string>().find("empty history"), std::string::npos);
  EXPECT_EQ(Titles(reply), MostWatched(dataset(), 2));
  EXPECT_GT(reply["recommendations"][0]["score"].get<double>(), 0.0);
  // A history of only unknown titles stays a client error naming history.
  json unknown = Post("/v1/recommendations", R"({"history": ["no-such-title"], "k": 2})", 400);
  EXPECT_EQ(ErrorField(unknown), "history");
  EXPECT_EQ(unknown["error"]["code"], "unknown_titles");
}

TEST_F(ServerRecommendationsTest, MemberWithOnlyImpressionsAndClicksGetsTheFallback) {
  const std::string title(dataset().titles.ExternalId(0));
  json events = {{"events",
                  {{{"kind", "impression"}, {"member", "window-shopper"}, {"title", title}, {"artwork", "a"},
                    {"propensity", 0.5}, {"impression_id", "i-1"}},
                   {{"kind", "click"}, {"member", "window-shopper"}, {"title", title}}}}};
  Post("/v1/events", events.dump());
  json reply = Get("/v1/members/window-shopper/recommendations?k=3&artwork=false");
  EXPECT_EQ(reply["fallback"], true);
  EXPECT_EQ(reply["retrieval"], "popularity");
  EXPECT_FALSE(reply["fallback_reason"].get<std::string>().empty());
  EXPECT_EQ(Titles(reply), MostWatched(dataset(), 3));
}

// A model trained with a minimum rating no play reaches: every known
// member's history is filtered out of what the model scores.
TEST_F(ServerRecommendationsTest, KnownMemberWithNoPositiveTitleGetsTheFallback) {
  Result<std::unique_ptr<Recommender>> model = CreateRecommender("itemknn", Parameters{});
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE((*model)->Fit(dataset().interactions, TrainContext{}).ok());
  ModelInfo info;
  info.model = "itemknn";
  info.parameters = (*model)->parameters();
  info.members = dataset().members.size();
  info.titles = dataset().titles.size();
  info.version = "unreachable-min-rating";
  info.has_min_rating = true;
  info.min_rating = 1e9f;
  TempDir dir;
  ASSERT_TRUE(SaveModel(**model, info, dataset().members, dataset().titles, dir.File("m")).ok());
  OpenModels(dir.File("m"));
  StartServer();
  const std::string member = SomeMember();
  json reply = Get("/v1/members/" + member + "/recommendations?k=4&artwork=false");
  EXPECT_EQ(reply["fallback"], true);
  EXPECT_EQ(reply["retrieval"], "popularity");
  EXPECT_NE(reply["fallback_reason"].get<std::string>().find("no member signal"), std::string::npos);
  // Still leaves out what the member watched.
  EXPECT_EQ(Titles(reply), MostWatched(dataset(), 4, Watched(member)));
  // Watched or not, a new low-rated play is no signal either.
  const std::string title(dataset().titles.ExternalId(0));
  Post("/v1/events", json({{"kind", "rating"}, {"member", "low-rater"}, {"title", title}, {"rating", 1.0}}).dump());
  json low = Get("/v1/members/low-rater/recommendations?k=4&artwork=false");
  EXPECT_EQ(low["fallback"], true);
  EXPECT_EQ(Titles(low), MostWatched(dataset(), 4, {title}));
}

// Path ids are percent-decoded, UTF-8 included; an encoded slash decodes to
// a path separator, so that path has no route (as under cpp-httplib).
// A repeated single-valued query parameter takes its first value.
TEST_F(ServerRecommendationsTest, PercentEncodedIdsAndRepeatedParameters) {
  json accented = Get("/v1/members/caf%C3%A9%20au%20lait/recommendations?k=2&artwork=false");
  EXPECT_EQ(accented["member"], "caf\u00e9 au lait");
  EXPECT_EQ(accented["recommendations"].size(), 2u);
  json title = Get("/v1/titles/no%2Fsuch/similar?k=2", 404);
  EXPECT_EQ(title["error"]["code"], "not_found");
  EXPECT_NE(title["error"]["message"].get<std::string>().find("no route for GET /v1/titles/no/such/similar"),
            std::string::npos);
  const std::string member = SomeMember();
  json first = Get("/v1/members/" + member + "/recommendations?k=3&k=5&artwork=false");
  EXPECT_EQ(first["recommendations"].size(), 3u);
  Get("/v1/members/" + member + "/recommendations?k=3&k=x", 200);
  json bad = Get("/v1/members/" + member + "/recommendations?k=x&k=3", 400);
  EXPECT_EQ(ErrorField(bad), "k");
}

}  // namespace
}  // namespace marquee::test
