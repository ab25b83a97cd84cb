// Serving with --retrieval hnsw: the index answers member and history
// requests, filters fall back to exact scoring, and a non-iALS model is
// refused with a reason.
#include <string>
#include <vector>

#include "../serve_test_fixture.h"

namespace marquee::test {
namespace {

serve::RetrievalOptions Hnsw(uint32_t ef) {
  serve::RetrievalOptions options;
  options.mode = serve::RetrievalOptions::Mode::kHnsw;
  options.m = 32;
  options.ef_search = ef;
  return options;
}

std::vector<std::string> Titles(const nlohmann::json& reply) {
  std::vector<std::string> titles;
  for (const auto& item : reply["recommendations"]) titles.push_back(item["title"]);
  return titles;
}

class HnswRetrievalTest : public ServeFixture {
 protected:
  static std::string Member(uint32_t index) { return std::string(dataset().members.ExternalId(index)); }
  static std::string TitleId(uint32_t index) { return std::string(dataset().titles.ExternalId(index)); }
  static std::string HistoryBody() {
    return R"({"history": [")" + TitleId(3) + R"(", ")" + TitleId(10) + R"("], "k": 10})";
  }
};

TEST_F(HnswRetrievalTest, RefusesModelsWithoutTitleFactors) {
  Result<std::unique_ptr<serve::ModelStore>> store = serve::ModelStore::Open(*dataset_, KnnDir(), Hnsw(50));
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("needs an iALS model"), std::string::npos);
  EXPECT_NE(store.status().message().find(KnnDir()), std::string::npos);
}

// With ef at least the catalog size the search visits every title, so the
// answer must be exactly what scoring every title gives.
TEST_F(HnswRetrievalTest, MatchesExactScoringWhenEfCoversTheCatalog) {
  OpenModels(IalsDir());
  StartServer();
  std::vector<std::vector<std::string>> exact;
  const std::vector<std::string> members = {Member(1), Member(42), Member(199)};
  for (const std::string& m : members) {
    nlohmann::json reply = Get("/v1/members/" + m + "/recommendations?k=15");
    EXPECT_EQ(reply["retrieval"], "exact");
    exact.push_back(Titles(reply));
  }
  nlohmann::json exact_history = Post("/v1/recommendations", HistoryBody());
  server_->Stop();

  OpenModels(IalsDir(), Hnsw(dataset().titles.size()));
  StartServer();
  for (size_t i = 0; i < members.size(); ++i) {
    nlohmann::json reply = Get("/v1/members/" + members[i] + "/recommendations?k=15");
    EXPECT_EQ(reply["retrieval"], "hnsw");
    EXPECT_EQ(Titles(reply), exact[i]) << members[i];
  }
  nlohmann::json history = Post("/v1/recommendations", HistoryBody());
  EXPECT_EQ(history["retrieval"], "hnsw");
  EXPECT_EQ(Titles(history), Titles(exact_history));
  for (const std::string& title : Titles(history)) {
    EXPECT_NE(title, TitleId(3));
    EXPECT_NE(title, TitleId(10));
  }
}

TEST_F(HnswRetrievalTest, FiltersAndUnknownMembersDoNotUseTheIndex) {
  OpenModels(IalsDir(), Hnsw(64));
  StartServer();
  const std::string genre = dataset().catalog.genres()[0];
  ASSERT_EQ(genre.find_first_of(" &%+"), std::string::npos);  // used unencoded below
  nlohmann::json filtered = Get("/v1/members/" + Member(1) + "/recommendations?k=5&genre=" + genre);
  EXPECT_EQ(filtered["retrieval"], "exact");
  nlohmann::json unknown = Get("/v1/members/nobody/recommendations?k=5");
  EXPECT_EQ(unknown["retrieval"], "popularity");
  EXPECT_TRUE(unknown["fallback"]);
}

// A member's new plays reach the index query through fold-in.
TEST_F(HnswRetrievalTest, NewPlaysChangeIndexedRecommendations) {
  OpenModels(IalsDir(), Hnsw(dataset().titles.size()));
  StartServer();
  const std::string member = Member(5);
  nlohmann::json before = Get("/v1/members/" + member + "/recommendations?k=10");
  const std::vector<std::string> shown = Titles(before);
  ASSERT_FALSE(shown.empty());
  std::string events = R"({"events": [)";
  for (size_t i = 0; i < 3; ++i) {
    events += (i ? "," : "") + std::string(R"({"kind": "play", "member": ")") + member + R"(", "title": ")" +
              shown[i] + R"(", "time": 1767225600})";
  }
  events += "]}";
  Post("/v1/events", events);
  nlohmann::json after = Get("/v1/members/" + member + "/recommendations?k=10");
  EXPECT_EQ(after["retrieval"], "hnsw");
  for (const std::string& title : Titles(after)) {
    EXPECT_NE(title, shown[0]);
    EXPECT_NE(title, shown[1]);
    EXPECT_NE(title, shown[2]);
  }
}

}  // namespace
}  // namespace marquee::test
