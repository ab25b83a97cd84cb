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
  EXPECT_NE(store.status().message().find("needs a factor model such as iALS"), std::string::npos);
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
namespace marquee::test {
namespace {

// Issue 10: iALS trained with a minimum rating on data where most titles
// have no positive (their factors are ~zero) and a few have many. Before,
// the graph search answered score-0 cold titles, and with M = 4 a large k
// came back short.
class HnswColdTitlesTest : public ServeFixture {
 protected:
  static constexpr uint32_t kWarmTitles = 12;

  // The fixture's dataset with every title from kWarmTitles on rated below
  // the minimum rating, and an iALS model trained on what remains positive.
  void OpenColdModel(const serve::RetrievalOptions& retrieval) {
    auto cold = std::make_shared<Dataset>(dataset());
    const InteractionMatrix& all = cold->interactions;
    InteractionBuilder builder;
    for (uint32_t m = 0; m < all.rows(); ++m) {
      for (uint32_t t : all.RowIndices(m)) builder.Add(m, t, t < kWarmTitles ? 5.0f : 1.0f);
    }
    cold->interactions = builder.Build(all.rows(), all.cols(), DuplicateRule::kLast);
    cold->weight_kind = WeightKind::kRating;
    if (model_dir_ == nullptr) {
      model_dir_ = std::make_unique<TempDir>();
      Result<std::unique_ptr<Recommender>> model = CreateRecommender("ials", Parameters{});
      ASSERT_TRUE(model.ok());
      ASSERT_TRUE((*model)->Fit(cold->interactions.KeepAtLeast(4.0f), TrainContext{}).ok());
      ModelInfo info;
      info.model = "ials";
      info.parameters = (*model)->parameters();
      info.members = cold->members.size();
      info.titles = cold->titles.size();
      info.version = "ials-cold";
      info.has_min_rating = true;
      info.min_rating = 4.0f;
      ASSERT_TRUE(SaveModel(**model, info, cold->members, cold->titles, model_dir_->File("m")).ok());
    }
    Result<std::unique_ptr<serve::ModelStore>> models =
        serve::ModelStore::Open(cold, model_dir_->File("m"), retrieval);
    ASSERT_TRUE(models.ok()) << models.status().ToString();
    models_ = std::move(*models);
  }

  // A member with a positive, so that the model has something to score.
  static std::string WarmMember() {
    for (uint32_t m = 0; m < dataset().members.size(); ++m) {
      for (uint32_t t : dataset().interactions.RowIndices(m)) {
        if (t < kWarmTitles && dataset().interactions.RowLength(m) < 20) {
          return std::string(dataset().members.ExternalId(m));
        }
      }
    }
    return {};
  }

  std::unique_ptr<TempDir> model_dir_;
};

TEST_F(HnswColdTitlesTest, ColdTitlesDoNotSwampTheIndexAndLargeKIsFull) {
  const std::string member = WarmMember();
  ASSERT_FALSE(member.empty());
  const std::string path = "/v1/members/" + member + "/recommendations?artwork=false&exclude_watched=false&k=";
  OpenColdModel({});
  StartServer();
  nlohmann::json exact = Get(path + "10");
  ASSERT_EQ(exact["retrieval"], "exact");
  ASSERT_GT(exact["recommendations"][0]["score"].get<double>(), 0.01);
  server_->Stop();

  serve::RetrievalOptions hnsw = Hnsw(10);
  hnsw.m = 4;
  OpenColdModel(hnsw);
  StartServer();
  nlohmann::json approx = Get(path + "10");
  EXPECT_EQ(approx["retrieval"], "hnsw");
  EXPECT_EQ(Titles(approx), Titles(exact));
  // Every title, when asked for every title (the cold ones scored exactly).
  const size_t n = dataset().titles.size();
  nlohmann::json everything = Get(path + std::to_string(n));
  EXPECT_EQ(everything["recommendations"].size(), n);
  EXPECT_EQ(Get(path + "1000")["recommendations"].size(), n);
  // With watched titles left out: all the others.
  const size_t watched = dataset().interactions.RowLength(dataset().members.Find(member));
  nlohmann::json unwatched = Get("/v1/members/" + member + "/recommendations?artwork=false&k=1000");
  EXPECT_EQ(unwatched["recommendations"].size(), n - watched);
}

// A title with no positive has nothing to be similar to: the fallback
// (before, every title scored 0 in catalog order).
TEST_F(HnswColdTitlesTest, SimilarToATitleWithNoPositiveIsTheFallback) {
  OpenColdModel({});
  StartServer();
  const std::string cold(dataset().titles.ExternalId(kWarmTitles + 5));
  nlohmann::json reply = Get("/v1/titles/" + cold + "/similar?k=5");
  EXPECT_EQ(reply["fallback"], true);
  EXPECT_EQ(reply["retrieval"], "popularity");
  EXPECT_NE(reply["fallback_reason"].get<std::string>().find("no title signal"), std::string::npos);
  ASSERT_EQ(reply["recommendations"].size(), 5u);
  for (const auto& item : reply["recommendations"]) EXPECT_NE(item["title"], cold);
  const std::string warm(dataset().titles.ExternalId(0));
  EXPECT_EQ(Get("/v1/titles/" + warm + "/similar?k=5")["fallback"], false);
}

}  // namespace
}  // namespace marquee::test
