// ModelStore: loading, refusing a model of other data, and keeping the old
// model when a reload fails.
#include "serve_test_fixture.h"

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

}  // namespace
}  // namespace marquee::test
