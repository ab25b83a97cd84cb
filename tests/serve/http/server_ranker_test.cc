// A ranker served like any model (issue 15 §1): the recommendation route
// answers with the ranker's order (checked against the library's own
// Recommend on the loaded ranker), histories fold in through its sources,
// the homepage is built on it, and a ranker whose candidate model is gone
// is refused at load with the reason.
#include <filesystem>
#include <string>
#include <vector>

#include "../serve_test_fixture.h"
#include "marquee/ranking/ranker_file.h"

namespace marquee::test {
namespace {

class ServerRankerTest : public ServeFixture {
 protected:
  static void SetUpTestSuite() {
    ServeFixture::SetUpTestSuite();
    Result<std::unique_ptr<RankerRecommender>> ranker = RankerRecommender::Create(
        {{"candidates", "ials,popularity"}, {"per_source", "40"}, {"rounds", "10"}}, &dataset().catalog);
    ASSERT_TRUE(ranker.ok()) << ranker.status().ToString();
    ASSERT_TRUE((*ranker)->Fit(dataset().interactions, TrainContext{}).ok());
    const ModelInfo info = DescribeTrainedModel(**ranker, "ranker", dataset(), dataset().interactions, 1.0);
    const Status saved = SaveRanker(**ranker, info, dataset(), dataset().interactions, RankerDir());
    ASSERT_TRUE(saved.ok()) << saved.ToString();
  }
  static std::string RankerDir() { return dir_->File("ranker"); }
  static std::string Member(uint32_t index) { return std::string(dataset().members.ExternalId(index)); }
};

TEST_F(ServerRankerTest, RecommendationsAreTheRankersOrder) {
  OpenModels(RankerDir());
  StartServer();
  Result<LoadedModel> ranker = LoadAnyModel(RankerDir());
  ASSERT_TRUE(ranker.ok()) << ranker.status().ToString();
  for (uint32_t m : {1u, 42u, 199u}) {
    nlohmann::json reply = Get("/v1/members/" + Member(m) + "/recommendations?k=10&artwork=false");
    ASSERT_EQ(reply["recommendations"].size(), 10u) << reply.dump();
    EXPECT_EQ(reply["model_version"], ranker->info.version);
    const std::vector<ScoredTitle> expected =
        Recommend(*ranker->model, m, History::Row(dataset().interactions, m), {.k = 10});
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(reply["recommendations"][i]["title"], dataset().titles.ExternalId(expected[i].title))
          << "member " << m << " rank " << i + 1;
    }
  }
  // A history the ranker never saw: fold-in through its sources.
  const std::string history = R"({"history": [")" + std::string(dataset().titles.ExternalId(3)) + R"("], "k": 5})";
  nlohmann::json folded = Post("/v1/recommendations", history);
  EXPECT_EQ(folded["recommendations"].size(), 5u) << folded.dump();
  nlohmann::json page = Get("/v1/members/" + Member(5) + "/homepage?artwork=false");
  EXPECT_GE(page["rows"].size(), 3u) << page.dump();
}

TEST_F(ServerRankerTest, ARankerWithoutItsCandidateModelIsRefusedWithTheReason) {
  TempDir copy;
  std::filesystem::copy(RankerDir(), copy.File("ranker"), std::filesystem::copy_options::recursive);
  std::filesystem::remove_all(RankerSourceDir(copy.File("ranker"), "ials"));
  Result<std::unique_ptr<serve::ModelStore>> store = serve::ModelStore::Open(*dataset_, copy.File("ranker"));
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("candidate model ials"), std::string::npos) << store.status().message();
}

}  // namespace
}  // namespace marquee::test
