// ModelStore: loading, refusing a model of other data, keeping the old
// model when a reload fails, and adding titles while serving.
#include "serve_test_fixture.h"

#include "marquee/data/new_title_json.h"
#include "marquee/models/new_titles.h"

namespace marquee::test {
namespace {

class ModelStoreTest : public ServeFixture {};

TEST_F(ModelStoreTest, ServesTheLoadedModelAndSwapsOnReload) {
  EXPECT_EQ(models_->Current()->version(), "itemknn-v1");
  EXPECT_EQ(models_->Current()->popularity.size(), dataset().titles.size());
  std::shared_ptr<const serve::ServingModel> held = models_->Current();
  Result<std::shared_ptr<const serve::ServingModel>> swapped = models_->Reload(PopularityDir());
  ASSERT_TRUE(swapped.ok()) << swapped.status().ToString();
  EXPECT_EQ(models_->Current()->version(), "popularity-v1");
  EXPECT_EQ(held->version(), "itemknn-v1");  // a snapshot outlives the swap
}

TEST_F(ModelStoreTest, FailedReloadKeepsTheCurrentModel) {
  Result<std::shared_ptr<const serve::ServingModel>> missing = models_->Reload(events_dir_->File("none"));
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(models_->Current()->version(), "itemknn-v1");
}

TEST_F(ModelStoreTest, RefusesAModelOfOtherData) {
  SyntheticConfig config;
  config.members = 50;
  config.titles = 30;
  config.plays = 500;
  Result<SyntheticService> other = GenerateService(config);
  ASSERT_TRUE(other.ok());
  auto other_dataset = std::make_shared<const Dataset>(std::move(other->dataset));
  Result<std::unique_ptr<serve::ModelStore>> store = serve::ModelStore::Open(other_dataset, KnnDir());
  EXPECT_FALSE(store.ok());
}

// Two new titles as the admin route takes them.
std::vector<NewTitle> TwoNewTitles(const Catalog& catalog) {
  Result<std::vector<NewTitle>> titles = ParseNewTitles(
      R"({"title": "new-1", "genres": ["Comedy"], "year": 2026, "runtime_minutes": 95})" "\n"
      R"({"title": "new-2", "genres": ["Horror"], "maturity": "R"})",
      "test", catalog);
  EXPECT_TRUE(titles.ok()) << titles.status().ToString();
  return titles.ok() ? *titles : std::vector<NewTitle>();
}

// The scores of every title for member 0, from a served model.
std::vector<float> ScoresOfMember0(const serve::ServingModel& model) {
  std::vector<float> scores(model.model().title_count());
  model.model().ScoreMember(0, History::Row(model.scoring_rows(), 0), scores);
  return scores;
}

// Added titles score as the offline path (catalog add-titles: the library's
// AppendNewTitles on the trained model) scores them, every existing title
// keeps its score, and a snapshot taken before is untouched.
TEST_F(ModelStoreTest, AddedTitlesScoreAsTheOfflinePathAndOldSnapshotsStay) {
  OpenModels(IalsDir());
  std::shared_ptr<const serve::ServingModel> before = models_->Current();
  const std::vector<NewTitle> titles = TwoNewTitles(dataset().catalog);
  Result<serve::ModelStore::TitlesAdded> added = models_->AddTitles(titles);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  std::shared_ptr<const serve::ServingModel> after = models_->Current();
  EXPECT_EQ(after, added->model);
  const uint32_t n = dataset().titles.size();
  ASSERT_EQ(after->dataset->titles.size(), n + 2);
  EXPECT_EQ(after->dataset->titles.Find("new-2"), n + 1);
  EXPECT_EQ(after->learned_titles, n);
  EXPECT_EQ(after->version(), "ials-v1+2titles");
  EXPECT_EQ(after->popularity.size(), n + 2);
  EXPECT_EQ(after->popularity[n], 0.0f);
  EXPECT_EQ(before->dataset->titles.size(), n);
  EXPECT_EQ(before->model().title_count(), n);
  ASSERT_EQ(added->feature_counts.size(), 2u);
  EXPECT_GE(added->feature_counts[0], 3u);  // bias, genre, year at least

  Result<LoadedModel> trained = LoadModel(IalsDir());
  ASSERT_TRUE(trained.ok());
  Result<NewTitleMapper> mapper = NewTitleMapper::Fit(dataset(), *trained, IalsDir());
  ASSERT_TRUE(mapper.ok()) << mapper.status().ToString();
  Result<ModelWithNewTitles> offline = AppendNewTitles(dataset(), *trained, *mapper, titles);
  ASSERT_TRUE(offline.ok()) << offline.status().ToString();
  std::vector<float> expected(n + 2);
  offline->model.model->ScoreMember(0, History::Row(dataset().interactions, 0), expected);
  const std::vector<float> served = ScoresOfMember0(*after);
  const std::vector<float> old = ScoresOfMember0(*before);
  for (uint32_t t = 0; t < n + 2; ++t) EXPECT_NEAR(served[t], expected[t], 1e-5f) << t;
  for (uint32_t t = 0; t < n; ++t) EXPECT_NEAR(served[t], old[t], 1e-5f) << t;
  // A mapped vector gives a score, not a placeholder: the two differ.
  EXPECT_NE(served[n], served[n + 1]);
}

// Batches map like one batch (the mapping is fit once, on the trained
// model), and a reload re-adds every title added so far.
TEST_F(ModelStoreTest, BatchesAndReloadsKeepTheSameVectors) {
  OpenModels(IalsDir());
  const std::vector<NewTitle> titles = TwoNewTitles(dataset().catalog);
  ASSERT_TRUE(models_->AddTitles(std::span(titles).first(1)).ok());
  ASSERT_TRUE(models_->AddTitles(std::span(titles).subspan(1)).ok());
  const std::vector<float> in_two = ScoresOfMember0(*models_->Current());
  EXPECT_EQ(models_->Current()->version(), "ials-v1+2titles");
  EXPECT_EQ(models_->added_titles().size(), 2u);

  Result<std::shared_ptr<const serve::ServingModel>> reloaded = models_->Reload(std::nullopt);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_EQ((*reloaded)->dataset->titles.size(), dataset().titles.size() + 2);
  const std::vector<float> after_reload = ScoresOfMember0(**reloaded);

  OpenModels(IalsDir());
  ASSERT_TRUE(models_->AddTitles(titles).ok());
  const std::vector<float> in_one = ScoresOfMember0(*models_->Current());
  ASSERT_EQ(in_two.size(), in_one.size());
  for (size_t t = 0; t < in_one.size(); ++t) {
    EXPECT_FLOAT_EQ(in_two[t], in_one[t]) << t;
    EXPECT_FLOAT_EQ(after_reload[t], in_one[t]) << t;
  }
}

// What cannot be added changes nothing: a known id, a model without factors,
// a failed commit (the title log's append); a reload to a model that could
// not serve the added titles is refused.
TEST_F(ModelStoreTest, RefusedAdditionsChangeNothing) {
  const std::vector<NewTitle> titles = TwoNewTitles(dataset().catalog);
  Result<serve::ModelStore::TitlesAdded> knn = models_->AddTitles(titles);  // the fixture serves item-kNN
  ASSERT_FALSE(knn.ok());
  EXPECT_EQ(knn.status().code(), Status::Code::kUnsupported) << knn.status().ToString();
  EXPECT_NE(knn.status().message().find("itemknn model has none"), std::string::npos) << knn.status().ToString();

  OpenModels(IalsDir());
  std::shared_ptr<const serve::ServingModel> before = models_->Current();
  Result<serve::ModelStore::TitlesAdded> failed =
      models_->AddTitles(titles, [] { return Status::IOError("disk full"); });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Status::Code::kIOError);
  EXPECT_EQ(models_->Current(), before);
  EXPECT_TRUE(models_->added_titles().empty());

  std::vector<NewTitle> known = TwoNewTitles(dataset().catalog);
  known[1].title_id = std::string(dataset().titles.ExternalId(3));
  Result<serve::ModelStore::TitlesAdded> duplicate = models_->AddTitles(known);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.status().code(), Status::Code::kAlreadyExists);
  EXPECT_NE(duplicate.status().message().find(known[1].title_id), std::string::npos);
  EXPECT_EQ(models_->Current(), before);

  ASSERT_TRUE(models_->AddTitles(titles).ok());
  Result<std::shared_ptr<const serve::ServingModel>> to_knn = models_->Reload(KnnDir());
  ASSERT_FALSE(to_knn.ok());
  EXPECT_EQ(to_knn.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(to_knn.status().message().find("2 titles were added while serving"), std::string::npos)
      << to_knn.status().ToString();
  EXPECT_EQ(models_->Current()->dataset->titles.size(), dataset().titles.size() + 2);
}

// With hnsw retrieval an added title is in the graph: nobody played it, but
// its mapped vector is its signal.
TEST_F(ModelStoreTest, AddedTitlesAreInTheHnswGraph) {
  serve::RetrievalOptions hnsw;
  hnsw.mode = serve::RetrievalOptions::Mode::kHnsw;
  OpenModels(IalsDir(), hnsw);
  const uint32_t indexed = models_->Current()->ann->indexed_count();
  ASSERT_TRUE(models_->AddTitles(TwoNewTitles(dataset().catalog)).ok());
  std::shared_ptr<const serve::ServingModel> model = models_->Current();
  ASSERT_NE(model->ann, nullptr);
  EXPECT_EQ(model->ann->title_count(), dataset().titles.size() + 2);
  EXPECT_EQ(model->ann->indexed_count(), indexed + 2);
}

}  // namespace
}  // namespace marquee::test
