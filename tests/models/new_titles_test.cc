// New titles for a trained factor model (issue 15 §2): the vectors they get
// are the metadata mapping's, fit independently here; nothing learned moves.
#include "marquee/models/new_titles.h"

#include <gtest/gtest.h>

#include "marquee/models/registry.h"
#include "marquee/synthetic/synthetic.h"

namespace marquee {
namespace {

class NewTitlesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SyntheticConfig config;
    config.members = 200;
    config.titles = 80;
    config.plays = 4000;
    config.seed = 11;
    Result<SyntheticService> service = GenerateService(config);
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    dataset_ = new Dataset(std::move(service->dataset));
  }
  static void TearDownTestSuite() { delete dataset_; }

  static LoadedModel Trained(const std::string& name) {
    LoadedModel loaded;
    Result<std::unique_ptr<Recommender>> model = CreateRecommender(name, Parameters{});
    EXPECT_TRUE(model.ok());
    EXPECT_TRUE((*model)->Fit(dataset_->interactions, TrainContext{}).ok());
    loaded.model = std::move(*model);
    loaded.info.model = name;
    loaded.info.version = name + "-v1";
    loaded.info.titles = dataset_->titles.size();
    loaded.members = dataset_->members;
    loaded.titles = dataset_->titles;
    return loaded;
  }

  static std::vector<NewTitle> Titles() {
    Result<std::vector<NewTitle>> titles = ParseNewTitles(
        R"({"title": "n1", "genres": ["Drama", "Comedy"], "year": 2025, "maturity": "PG", "runtime_minutes": 100})"
        "\n"
        R"({"title": "n2", "genres": ["Horror"], "tags": ["nobody-has-this"]})",
        "test", dataset_->catalog);
    EXPECT_TRUE(titles.ok()) << titles.status().ToString();
    return *titles;
  }

  static Dataset* dataset_;
};
Dataset* NewTitlesTest::dataset_ = nullptr;

TEST_F(NewTitlesTest, NewRowsAreTheMappingsAndLearnedFactorsStay) {
  const LoadedModel trained = Trained("ials");
  Result<NewTitleMapper> mapper = NewTitleMapper::Fit(*dataset_, trained, "dir");
  ASSERT_TRUE(mapper.ok()) << mapper.status().ToString();
  const std::vector<NewTitle> titles = Titles();
  Result<ModelWithNewTitles> out = AppendNewTitles(*dataset_, trained, *mapper, titles);
  ASSERT_TRUE(out.ok()) << out.status().ToString();

  // The mapping fit by hand: vocabulary of the trained catalog, every
  // title with a play warm.
  Result<TitleFeatures> features = TitleFeatures::Build(dataset_->catalog);
  ASSERT_TRUE(features.ok());
  std::vector<uint32_t> warm;
  const std::vector<uint32_t> counts = dataset_->interactions.ColumnCounts();
  for (uint32_t t = 0; t < counts.size(); ++t) {
    if (counts[t] > 0) warm.push_back(t);
  }
  const FactorModel* before = trained.model->AsFactorModel();
  Result<ColdStartMapping> mapping = ColdStartMapping::Fit(*features, before->title_factors(), warm);
  ASSERT_TRUE(mapping.ok());

  const uint32_t n = dataset_->titles.size();
  const FactorModel* after = out->model.model->AsFactorModel();
  ASSERT_NE(after, nullptr);
  ASSERT_EQ(after->title_factors().rows(), n + 2);
  const uint32_t k = before->title_factors().factors();
  for (uint32_t i = 0; i < 2; ++i) {
    std::vector<float> expected(after->title_factors().stride());
    mapping->Map(features->FeaturesOf(out->dataset.catalog.titles()[n + i], out->dataset.catalog), expected);
    for (uint32_t f = 0; f < k; ++f) EXPECT_FLOAT_EQ(after->title_factors().Row(n + i)[f], expected[f]) << i;
  }
  for (uint32_t t = 0; t < n; t += 7) {
    for (uint32_t f = 0; f < k; ++f) EXPECT_EQ(after->title_factors().Row(t)[f], before->title_factors().Row(t)[f]);
  }
  // The unknown tag is no feature; the dataset gains two empty columns.
  EXPECT_EQ(out->feature_counts.size(), 2u);
  EXPECT_EQ(out->dataset.interactions.cols(), n + 2);
  EXPECT_EQ(out->dataset.interactions.nnz(), dataset_->interactions.nnz());
  EXPECT_EQ(out->model.titles.Find("n2"), n + 1);
  EXPECT_EQ(out->model.info.titles, n + 2);
  EXPECT_EQ(out->model.info.version, "ials-v1+2titles");
  EXPECT_EQ(mapper->learned_titles(), n);
}

TEST_F(NewTitlesTest, RefusesModelsWithoutFactorsAndKnownIds) {
  const LoadedModel popularity = Trained("popularity");
  Result<NewTitleMapper> none = NewTitleMapper::Fit(*dataset_, popularity, "pop-dir");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(none.status().message().find("pop-dir"), std::string::npos) << none.status().ToString();

  const LoadedModel ials = Trained("ials");
  Result<NewTitleMapper> mapper = NewTitleMapper::Fit(*dataset_, ials, "dir");
  ASSERT_TRUE(mapper.ok());
  std::vector<NewTitle> titles = Titles();
  titles[0].title_id = std::string(dataset_->titles.ExternalId(5));
  Result<ModelWithNewTitles> out = AppendNewTitles(*dataset_, ials, *mapper, titles);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find(titles[0].title_id), std::string::npos) << out.status().ToString();
}

}  // namespace
}  // namespace marquee
