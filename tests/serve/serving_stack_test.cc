// OpenServingStack: one function opens what `marquee serve` and `marquee demo`
// serve with, and it honours every option it is given.
#include "marquee/serve/serving_stack.h"

#include <gtest/gtest.h>

#include "serve_test_fixture.h"

namespace marquee::test {
namespace {

class ServingStackTest : public ServeFixture {
 protected:
  serve::ServingStackOptions Options(const std::string& model_dir) {
    serve::ServingStackOptions options;
    options.dataset = *dataset_;
    options.model_dir = model_dir;
    options.events_path = events_dir_->File("stack.db");
    return options;
  }
};

TEST_F(ServingStackTest, HonoursRetrievalOptions) {
  serve::ServingStackOptions options = Options(IalsDir());
  options.retrieval.mode = serve::RetrievalOptions::Mode::kHnsw;
  options.retrieval.ef_search = 77;
  options.artwork_policy = "none";
  Result<serve::ServingStack> stack = serve::OpenServingStack(options);
  ASSERT_TRUE(stack.ok()) << stack.status().ToString();
  EXPECT_EQ(stack->artwork, nullptr);
  EXPECT_EQ(stack->models->retrieval().mode, serve::RetrievalOptions::Mode::kHnsw);
  std::shared_ptr<const serve::ServingModel> model = stack->models->Current();
  ASSERT_NE(model->ann, nullptr);
  EXPECT_EQ(model->ann_ef, 77u);
  Result<serve::Recommendations> list =
      stack->recommendations->ForMember(std::string(dataset().members.ExternalId(0)), {.k = 5});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->retrieval, "hnsw");
  EXPECT_EQ(list->items.size(), 5u);
}

TEST_F(ServingStackTest, DefaultsAreExactWithAThompsonPolicy) {
  Result<serve::ServingStack> stack = serve::OpenServingStack(Options(KnnDir()));
  ASSERT_TRUE(stack.ok()) << stack.status().ToString();
  EXPECT_EQ(stack->models->retrieval().mode, serve::RetrievalOptions::Mode::kExact);
  EXPECT_EQ(stack->models->Current()->ann, nullptr);
  ASSERT_NE(stack->artwork, nullptr);
  EXPECT_EQ(stack->artwork->policy_name().rfind("thompson", 0), 0u) << stack->artwork->policy_name();
}

TEST_F(ServingStackTest, HnswOnAModelWithoutFactorsNamesTheDirectory) {
  serve::ServingStackOptions options = Options(PopularityDir());
  options.retrieval.mode = serve::RetrievalOptions::Mode::kHnsw;
  Result<serve::ServingStack> stack = serve::OpenServingStack(options);
  ASSERT_FALSE(stack.ok());
  EXPECT_NE(stack.status().message().find(PopularityDir()), std::string::npos) << stack.status().ToString();
}

TEST_F(ServingStackTest, AMissingDatasetFileIsTheError) {
  serve::ServingStackOptions options = Options(KnnDir());
  options.dataset = nullptr;
  options.data = events_dir_->File("no-such.mqd");
  Result<serve::ServingStack> stack = serve::OpenServingStack(options);
  ASSERT_FALSE(stack.ok());
  EXPECT_NE(stack.status().message().find("no-such.mqd"), std::string::npos) << stack.status().ToString();
}

}  // namespace
}  // namespace marquee::test
