// The artwork routes of a real server: choices with propensities, logged as
// impressions before the answer, learned from the plays that follow.
#include <set>
#include <string>
#include <vector>

#include "../serve_test_fixture.h"
#include "marquee/util/civil_time.h"

#include <ctime>

namespace marquee::test {
namespace {

using nlohmann::json;

class ServerArtworkTest : public ServeFixture {
 protected:
  static std::string Member(uint32_t index) { return std::string(dataset().members.ExternalId(index)); }
  static std::string TitleId(uint32_t index) { return std::string(dataset().titles.ExternalId(index)); }
  // Titles with at least two variants.
  static std::vector<uint32_t> ArtTitles(size_t n) {
    std::vector<uint32_t> out;
    for (uint32_t t = 0; t < dataset().titles.size() && out.size() < n; ++t) {
      if (dataset().catalog.titles()[t].artwork.size() >= 2) out.push_back(t);
    }
    return out;
  }
  static std::string TitleList(const std::vector<uint32_t>& titles) {
    std::string list;
    for (uint32_t t : titles) list += (list.empty() ? "" : ",") + TitleId(t);
    return list;
  }
};

TEST_F(ServerArtworkTest, ChoosesVariantsAndLogsImpressions) {
  StartServer({}, {.policy = "uniform"});
  const std::vector<uint32_t> titles = ArtTitles(5);
  ASSERT_EQ(titles.size(), 5u);
  json reply = Get("/v1/members/" + Member(3) + "/artwork?titles=" + TitleList(titles));
  ASSERT_EQ(reply["artwork"].size(), 5u);
  EXPECT_EQ(reply["policy"], "uniform");
  std::set<std::string> ids;
  for (size_t i = 0; i < titles.size(); ++i) {
    const json& item = reply["artwork"][i];
    EXPECT_EQ(item["title"], TitleId(titles[i]));
    const Title& title = dataset().catalog.titles()[titles[i]];
    std::set<std::string> variants;
    for (const Artwork& a : title.artwork) variants.insert(a.id);
    EXPECT_TRUE(variants.contains(item["artwork"]["id"].get<std::string>()));
    EXPECT_DOUBLE_EQ(item["artwork"]["propensity"].get<double>(), 1.0 / title.artwork.size());
    ids.insert(item["artwork"]["impression_id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), 5u);  // distinct impression ids
  // Logged before the answer: the store has them, with the same ids.
  Result<std::vector<Event>> stored = events_->MemberEvents(Member(3));
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 5u);
  for (const Event& e : *stored) {
    EXPECT_EQ(e.kind, EventKind::kImpression);
    EXPECT_TRUE(ids.contains(e.impression_id));
    ASSERT_TRUE(e.propensity.has_value());
  }
}

TEST_F(ServerArtworkTest, RecommendationsCarryArtworkUnlessAskedNot) {
  StartServer({}, {.policy = "thompson"});
  json with = Get("/v1/members/" + Member(7) + "/recommendations?k=6");
  ASSERT_EQ(with["recommendations"].size(), 6u);
  size_t with_art = 0;
  for (const json& item : with["recommendations"]) {
    ASSERT_TRUE(item.contains("artwork"));
    if (!item["artwork"].is_null()) {
      ++with_art;
      EXPECT_GT(item["artwork"]["propensity"].get<double>(), 0.0);
      EXPECT_LE(item["artwork"]["propensity"].get<double>(), 1.0);
    }
  }
  EXPECT_EQ(events_->Count().value(), with_art);
  json without = Get("/v1/members/" + Member(7) + "/recommendations?k=6&artwork=false");
  EXPECT_FALSE(without["recommendations"][0].contains("artwork"));
  EXPECT_EQ(events_->Count().value(), with_art);
  EXPECT_EQ(ErrorField(Get("/v1/members/" + Member(7) + "/recommendations?artwork=perhaps", 400)), "artwork");
}

// preview=true (the dashboard's look at a member): the same list and the
// policy's artwork, with nothing logged, counted or held -- and an experiment
// running does not expose the member.
TEST_F(ServerArtworkTest, PreviewChoosesArtworkWithoutSideEffects) {
  with_experiments_ = true;
  TempDir dir;
  page_config_ = dir.Write("page.yaml", "rows:\n  - kind: top_picks\n  - kind: trending\n");
  StartServer({}, {.policy = "thompson"});
  const int64_t today = UnixDay(static_cast<int64_t>(std::time(nullptr)));
  Post("/v1/experiments", json({{"name", "p"}, {"layer", "ranking"}, {"start", FormatCivilDate(today)},
                                {"end", FormatCivilDate(today + 7)},
                                {"cells", json::array({{{"name", "a"}, {"share", 0.5}},
                                                       {{"name", "b"}, {"share", 0.5}, {"model", PopularityDir()}}})}})
                              .dump(),
       201);
  const std::string decisions_before = Get("/v1/artwork/policy")["decisions"].dump();
  json preview = Get("/v1/members/" + Member(7) + "/recommendations?k=6&preview=true");
  ASSERT_EQ(preview["recommendations"].size(), 6u);
  EXPECT_FALSE(preview.contains("experiments"));
  size_t with_art = 0;
  for (const json& item : preview["recommendations"]) {
    if (item["artwork"].is_null()) continue;
    ++with_art;
    EXPECT_EQ(item["artwork"]["impression_id"], "");
  }
  EXPECT_GT(with_art, 0u);
  json page = Get("/v1/members/" + Member(7) + "/homepage?preview=true&rows=2");
  ASSERT_FALSE(page["rows"].empty());
  EXPECT_FALSE(page.contains("experiments"));
  EXPECT_TRUE(page["rows"][0]["titles"][0].contains("artwork"));
  EXPECT_EQ(events_->Count().value(), 0u);  // no impression, no exposure
  EXPECT_EQ(Get("/v1/artwork/policy")["decisions"].dump(), decisions_before);
  EXPECT_EQ(ErrorField(Get("/v1/members/" + Member(7) + "/recommendations?preview=maybe", 400)), "preview");
}

// Anonymous history requests ask for artwork with a session id: impressions
// are logged under it, and without it the request names the field.
TEST_F(ServerArtworkTest, AnonymousHistoryGetsArtworkUnderItsSessionId) {
  StartServer({}, {.policy = "thompson"});
  const std::string history = R"("history": [")" + TitleId(0) + R"(", ")" + TitleId(1) + R"("], "k": 5)";
  json plain = Post("/v1/recommendations", "{" + history + "}");
  EXPECT_FALSE(plain["recommendations"][0].contains("artwork"));  // off unless asked
  EXPECT_EQ(events_->Count().value(), 0u);

  json with = Post("/v1/recommendations", "{" + history + R"(, "artwork": true, "session_id": "s-42"})");
  EXPECT_EQ(with["session_id"], "s-42");
  ASSERT_EQ(with["recommendations"].size(), 5u);
  size_t with_art = 0;
  for (const json& item : with["recommendations"]) {
    ASSERT_TRUE(item.contains("artwork"));
    if (!item["artwork"].is_null()) ++with_art;
  }
  ASSERT_GT(with_art, 0u);
  std::vector<Event> logged = events_->MemberEvents("s-42").value();
  ASSERT_EQ(logged.size(), with_art);
  for (const Event& e : logged) {
    EXPECT_EQ(e.kind, EventKind::kImpression);
    EXPECT_FALSE(e.impression_id.empty());
  }

  for (const char* bad : {R"(, "artwork": true})", R"(, "artwork": true, "session_id": ""})"}) {
    EXPECT_EQ(ErrorField(Post("/v1/recommendations", "{" + history + bad, 400)), "session_id") << bad;
  }
  EXPECT_EQ(ErrorField(Post("/v1/recommendations", "{" + history + R"(, "artwork": "yes"})", 400)), "artwork");
  EXPECT_EQ(events_->Count().value(), with_art);  // nothing logged for refused requests
}

TEST_F(ServerArtworkTest, PlaysAfterImpressionsAreLearned) {
  StartServer({}, {.policy = "linucb"});
  const std::vector<uint32_t> titles = ArtTitles(3);
  json reply = Get("/v1/members/" + Member(11) + "/artwork?titles=" + TitleList(titles));
  json before = Get("/v1/artwork/policy");
  EXPECT_EQ(before["decisions"], 3);
  EXPECT_EQ(before["pending"], 3);
  EXPECT_EQ(before["updates"], 0);
  // One play by the member of the first title (within the window) and one
  // click naming the second impression.
  const std::string play = R"({"kind": "play", "member": ")" + Member(11) + R"(", "title": ")" +
                           TitleId(titles[0]) + R"("})";
  const std::string click = R"({"kind": "click", "member": ")" + Member(11) + R"(", "title": ")" +
                            TitleId(titles[1]) + R"(", "impression_id": ")" +
                            reply["artwork"][1]["artwork"]["impression_id"].get<std::string>() + R"("})";
  Post("/v1/events", R"({"events": [)" + play + "," + click + "]}");
  json after = Get("/v1/artwork/policy");
  EXPECT_EQ(after["updates"], 2);
  EXPECT_EQ(after["rewarded"], 2);
  EXPECT_EQ(after["pending"], 1);
}

TEST_F(ServerArtworkTest, ExpiredImpressionsAreLearnedAsNoPlay) {
  StartServer({}, {.policy = "epsilon-greedy", .reward_window_seconds = 0});
  Get("/v1/members/" + Member(2) + "/artwork?titles=" + TitleList(ArtTitles(2)));
  // A window of 0 s: by the next second they have expired; any later event
  // sweeps them.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  Post("/v1/events", R"({"kind": "rating", "member": "someone", "title": ")" + TitleId(0) + R"(", "rating": 4})");
  json stats = Get("/v1/artwork/policy");
  EXPECT_EQ(stats["updates"], 2);
  EXPECT_EQ(stats["rewarded"], 0);
  EXPECT_EQ(stats["pending"], 0);
}

TEST_F(ServerArtworkTest, BadRequestsNameTheField) {
  StartServer({}, {.policy = "uniform"});
  const std::string base = "/v1/members/" + Member(1) + "/artwork";
  EXPECT_EQ(ErrorField(Get(base, 400)), "titles");
  EXPECT_EQ(ErrorField(Get(base + "?titles=,,", 400)), "titles");
  json unknown = Get(base + "?titles=" + TitleId(0) + ",no-such-title", 404);
  EXPECT_EQ(ErrorField(unknown), "titles");
  EXPECT_NE(unknown.dump().find("no-such-title"), std::string::npos);
  std::vector<uint32_t> many;
  for (uint32_t t = 0; t < 120; ++t) many.push_back(t);
  std::string list = TitleList(many) + "," + TitleList(many);  // 240 titles
  EXPECT_EQ(ErrorField(Get(base + "?titles=" + list, 400)), "titles");
  EXPECT_EQ(events_->Count().value(), 0u);  // nothing logged for refused requests
}

TEST_F(ServerArtworkTest, WithoutAPolicyTheRoutesSaySo) {
  StartServer({}, {.policy = ""});
  EXPECT_EQ(Get("/v1/artwork/policy", 503)["error"]["code"], "artwork_disabled");
  json recs = Get("/v1/members/" + Member(1) + "/recommendations?k=3");
  EXPECT_FALSE(recs["recommendations"][0].contains("artwork"));
}

TEST(ArtworkServiceTest, RefusesUnknownPoliciesAndBadFiles) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  Result<std::unique_ptr<serve::ArtworkService>> bad =
      serve::OpenArtworkService(*dataset, "bandit-of-doom", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("thompson"), std::string::npos);  // lists the known kinds
  Result<std::unique_ptr<serve::ArtworkService>> missing =
      serve::OpenArtworkService(*dataset, "/no/such/policy.mqp", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/no/such/policy.mqp"), std::string::npos);
}

}  // namespace
}  // namespace marquee::test
