// POST /v1/titles on a real server (issue 15 §2): new titles are recommended
// from the next request, logged durably, served again after a restart, and
// every refusal names what was wrong and adds nothing.
#include <cmath>
#include <ctime>

#include "../serve_test_fixture.h"
#include "marquee/util/civil_time.h"

namespace marquee::test {
namespace {

using nlohmann::json;

constexpr const char* kTwoTitles =
    R"({"title": "new-1", "name": "Heist", "genres": ["Comedy"], "year": 2026, "runtime_minutes": 95})" "\n"
    R"({"title": "new-2", "genres": ["Horror", "Nonesuch"], "maturity": "R"})" "\n";

class ServerTitlesTest : public ServeFixture {
 protected:
  static std::string Member(uint32_t m) { return std::string(dataset().members.ExternalId(m)); }
  // The member's full ranked list: title id -> (rank, score).
  std::map<std::string, std::pair<int, double>> Ranked(uint32_t member) {
    const uint32_t all = models_->Current()->model().title_count();
    json list = Get("/v1/members/" + Member(member) + "/recommendations?k=" + std::to_string(all));
    std::map<std::string, std::pair<int, double>> out;
    for (const json& r : list["recommendations"]) out[r["title"]] = {r["rank"].get<int>(), r["score"].get<double>()};
    return out;
  }
};

TEST_F(ServerTitlesTest, AddedTitlesAreRecommendedAtOnceAndSurviveARestart) {
  OpenModels(IalsDir());
  StartServer();
  const uint32_t n = dataset().titles.size();
  EXPECT_EQ(Ranked(0).count("new-1"), 0u);
  json added = Post("/v1/titles", kTwoTitles, 201);
  ASSERT_EQ(added["added"].size(), 2u);
  EXPECT_EQ(added["added"][0]["title"], "new-1");
  EXPECT_GE(added["added"][0]["features"].get<int>(), 3);
  EXPECT_EQ(added["added"][1]["unknown"], json::array({"genre:Nonesuch"}));
  EXPECT_EQ(added["model"]["added_titles"], 2);
  EXPECT_EQ(added["model"]["titles"], n + 2);
  EXPECT_EQ(Get("/v1/models")["version"], "ials-v1+2titles");

  // Scored for every member, differently: each new title ranks at different
  // places for the first members.
  std::set<int> ranks;
  for (uint32_t m = 0; m < 10; ++m) {
    auto list = Ranked(m);
    ASSERT_EQ(list.count("new-1"), 1u) << m;
    ASSERT_EQ(list.count("new-2"), 1u) << m;
    EXPECT_TRUE(std::isfinite(list["new-1"].second));
    ranks.insert(list["new-1"].first);
  }
  EXPECT_GT(ranks.size(), 3u);
  // A play of a new title is history like any other: it is no longer recommended.
  Post("/v1/events", json({{"kind", "play"}, {"member", Member(0)}, {"title", "new-1"}}).dump());
  EXPECT_EQ(Ranked(0).count("new-1"), 0u);
  // No artwork yet, said as such.
  json artwork = Get("/v1/members/" + Member(0) + "/artwork?titles=new-2", 404);
  EXPECT_NE(artwork["error"]["message"].get<std::string>().find("added while serving"), std::string::npos);

  // A restart replays the title log: the same titles, the same scores.
  const auto before = Ranked(3);
  server_->Stop();
  OpenModels(IalsDir());
  ASSERT_TRUE(serve::ReplayTitleLog(*events_, "events.db", *models_).ok());
  StartServer();
  EXPECT_EQ(Get("/v1/models")["added_titles"], 2);
  const auto after = Ranked(3);
  ASSERT_EQ(after.count("new-2"), 1u);
  EXPECT_EQ(after.at("new-2"), before.at("new-2"));
}

TEST_F(ServerTitlesTest, RefusalsNameTheProblemAndAddNothing) {
  OpenModels(IalsDir());
  serve::ServerOptions options;
  options.admin_token = "s3cret";
  StartServer(options);
  const httplib::Headers admin = {{"Authorization", "Bearer s3cret"}};
  EXPECT_EQ(ErrorField(Post("/v1/titles", kTwoTitles, 401)), "Authorization");
  json bad_line = Post("/v1/titles", std::string(kTwoTitles) + R"({"title": "new-3", "year": "soon"})", 400, admin);
  EXPECT_EQ(ErrorField(bad_line), "year");
  EXPECT_NE(bad_line["error"]["message"].get<std::string>().find("body:3: year: expected an integer"),
            std::string::npos)
      << bad_line;
  EXPECT_EQ(ErrorField(Post("/v1/titles", R"({"name": "no id"})", 400, admin)), "title");
  EXPECT_EQ(Post("/v1/titles", "", 400, admin)["error"]["message"], "body: expected one title a line, found none");
  EXPECT_EQ(Post("/v1/titles", "{nope", 400, admin)["error"]["message"],
            "body:1: expected a JSON object, found text that is not JSON");
  std::string many;
  for (int i = 0; i <= 1000; ++i) many += R"({"title": "x)" + std::to_string(i) + "\"}\n";
  EXPECT_NE(Post("/v1/titles", many, 400, admin)["error"]["message"].get<std::string>().find("at most 1000"),
            std::string::npos);
  EXPECT_EQ(Get("/v1/models")["added_titles"], 0);
  EXPECT_TRUE(events_->AddedTitles()->empty());

  Post("/v1/titles", kTwoTitles, 201, admin);
  const std::string known = std::string(dataset().titles.ExternalId(4));
  json duplicate = Post("/v1/titles", R"({"title": "new-9"})" "\n" R"({"title": ")" + known + "\"}", 409, admin);
  EXPECT_EQ(duplicate["error"]["code"], "already_exists");
  EXPECT_EQ(ErrorField(duplicate), "title");
  EXPECT_EQ(Post("/v1/titles", R"({"title": "new-2"})", 409, admin)["error"]["code"], "already_exists");
  EXPECT_EQ(Get("/v1/models")["added_titles"], 2);
  EXPECT_EQ(events_->AddedTitles()->size(), 2u);
}

TEST_F(ServerTitlesTest, AModelWithoutFactorsRefusesTitlesAndTheLogStaysEmpty) {
  StartServer();  // item-kNN
  json refused = Post("/v1/titles", kTwoTitles, 422);
  EXPECT_EQ(ErrorField(refused), "model");
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("no title added"), std::string::npos) << refused;
  EXPECT_TRUE(events_->AddedTitles()->empty());
}

// An experiment created after titles were added: a cell's own factor model
// gets them too; a cell model without factors answers for the trained
// catalog alone.
TEST_F(ServerTitlesTest, ExperimentCellsServeTheTitlesAddedBeforeThem) {
  OpenModels(IalsDir());
  with_experiments_ = true;
  StartServer();
  Post("/v1/titles", kTwoTitles, 201);
  const int64_t today = UnixDay(static_cast<int64_t>(std::time(nullptr)));
  const json spec = {{"name", "titles"},
                     {"layer", "ranking"},
                     {"start", FormatCivilDate(today)},
                     {"end", FormatCivilDate(today + 7)},
                     {"cells", json::array({{{"name", "ials"}, {"share", 0.5}, {"model", IalsDir()}},
                                            {{"name", "knn"}, {"share", 0.5}, {"model", KnnDir()}}})}};
  Post("/v1/experiments", spec.dump(), 201);
  std::set<std::string> versions;
  const uint32_t all = dataset().titles.size() + 2;
  for (uint32_t m = 0; m < 20; ++m) {
    json list = Get("/v1/members/" + Member(m) + "/recommendations?k=" + std::to_string(all));
    const std::string version = list["model_version"];
    versions.insert(version);
    bool has_new = false;
    for (const json& r : list["recommendations"]) has_new = has_new || r["title"] == "new-1";
    EXPECT_EQ(has_new, version == "ials-v1+2titles") << version;
  }
  EXPECT_EQ(versions, (std::set<std::string>{"ials-v1+2titles", "itemknn-v1"}));
}

TEST_F(ServerTitlesTest, AnUnreadableTitleLogIsNamedAtStart) {
  OpenModels(IalsDir());
  ASSERT_TRUE(events_->AppendAddedTitles(std::vector<AddedTitleRecord>{{"t-bad", "not json", 1}}).ok());
  Status replay = serve::ReplayTitleLog(*events_, "ev.db", *models_);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.code(), Status::Code::kCorruption);
  EXPECT_NE(replay.message().find("ev.db: title log, title t-bad"), std::string::npos) << replay.ToString();
}

}  // namespace
}  // namespace marquee::test
