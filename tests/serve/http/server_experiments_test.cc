// Experiments on a real server (127.0.0.1): the admin routes and their
// refusals, cells shaping answers and named in them, exposures logged once
// per member and experiment under concurrent requests (and across a
// restart), interleaved lists with team-tagged impressions credited by the
// interleaving report, artwork and page-configuration cells, and the rule
// that a parameter belongs to one layer.
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "marquee/bandit/policy.h"
#include "marquee/experiment/allocation.h"
#include "marquee/experiment/experiment_registry.h"
#include "marquee/experiment/interleaving_report.h"
#include "marquee/experiment/report.h"
#include "marquee/util/civil_time.h"
#include "../serve_test_fixture.h"

namespace marquee::test {
namespace {

using nlohmann::json;

constexpr const char* kToken = "s3cret";

class ServerExperimentsTest : public ServeFixture {
 protected:
  void SetUp() override {
    ServeFixture::SetUp();
    with_experiments_ = true;
  }
  void Start(ArtworkSetup artwork = {.policy = ""}) {
    serve::ServerOptions options;
    options.admin_token = kToken;
    StartServer(options, artwork);
  }
  static httplib::Headers Admin() { return {{"Authorization", std::string("Bearer ") + kToken}}; }
  // An experiment running now: from today (UTC) for a week.
  static json Spec(const std::string& name, json cells, const std::string& layer = "ranking") {
    const int64_t today = UnixDay(static_cast<int64_t>(std::time(nullptr)));
    return {{"name", name},
            {"layer", layer},
            {"start", FormatCivilDate(today)},
            {"end", FormatCivilDate(today + 7)},
            {"cells", std::move(cells)}};
  }
  json Create(const json& spec, int status = 201) { return Post("/v1/experiments", spec.dump(), status, Admin()); }
  std::string Member(uint32_t m) const { return std::string(dataset().members.ExternalId(m)); }
  // Every exposure stored, as (experiment, member) pairs (duplicates kept).
  std::vector<std::pair<std::string, std::string>> Exposures() const {
    Result<std::vector<std::pair<std::string, std::string>>> keys = events_->ExposureKeys();
    EXPECT_TRUE(keys.ok()) << keys.status().ToString();
    return keys.ok() ? *keys : std::vector<std::pair<std::string, std::string>>{};
  }
  std::vector<Event> MemberEvents(const std::string& member) const {
    Result<std::vector<Event>> events = events_->MemberEvents(member);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    return events.ok() ? *events : std::vector<Event>{};
  }
};

TEST_F(ServerExperimentsTest, AdminRoutesCreateListAndStopAndRefuseWithTheField) {
  Start();
  const json spec = Spec("knn-vs-ials", json::array({{{"name", "control"}, {"share", 0.5}},
                                                      {{"name", "ials"}, {"share", 0.5}, {"model", IalsDir()}}}));
  // Admin only.
  EXPECT_EQ(Post("/v1/experiments", spec.dump(), 401)["error"]["field"], "Authorization");
  EXPECT_EQ(Get("/v1/experiments", 401)["error"]["field"], "Authorization");

  json created = Create(spec);
  EXPECT_EQ(created["name"], "knn-vs-ials");
  EXPECT_EQ(created["status"], "running");
  EXPECT_EQ(created["bucket_range"], json::array({0, 10000}));
  EXPECT_TRUE(created["stopped_at"].is_null());
  // The served catalog is recorded, for reports to check their dataset against.
  EXPECT_EQ(created["catalog"], experiment::CatalogFingerprintHex(dataset().titles, dataset().catalog));
  json other_catalog = spec;
  other_catalog["name"] = "other-catalog";
  other_catalog["catalog"] = "0123456789abcdef";
  EXPECT_EQ(ErrorField(Create(other_catalog, 400)), "catalog");

  // A cell whose model does not load is refused at creation, naming the
  // cell's field, and nothing is stored.
  json bad_model = Spec("broken", json::array({{{"name", "control"}, {"share", 0.5}},
                                                {{"name", "gone"}, {"share", 0.5}, {"model", "/no/such/model"}}}));
  json refused = Create(bad_model, 400);
  EXPECT_EQ(ErrorField(refused), "cells[1].model") << refused.dump();
  EXPECT_NE(refused.dump().find("/no/such/model"), std::string::npos) << refused.dump();
  // The name is taken; the layer is full; shares do not sum to 1; not JSON.
  EXPECT_EQ(ErrorField(Create(spec, 400)), "name");
  json full = spec;
  full["name"] = "second";
  EXPECT_EQ(ErrorField(Create(full, 400)), "traffic");
  json shares = Spec("shares", json::array({{{"name", "control"}, {"share", 0.7}}, {{"name", "b"}, {"share", 0.7}}}),
                     "other");
  EXPECT_FALSE(ErrorField(Create(shares, 400)).empty());
  EXPECT_FALSE(Post("/v1/experiments", "{not json", 400, Admin())["error"]["message"].get<std::string>().empty());

  auto result = Client()->Get("/v1/experiments", Admin());
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  json listed = json::parse(result->body);
  ASSERT_EQ(listed["experiments"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["experiments"][0]["cells"][1]["model"], IalsDir());
  // It stops now: a body asking for something else is refused, not ignored.
  EXPECT_EQ(ErrorField(Post("/v1/experiments/knn-vs-ials/stop", R"({"at": "2026-12-05"})", 400, Admin())), "body");
  json stopped = Post("/v1/experiments/knn-vs-ials/stop", "{}", 200, Admin());
  EXPECT_EQ(stopped["status"], "stopped");
  EXPECT_FALSE(stopped["stopped_at"].is_null());
  EXPECT_EQ(ErrorField(Post("/v1/experiments/knn-vs-ials/stop", "", 400, Admin())), "name");
  EXPECT_EQ(ErrorField(Post("/v1/experiments/nobody/stop", "", 404, Admin())), "name");
  // Stopped: nobody is allocated any more.
  json list = Get("/v1/members/" + Member(0) + "/recommendations?artwork=false");
  EXPECT_FALSE(list.contains("experiments")) << list.dump();
}

TEST_F(ServerExperimentsTest, ARelativePathIsTheServersAndIsStoredAbsolute) {
  Start();
  const std::string relative = std::filesystem::relative(IalsDir()).string();
  ASSERT_NE(relative.front(), '/');
  json created = Create(Spec("relative", json::array({{{"name", "control"}, {"share", 0.5}},
                                                      {{"name", "ials"}, {"share", 0.5}, {"model", relative}}})));
  const std::string stored = created["cells"][1]["model"];
  EXPECT_EQ(stored, std::filesystem::absolute(IalsDir()).lexically_normal().string());
  // The store holds the same absolute path, for a server started elsewhere.
  Result<experiment::PlacedExperiment> placed = experiment::FindExperiment(*events_, "relative");
  ASSERT_TRUE(placed.ok());
  EXPECT_EQ(placed->spec.cells[1].model, stored);
}

TEST_F(ServerExperimentsTest, EachMemberGetsTheirCellsModelAndTheAnswerNamesIt) {
  Start();
  const json spec = Spec("knn-vs-ials", json::array({{{"name", "control"}, {"share", 0.5}},
                                                      {{"name", "ials"}, {"share", 0.5}, {"model", IalsDir()}}}));
  Create(spec);
  Result<experiment::ExperimentSpec> parsed = experiment::ParseExperimentSpec(spec.dump(), "spec");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  std::map<std::string, int> cells;
  for (uint32_t m = 0; m < 60; ++m) {
    const std::string member = Member(m);
    json list = Get("/v1/members/" + member + "/recommendations?artwork=false&k=5");
    ASSERT_EQ(list["experiments"].size(), 1u) << list.dump();
    const std::string cell = list["experiments"][0]["cell"];
    EXPECT_EQ(list["experiments"][0]["experiment"], "knn-vs-ials");
    // The allocation is the documented hash, computed here independently of the server.
    EXPECT_EQ(cell, parsed->cells[experiment::CellOf(*parsed, member)].name) << member;
    EXPECT_EQ(list["model_version"], cell == "control" ? "itemknn-v1" : "ials-v1") << member;
    ++cells[cell];
    // The same member, the same cell, every time.
    EXPECT_EQ(Get("/v1/members/" + member + "/recommendations?artwork=false&k=5")["experiments"][0]["cell"], cell);
  }
  EXPECT_GT(cells["control"], 10);
  EXPECT_GT(cells["ials"], 10);
  // A member the dataset does not know is allocated too (targeting "all"),
  // and gets the popularity fallback of their cell.
  json unknown = Get("/v1/members/stranger-1/recommendations?artwork=false");
  EXPECT_TRUE(unknown["fallback"].get<bool>());
  EXPECT_EQ(unknown["experiments"].size(), 1u);
}

TEST_F(ServerExperimentsTest, ExposureIsLoggedOncePerMemberUnderConcurrentRequestsAndAfterARestart) {
  Start();
  Create(Spec("knn-vs-ials", json::array({{{"name", "control"}, {"share", 0.5}},
                                           {{"name", "ials"}, {"share", 0.5}, {"model", IalsDir()}}})));
  constexpr int kMembers = 20, kThreads = 8, kRounds = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = Client();
      for (int r = 0; r < kRounds; ++r) {
        for (int m = 0; m < kMembers; ++m) {
          const uint32_t member = static_cast<uint32_t>((m + t) % kMembers);
          auto result = client->Get(("/v1/members/" + Member(member) + "/recommendations?artwork=false").c_str());
          if (!result || result->status != 200) ++failed;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  std::map<std::string, int> per_member;
  for (const auto& [name, member] : Exposures()) {
    EXPECT_EQ(name, "knn-vs-ials");
    ++per_member[member];
  }
  ASSERT_EQ(per_member.size(), static_cast<size_t>(kMembers));
  for (const auto& [member, count] : per_member) EXPECT_EQ(count, 1) << member;
  // The exposure names the member's cell.
  const std::vector<Event> events = MemberEvents(Member(3));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].kind, EventKind::kExposure);
  json list = Get("/v1/members/" + Member(3) + "/recommendations?artwork=false");
  EXPECT_EQ(events[0].experiment->cell, list["experiments"][0]["cell"]);

  // A restarted server reads the exposures stored and logs no second one.
  Start();
  for (int m = 0; m < kMembers + 5; ++m) Get("/v1/members/" + Member(m) + "/recommendations?artwork=false");
  EXPECT_EQ(Exposures().size(), static_cast<size_t>(kMembers + 5));
}

TEST_F(ServerExperimentsTest, InterleavingMergesBothRankersAndTheReportCreditsPlaysToTeams) {
  Start({.policy = "thompson"});
  json spec = Spec("interleave", json::array({{{"name", "knn"}, {"model", KnnDir()}}, {{"name", "ials"}, {"model", IalsDir()}}}));
  spec["method"] = "interleaving";
  Create(spec);
  Result<std::unique_ptr<serve::ModelStore>> ials = serve::ModelStore::Open(*dataset_, IalsDir());
  ASSERT_TRUE(ials.ok());
  constexpr uint32_t k = 10;
  for (uint32_t m = 0; m < 12; ++m) {
    const std::string member = Member(m);
    const bool with_artwork = m % 2 == 0;
    auto result = Client()->Get(("/v1/members/" + member + "/recommendations?k=10&artwork=" +
                                 (with_artwork ? "true" : "false")).c_str());
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, 200) << result->body;
    // The answer never says which ranker picked a title.
    EXPECT_EQ(result->body.find("team"), std::string::npos) << result->body;
    json list = json::parse(result->body);
    EXPECT_EQ(list["experiments"], json::parse(R"([{"experiment": "interleave", "method": "interleaving"}])"));
    std::vector<std::string> shown;
    for (const json& item : list["recommendations"]) shown.push_back(item["title"]);
    EXPECT_EQ(std::set<std::string>(shown.begin(), shown.end()).size(), shown.size()) << "duplicates";
    // Each ranker's own list, computed without the server.
    serve::MemberQuery query{.k = k};
    Result<serve::Recommendations> a = recommendations_->ForMember(member, query, models_->Current());
    Result<serve::Recommendations> b = recommendations_->ForMember(member, query, (*ials)->Current());
    ASSERT_TRUE(a.ok() && b.ok());
    auto ids = [](const serve::Recommendations& r) {
      std::vector<std::string> out;
      for (const ScoredTitle& s : r.items) out.emplace_back(r.model->dataset->titles.ExternalId(s.title));
      return out;
    };
    const std::vector<std::string> list_a = ids(*a), list_b = ids(*b);
    // k titles, or every title the two rankers offer when they offer fewer.
    std::set<std::string> offered(list_a.begin(), list_a.end());
    offered.insert(list_b.begin(), list_b.end());
    EXPECT_EQ(shown.size(), std::min<size_t>(k, offered.size())) << list.dump();
    EXPECT_GE(shown.size(), std::max(list_a.size(), list_b.size()));
    // Every title shown has exactly one impression tagged with its team, in
    // list order; a team's titles come from its ranker, in its order; every
    // prefix is balanced within one.
    std::vector<std::pair<std::string, std::string>> tagged;
    for (const Event& e : MemberEvents(member)) {
      if (e.kind == EventKind::kImpression) {
        ASSERT_TRUE(e.experiment.has_value()) << e.title_id;
        EXPECT_EQ(e.experiment->experiment, "interleave");
        EXPECT_TRUE(e.experiment->cell.empty());
        tagged.emplace_back(e.title_id, e.experiment->team);
      }
    }
    ASSERT_EQ(tagged.size(), shown.size()) << member;
    int balance = 0;
    size_t next_a = 0, next_b = 0;
    for (size_t i = 0; i < shown.size(); ++i) {
      EXPECT_EQ(tagged[i].first, shown[i]);
      const bool team_a = tagged[i].second == "a";
      const std::vector<std::string>& own = team_a ? list_a : list_b;
      size_t& next = team_a ? next_a : next_b;
      // The team's pick is its ranker's best title not already shown.
      while (next < own.size() && std::find(shown.begin(), shown.begin() + i, own[next]) != shown.begin() + i) ++next;
      ASSERT_LT(next, own.size()) << member;
      EXPECT_EQ(shown[i], own[next]) << member << " position " << i;
      ++next;
      balance += team_a ? 1 : -1;
      EXPECT_LE(std::abs(balance), 1) << member << " position " << i;
    }
  }
  // Members play titles team b picked: the interleaving report credits b.
  std::string plays = R"({"events": [)";
  int posted = 0;
  for (uint32_t m = 0; m < 12; ++m) {
    for (const Event& e : MemberEvents(Member(m))) {
      if (e.kind != EventKind::kImpression || e.experiment->team != "b") continue;
      plays += fmt::format(R"({}{{"kind": "play", "member": "{}", "title": "{}", "watch_fraction": 0.9}})",
                           posted++ == 0 ? "" : ",", e.member_id, e.title_id);
      break;
    }
  }
  plays += "]}";
  Post("/v1/events", plays);
  Result<experiment::PlacedExperiment> placed = experiment::FindExperiment(*events_, "interleave");
  ASSERT_TRUE(placed.ok());
  Result<experiment::ExperimentData> data = experiment::ReadExperimentData(*events_, *placed);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(data->exposures.size(), 12u);
  experiment::InterleavingReportOptions options;
  options.as_of = static_cast<int64_t>(std::time(nullptr)) + 60;
  Result<experiment::InterleavingReport> report = experiment::BuildInterleavingReport(*placed, data->events, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->members, 12u);
  EXPECT_EQ(report->credited_b, static_cast<uint64_t>(posted));
  EXPECT_EQ(report->credited_a, 0u);
  EXPECT_EQ(report->preferences.b, static_cast<uint64_t>(posted));
}

TEST_F(ServerExperimentsTest, ArtworkAndPageCellsShapeTheirRoutesOnly) {
  TempDir dir;
  // A policy file for the artwork cell, and a one-row page for the page cell.
  auto features = std::make_shared<const ArtworkFeatures>(dataset().catalog);
  Result<std::unique_ptr<ArtworkPolicy>> policy =
      CreateArtworkPolicyFromSpec("epsilon-greedy:epsilon=0.3", dataset().catalog, features);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  const std::string policy_file = dir.File("greedy.mqp");
  ASSERT_TRUE(SaveArtworkPolicy(**policy, dataset().catalog, policy_file).ok());
  const std::string page_file = dir.Write("trending.yaml", "rows:\n  - kind: trending\n");
  Start({.policy = "thompson"});
  Create(Spec("art", json::array({{{"name", "control"}, {"share", 0.5}},
                                   {{"name", "greedy"}, {"share", 0.5}, {"artwork_policy", policy_file}}}),
              "artwork"));
  Create(Spec("page", json::array({{{"name", "control"}, {"share", 0.5}},
                                    {{"name", "trending"}, {"share", 0.5}, {"page_config", page_file}}}),
              "page"));
  // A second artwork experiment outside the artwork layer is refused: a
  // member in both would get two policies.
  json clash = Create(Spec("art2", json::array({{{"name", "control"}, {"share", 0.5}},
                                                 {{"name", "greedy"}, {"share", 0.5}, {"artwork_policy", policy_file}}}),
                           "elsewhere"),
                      400);
  EXPECT_EQ(ErrorField(clash), "layer") << clash.dump();
  EXPECT_NE(clash.dump().find("art"), std::string::npos);
  // Refused variants: a policy file that does not load, a page that does not parse.
  EXPECT_EQ(ErrorField(Create(Spec("p2", json::array({{{"name", "control"}, {"share", 0.5}},
                                                         {{"name", "x"}, {"share", 0.5}, {"artwork_policy", page_file}}}),
                                     "artwork"),
                                400)),
            "cells[1].artwork_policy");
  const std::string bad_page = dir.Write("bad.yaml", "rows:\n  - kind: nonsense\n");
  EXPECT_EQ(ErrorField(Create(Spec("p3", json::array({{{"name", "control"}, {"share", 0.5}},
                                                         {{"name", "x"}, {"share", 0.5}, {"page_config", bad_page}}}),
                                     "page"),
                                400)),
            "cells[1].page_config");

  std::set<std::string> art_cells, page_cells;
  int members = 0;
  for (uint32_t m = 0; m < dataset().members.size() && members < 40; ++m) {
    // Members with titles left to discover, whose built-in page has several row kinds.
    const uint32_t played = dataset().interactions.RowLength(m);
    if (played < 5 || played > 40) continue;
    ++members;
    const std::string member = Member(m);
    // The artwork route: only the artwork experiment; its cell's policy chose.
    json art = Get("/v1/members/" + member + "/artwork?titles=" + std::string(dataset().titles.ExternalId(0)));
    ASSERT_EQ(art["experiments"].size(), 1u) << art.dump();
    EXPECT_EQ(art["experiments"][0]["experiment"], "art");
    const std::string art_cell = art["experiments"][0]["cell"];
    art_cells.insert(art_cell);
    EXPECT_EQ(art["policy"].get<std::string>().rfind(art_cell == "greedy" ? "epsilon-greedy" : "thompson", 0), 0u)
        << art.dump();
    // The homepage: both; the page cell decides the rows.
    json page = Get("/v1/members/" + member + "/homepage?artwork=false");
    std::set<std::string> named;
    std::string page_cell;
    for (const json& x : page["experiments"]) {
      named.insert(x["experiment"]);
      if (x["experiment"] == "page") page_cell = x["cell"];
    }
    EXPECT_EQ(named, (std::set<std::string>{"page"})) << "no artwork shown: the artwork experiment did not shape it";
    page_cells.insert(page_cell);
    std::set<std::string> kinds;
    for (const json& row : page["rows"]) kinds.insert(row["kind"]);
    if (page_cell == "trending") EXPECT_EQ(kinds, (std::set<std::string>{"trending"}));
    else EXPECT_GT(kinds.size(), 1u) << page.dump();
    // The recommendation list without artwork is shaped by neither.
    EXPECT_FALSE(Get("/v1/members/" + member + "/recommendations?artwork=false").contains("experiments"));
  }
  EXPECT_EQ(art_cells.size(), 2u);
  EXPECT_EQ(page_cells.size(), 2u);
  // Exposures: one a member for each experiment whose answer they saw.
  std::map<std::string, int> per_experiment;
  for (const auto& [name, member] : Exposures()) ++per_experiment[name];
  EXPECT_EQ(per_experiment["art"], 40);
  EXPECT_EQ(per_experiment["page"], 40);
}

TEST_F(ServerExperimentsTest, AnExperimentWhoseModelIsGoneAtRestartIsListedAndAllocatesNobody) {
  TempDir dir;
  const std::string copy = dir.File("ials-copy");
  std::filesystem::copy(IalsDir(), copy, std::filesystem::copy_options::recursive);
  Start();
  Create(Spec("fragile", json::array({{{"name", "control"}, {"share", 0.5}},
                                      {{"name", "ials"}, {"share", 0.5}, {"model", copy}}})));
  // Retrieval a model cannot do is refused at creation too, on the retrieval
  // field (the served model, or the cell's own).
  json hnsw = Create(Spec("hnsw", json::array({{{"name", "control"}, {"share", 0.5}},
                                               {{"name", "hnsw"}, {"share", 0.5}, {"retrieval", "hnsw"}}})),
                     400);
  EXPECT_EQ(ErrorField(hnsw), "cells[1].retrieval") << hnsw.dump();
  json knn_hnsw = Create(Spec("hnsw", json::array({{{"name", "control"}, {"share", 0.5}},
                                                   {{"name", "hnsw"}, {"share", 0.5}, {"model", KnnDir()},
                                                    {"retrieval", "hnsw"}}})),
                         400);
  EXPECT_EQ(ErrorField(knn_hnsw), "cells[1].retrieval") << knn_hnsw.dump();
  std::filesystem::remove_all(copy);
  Start();  // a restart: the experiment's model no longer loads
  auto result = Client()->Get("/v1/experiments", Admin());
  ASSERT_TRUE(result);
  json listed = json::parse(result->body);
  ASSERT_EQ(listed["experiments"].size(), 1u);
  EXPECT_EQ(listed["experiments"][0]["status"], "not_serving");
  EXPECT_NE(listed["experiments"][0]["error"].get<std::string>().find("ials-copy"), std::string::npos)
      << listed.dump();
  for (uint32_t m = 0; m < 10; ++m) {
    EXPECT_FALSE(Get("/v1/members/" + Member(m) + "/recommendations?artwork=false").contains("experiments"));
  }
  EXPECT_TRUE(Exposures().empty());
}

}  // namespace
}  // namespace marquee::test

namespace marquee::test {
namespace {

// GET /v1/experiments/{name}/report: what `marquee experiment report --json`
// says, from the running server's store (the dashboard shows it).
TEST_F(ServerExperimentsTest, ReportRouteAnswersTheReportSoFar) {
  Start();
  Create(Spec("lift", json::array({{{"name", "control"}, {"share", 0.5}},
                                   {{"name", "ials"}, {"share", 0.5}, {"model", IalsDir()}}})));
  for (uint32_t m = 0; m < 40; ++m) {
    Get("/v1/members/" + Member(m) + "/recommendations?k=5&artwork=false");
    Post("/v1/events", json({{"kind", "play"}, {"member", Member(m)}, {"title", std::string(dataset().titles.ExternalId(m % 7))},
                             {"watch_fraction", 0.5}}).dump());
  }
  EXPECT_EQ(Get("/v1/experiments/lift/report", 401)["error"]["field"], "Authorization");
  auto result = Client()->Get("/v1/experiments/lift/report", Admin());
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  json report = json::parse(result->body);
  uint64_t members = 0;
  for (const json& cell : report["cells"]) members += cell["members"].get<uint64_t>();
  EXPECT_EQ(members, 40u) << report.dump().substr(0, 400);
  auto missing = Client()->Get("/v1/experiments/nothing/report", Admin());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404) << missing->body;
}

}  // namespace
}  // namespace marquee::test
