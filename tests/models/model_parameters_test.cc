// The parameter tables of the four recommenders: Options <-> Parameters,
// defaults, and the errors for bad values and unknown names.
#include <gtest/gtest.h>

#include <string>

#include "marquee/models/ease.h"
#include "marquee/models/ials.h"
#include "marquee/models/item_knn.h"
#include "marquee/models/popularity.h"
#include "marquee/models/registry.h"

namespace marquee {
namespace {

// Per model: Options with every field away from its default, and one value
// out of its range with the range its error must state.
template <class Model>
struct Case;

template <>
struct Case<PopularityRecommender> {
  static constexpr const char* kName = "popularity";
  static PopularityRecommender::Options Changed() { return {.half_life_days = 3.5}; }
  static constexpr const char* kBadName = "half_life";
  static constexpr const char* kBadValue = "-1";
  static constexpr const char* kRange = "a number in [0, 1000000]";
};

template <>
struct Case<ItemKnnRecommender> {
  static constexpr const char* kName = "itemknn";
  static ItemKnnRecommender::Options Changed() {
    ItemKnnRecommender::Options o;
    o.kind = ItemWeighting::kBm25;
    o.binary = false;
    o.bm25_k1 = 1.25;
    o.bm25_b = 0.5;
    o.neighbors = 37;
    o.shrink = 0.125;
    return o;
  }
  static constexpr const char* kBadName = "bm25_b";
  static constexpr const char* kBadValue = "1.5";
  static constexpr const char* kRange = "a number in [0, 1]";
};

template <>
struct Case<IalsRecommender> {
  static constexpr const char* kName = "ials";
  static IalsRecommender::Options Changed() {
    using M = IalsRecommender;
    return {.factors = 7, .iterations = 3, .regularization = 0.5, .alpha = 1.5,
            .confidence = M::Confidence::kLog, .epsilon = 0.25, .scaling = M::Scaling::kPlain,
            .frequency_exponent = 0.75, .solver = M::Solver::kCholesky, .cg_steps = 5,
            .gather = M::Gather::kFp32,
            .init_scale = 0.125};
  }
  static constexpr const char* kBadName = "factors";
  static constexpr const char* kBadValue = "0";
  static constexpr const char* kRange = "an integer in [1, 1024]";
};

template <>
struct Case<EaseRecommender> {
  static constexpr const char* kName = "ease";
  static EaseRecommender::Options Changed() {
    return {.lambda = 12.5, .binary = false, .max_memory_gb = 2};
  }
  static constexpr const char* kBadName = "lambda";
  static constexpr const char* kBadValue = "0";
  static constexpr const char* kRange = "a number in (0, 1e+12]";
};

template <class Model>
class ModelParametersTest : public ::testing::Test {};
using Models =
    ::testing::Types<PopularityRecommender, ItemKnnRecommender, IalsRecommender, EaseRecommender>;
TYPED_TEST_SUITE(ModelParametersTest, Models);

TYPED_TEST(ModelParametersTest, OptionsRoundTripThroughParameters) {
  using Options = typename TypeParam::Options;
  for (const Options& options : {Options{}, Case<TypeParam>::Changed()}) {
    const Parameters written = TypeParam::Table().Write(options);
    Result<Options> read = TypeParam::Table().Read(written);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_TRUE(*read == options) << written.ToString();
  }
  // The changed case really changes every field (else the test above is weak).
  const Parameters defaults = TypeParam::Table().Write(Options{});
  const Parameters changed = TypeParam::Table().Write(Case<TypeParam>::Changed());
  for (const auto& [name, value] : defaults.values()) {
    EXPECT_NE(changed.values().at(name), value) << name;
  }
}

TYPED_TEST(ModelParametersTest, AFreshModelHasTheDefaultOptions) {
  using Options = typename TypeParam::Options;
  Result<std::unique_ptr<Recommender>> model = CreateRecommender(Case<TypeParam>::kName, {});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->parameters(), TypeParam::Table().Write(Options{}));
  // ... and a model created from a model's parameters has the same ones.
  Result<std::unique_ptr<Recommender>> changed = CreateRecommender(
      Case<TypeParam>::kName, TypeParam::Table().Write(Case<TypeParam>::Changed()));
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ((*changed)->parameters(), TypeParam::Table().Write(Case<TypeParam>::Changed()));
}

TYPED_TEST(ModelParametersTest, DescribeListsEveryParameterWithItsDefault) {
  Result<std::vector<ParameterInfo>> infos = RecommenderParameters(Case<TypeParam>::kName);
  ASSERT_TRUE(infos.ok());
  const Parameters defaults = TypeParam::Table().Write(typename TypeParam::Options{});
  ASSERT_EQ(infos->size(), defaults.values().size());
  for (const ParameterInfo& info : *infos) {
    EXPECT_EQ(info.default_value, defaults.values().at(info.name)) << info.name;
    EXPECT_FALSE(info.help.empty()) << info.name;
    EXPECT_FALSE(info.expected.empty()) << info.name;
  }
}

TYPED_TEST(ModelParametersTest, OutOfRangeValuesNameTheParameterAndRange) {
  const std::string name = Case<TypeParam>::kBadName;
  Result<std::unique_ptr<Recommender>> model =
      CreateRecommender(Case<TypeParam>::kName, {{name, Case<TypeParam>::kBadValue}});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), Status::Code::kInvalidArgument);
  const std::string expected = std::string(Case<TypeParam>::kName) + ": parameter '" + name +
                               "': expected " + Case<TypeParam>::kRange + ", found \"" +
                               Case<TypeParam>::kBadValue + "\"";
  EXPECT_EQ(model.status().message(), expected);
}

TYPED_TEST(ModelParametersTest, UnknownNamesListTheKnownOnes) {
  Result<std::unique_ptr<Recommender>> model =
      CreateRecommender(Case<TypeParam>::kName, {{"nonsense", "1"}});
  ASSERT_FALSE(model.ok());
  const std::string message = model.status().message();
  EXPECT_NE(message.find("unknown parameter 'nonsense'"), std::string::npos) << message;
  const Parameters known = TypeParam::Table().Write({});  // alive through the loop
  for (const auto& [name, value] : known.values()) {
    EXPECT_NE(message.find(name), std::string::npos) << name << " in " << message;
  }
}

TEST(ModelParametersTest, SavedTextIsUnchanged) {
  // What model files written before the tables hold must read back the same.
  EXPECT_EQ(IalsRecommender::Table().Write({}).ToString(),
            "alpha=20 cg_steps=3 confidence=linear epsilon=1 factors=64 frequency_exponent=1 "
            "gather=fp16 init_scale=0.01 iterations=15 regularization=0.03 regularization_scaling=frequency "
            "solver=cg");
  // A file written before `gather` existed reads with its default.
  Result<Parameters> old_text = Parameters::Parse(
      "alpha=20 cg_steps=3 confidence=linear epsilon=1 factors=64 frequency_exponent=1 "
      "init_scale=0.01 iterations=15 regularization=0.03 regularization_scaling=frequency solver=cg");
  ASSERT_TRUE(old_text.ok()) << old_text.status().ToString();
  Result<IalsRecommender::Options> old_options = IalsRecommender::Table().Read(*old_text);
  ASSERT_TRUE(old_options.ok()) << old_options.status().ToString();
  EXPECT_TRUE(*old_options == IalsRecommender::Options{});
  EXPECT_EQ(EaseRecommender::Table().Write({}).ToString(),
            "binary=true lambda=500 max_memory_gb=0");
  EXPECT_EQ(ItemKnnRecommender::Table().Write({}).ToString(),
            "binary=true bm25_b=0.8 bm25_k1=100 neighbors=100 shrink=10 weighting=none");
  EXPECT_EQ(PopularityRecommender::Table().Write({}).ToString(), "half_life=0");
}

TEST(ModelParametersTest, EnumParsersReturnResults) {
  Result<ItemWeighting> bm25 = ParseItemWeighting("bm25");
  ASSERT_TRUE(bm25.ok());
  EXPECT_EQ(*bm25, ItemWeighting::kBm25);
  Result<ItemWeighting> bad = ParseItemWeighting("idf");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "item weighting: expected one of none, tfidf, bm25, found \"idf\"");
  EXPECT_EQ(ItemWeightingName(ItemWeighting::kTfIdf), "tfidf");
}

}  // namespace
}  // namespace marquee
