// OpenServingStack: one function opens what `marquee serve` and `marquee demo`
// serve with, and it honours every option it is given.
#include "marquee/serve/serving_stack.h"

#include <gtest/gtest.h>

#include "marquee/data/new_title_json.h"
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

// The title log is replayed when a stack opens: a restarted server serves
// the titles it acknowledged, and one that could not (a model without
// factors) does not start.
TEST_F(ServingStackTest, ReplaysTheTitleLogOrRefusesToStart) {
  serve::ServingStackOptions options = Options(IalsDir());
  options.artwork_policy = "none";
  {
    Result<serve::ServingStack> stack = serve::OpenServingStack(options);
    ASSERT_TRUE(stack.ok()) << stack.status().ToString();
    Result<std::vector<NewTitle>> titles =
        ParseNewTitles(R"({"title": "new-1", "genres": ["Drama"]})", "test", dataset().catalog);
    ASSERT_TRUE(titles.ok());
    std::vector<AddedTitleRecord> log = {{"new-1", titles->front().definition, 1}};
    ASSERT_TRUE(stack->models->AddTitles(*titles, [&] { return stack->events->AppendAddedTitles(log); }).ok());
  }
  Result<serve::ServingStack> again = serve::OpenServingStack(options);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->models->Current()->dataset->titles.Find("new-1"), dataset().titles.size());
  EXPECT_EQ(again->models->Current()->version(), "ials-v1+1titles");
  again = Status::OK();  // closes it

  options.model_dir = KnnDir();
  Result<serve::ServingStack> knn = serve::OpenServingStack(options);
  ASSERT_FALSE(knn.ok());
  EXPECT_EQ(knn.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(knn.status().message().find(options.events_path + ": the title log's 1 titles cannot be served"),
            std::string::npos)
      << knn.status().ToString();
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
