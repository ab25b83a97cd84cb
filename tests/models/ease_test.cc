#include "marquee/models/ease.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "marquee/synthetic/synthetic.h"
#include "marquee/models/popularity.h"
#include "marquee/util/threads.h"
#include "dense_reference.h"
#include "recommender_test_util.h"

namespace marquee {
namespace {

using test::RandomInteractions;

using test::DenseMatrix;
using test::GaussJordanInverse;

// B by the paper's formula, everything dense and in double.
DenseMatrix ReferenceEase(const InteractionMatrix& x, double lambda, bool binary) {
  const size_t n = x.cols();
  DenseMatrix g(n, std::vector<double>(n, 0.0));
  for (uint32_t m = 0; m < x.rows(); ++m) {
    auto titles = x.RowIndices(m);
    auto weights = x.RowWeights(m);
    for (size_t a = 0; a < titles.size(); ++a) {
      for (size_t b = 0; b < titles.size(); ++b) {
        g[titles[a]][titles[b]] += binary ? 1.0 : double(weights[a]) * weights[b];
      }
    }
  }
  for (size_t i = 0; i < n; ++i) g[i][i] += lambda;
  DenseMatrix p = GaussJordanInverse(g);
  DenseMatrix b(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) b[i][j] = i == j ? 0.0 : -p[i][j] / p[j][j];
  }
  return b;
}

std::unique_ptr<Recommender> MakeEase(const Parameters& parameters) {
  Result<std::unique_ptr<Recommender>> model = EaseRecommender::Create(parameters);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return std::move(model).value();
}

// Every entry within 1e-4 relative of the reference; entries below 1% of
// the largest are compared with that as their scale: the model computes in
// float, whose rounding (about 1e-7 of the largest entries) swamps the
// digits of near-zero entries.
void ExpectMatchesReference(const EaseRecommender& ease, const DenseMatrix& want) {
  const size_t n = want.size();
  double largest = 0;
  for (const auto& row : want) {
    for (double v : row) largest = std::max(largest, std::abs(v));
  }
  ASSERT_GT(largest, 0);
  for (size_t i = 0; i < n; ++i) {
    std::span<const float> row = ease.WeightRow(static_cast<uint32_t>(i));
    for (size_t j = 0; j < n; ++j) {
      const double scale = std::max(std::abs(want[i][j]), 1e-2 * largest);
      ASSERT_NEAR(row[j], want[i][j], 1e-4 * scale) << "B[" << i << "][" << j << "]";
    }
  }
}

TEST(EaseTest, MatchesDenseGaussJordanOnSmallMatrix) {
  const InteractionMatrix x = RandomInteractions(40, 12, 6, 1);
  for (bool binary : {true, false}) {
    auto model = MakeEase({{"lambda", "3"}, {"binary", binary ? "true" : "false"}});
    ASSERT_TRUE(model->Fit(x, {}).ok());
    ExpectMatchesReference(static_cast<EaseRecommender&>(*model), ReferenceEase(x, 3, binary));
  }
}

// 600 titles: past OpenBLAS's block sizes, so its blocked paths run.
TEST(EaseTest, MatchesDenseGaussJordanAcrossTiles) {
  const InteractionMatrix x = RandomInteractions(3000, 600, 40, 2);
  auto model = MakeEase({{"lambda", "20"}});
  ASSERT_TRUE(model->Fit(x, {}).ok());
  ExpectMatchesReference(static_cast<EaseRecommender&>(*model), ReferenceEase(x, 20, true));
}

TEST(EaseTest, DiagonalIsZero) {
  const InteractionMatrix x = RandomInteractions(500, 300, 30, 3);
  auto model = MakeEase({});
  ASSERT_TRUE(model->Fit(x, {}).ok());
  const auto& ease = static_cast<EaseRecommender&>(*model);
  for (uint32_t t = 0; t < 300; ++t) ASSERT_EQ(ease.WeightRow(t)[t], 0.0f) << t;
}

// Two titles watched by exactly the same members make X^T X singular; a
// lambda below float's resolution of the counts cannot repair it.
TEST(EaseTest, FitRefusesAGramMatrixThatIsNotPositiveDefiniteInFloat) {
  InteractionBuilder builder;
  for (uint32_t m = 0; m < 1000; ++m) {
    builder.Add(m, 0, 1);
    builder.Add(m, 1, 1);
    builder.Add(m, 2 + m % 3, 1);
  }
  const InteractionMatrix x = builder.Build(1000, 5, DuplicateRule::kSum);
  auto model = MakeEase({{"lambda", "1e-9"}});
  Status s = model->Fit(x, {});
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("not positive definite"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("use a larger lambda"), std::string::npos) << s.message();
  EXPECT_EQ(model->title_count(), 0u);
  // The same data with a usable lambda trains.
  EXPECT_TRUE(MakeEase({{"lambda", "10"}})->Fit(x, {}).ok());
}

TEST(EaseTest, ScoresAreWeightedSumsOfRows) {
  const InteractionMatrix x = RandomInteractions(200, 80, 10, 5);
  for (bool binary : {true, false}) {
    auto model = MakeEase({{"lambda", "10"}, {"binary", binary ? "true" : "false"}});
    ASSERT_TRUE(model->Fit(x, {}).ok());
    const auto& ease = static_cast<EaseRecommender&>(*model);
    std::vector<float> scores(80);
    for (uint32_t m = 0; m < 20; ++m) {
      History h = History::Row(x, m);
      model->ScoreMember(m, h, scores);
      for (uint32_t j = 0; j < 80; ++j) {
        double want = 0;
        for (size_t k = 0; k < h.titles.size(); ++k) {
          want += (binary ? 1.0 : h.weights[k]) * ease.WeightRow(h.titles[k])[j];
        }
        ASSERT_NEAR(scores[j], want, 1e-5 * (1 + std::abs(want)));
      }
    }
    model->ScoreSimilar(7, scores);
    for (uint32_t j = 0; j < 80; ++j) EXPECT_EQ(scores[j], ease.WeightRow(7)[j]);
  }
}

// A matrix with many titles and almost no plays: cheap to build, and Fit
// would need n^2 floats -- if it allocated before checking, it would die.
InteractionMatrix WideMatrix(uint32_t titles) {
  InteractionBuilder builder;
  builder.Add(0, 0, 1);
  builder.Add(1, titles - 1, 1);
  return builder.Build(2, titles, DuplicateRule::kSum);
}

TEST(EaseTest, RefusesACatalogOverTheMemoryLimitBeforeAllocating) {
  auto model = MakeEase({{"max_memory_gb", "1"}});
  const auto start = std::chrono::steady_clock::now();
  Status s = model->Fit(WideMatrix(200000), {});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(s.code(), Status::Code::kResourceExhausted) << s.ToString();
  EXPECT_NE(s.message().find("200000 titles need 160.0 GB"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("1.0 GB are allowed (max_memory_gb)"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("itemknn"), std::string::npos) << s.message();
  EXPECT_LT(seconds, 1.0);  // no 160 GB touched
  EXPECT_EQ(model->title_count(), 0u);
}

TEST(EaseTest, RefusesACatalogOverAvailableMemory) {
  auto model = MakeEase({});
  Status s = model->Fit(WideMatrix(1000000), {});  // 4 TB
  EXPECT_EQ(s.code(), Status::Code::kResourceExhausted) << s.ToString();
  EXPECT_NE(s.message().find("1000000 titles need 4000.0 GB"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("GB are available"), std::string::npos) << s.message();
}

TEST(EaseTest, FitsWithinAGenerousLimit) {
  auto model = MakeEase({{"max_memory_gb", "0.005"}});  // needs 1000^2 * 4 = 4 MB
  EXPECT_TRUE(model->Fit(RandomInteractions(100, 1000, 20, 6), {}).ok());
}

TEST(EaseTest, LoadRefusesWeightsOfTheWrongSize) {
  test::TempDir dir;
  const std::string path = dir.File("bad.mqt");
  SectionFileWriter writer("MQTEST", 1);
  ByteWriter header;
  header.U32(5);
  header.U32(10);  // 10 x 10 floats = 400 bytes expected
  writer.AddSection(FourCC("EASH"), std::move(header));
  ByteWriter weights;
  weights.Raw(std::string(396, '\0').data(), 396);
  writer.AddSection(FourCC("EASB"), std::move(weights));
  ASSERT_TRUE(writer.Write(path).ok());
  auto reader = SectionFileReader::Open(path, "MQTEST", 1, "test");
  ASSERT_TRUE(reader.ok());
  auto model = MakeEase({});
  Status s = model->LoadState(*reader);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("expected 400 bytes"), std::string::npos) << s.message();
}

TEST(EaseTest, ParameterErrorsNameTheParameter) {
  for (const char* bad : {"0", "-1", "abc"}) {
    auto r = EaseRecommender::Create({{"lambda", bad}});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("'lambda'"), std::string::npos) << r.status().message();
  }
  auto unknown = EaseRecommender::Create({{"lamda", "10"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'lamda'"), std::string::npos);
  auto memory = EaseRecommender::Create({{"max_memory_gb", "-2"}});
  ASSERT_FALSE(memory.ok());
  EXPECT_NE(memory.status().message().find("'max_memory_gb'"), std::string::npos);
  auto binary = EaseRecommender::Create({{"binary", "maybe"}});
  ASSERT_FALSE(binary.ok());
  EXPECT_NE(binary.status().message().find("'binary'"), std::string::npos);
}

TEST(EaseTest, ParametersIncludeDefaults) {
  auto model = MakeEase({});
  Parameters p = model->parameters();
  EXPECT_EQ(p.values().at("lambda"), "500");
  EXPECT_EQ(p.values().at("binary"), "true");
  EXPECT_EQ(p.values().at("max_memory_gb"), "0");
  EXPECT_EQ(model->name(), "ease");
}

// OpenBLAS splits its work by thread count, so B may differ in the last
// float bits between thread counts (spd_inverse.h); at one thread count a
// retrain is bit-identical, and across counts scores agree to float rounding.
TEST(EaseTest, RepeatableAtOneThreadCountAndCloseAcrossThreadCounts) {
  const InteractionMatrix x = RandomInteractions(2000, 700, 40, 8);
  std::vector<std::vector<float>> results;
  for (int threads : {1, 2, 2}) {
    SetThreadCount(threads);
    auto model = MakeEase({{"lambda", "30"}});
    ASSERT_TRUE(model->Fit(x, {}).ok());
    results.push_back(test::AllScores(*model, x));
  }
  SetThreadCount(0);
  EXPECT_EQ(results[1], results[2]);
  float largest = 0;
  for (float v : results[0]) largest = std::max(largest, std::abs(v));
  ASSERT_EQ(results[0].size(), results[1].size());
  for (size_t k = 0; k < results[0].size(); ++k) {
    ASSERT_NEAR(results[0][k], results[1][k], 1e-5f * largest) << k;
  }
}

TEST(EaseTest, BeatsPopularityAndRandomOnASyntheticService) {
  SyntheticConfig config;
  config.members = 3000;
  config.titles = 500;
  config.plays = 150000;
  Result<SyntheticService> service = GenerateService(config);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  const test::Holdout holdout = test::HoldOut(service->dataset.interactions, 0.2, 5, 9);

  auto ease = MakeEase({{"lambda", "100"}});
  ASSERT_TRUE(ease->Fit(holdout.train, {}).ok());
  auto popularity = PopularityRecommender::Create({});
  ASSERT_TRUE(popularity.ok());
  ASSERT_TRUE((*popularity)->Fit(holdout.train, {}).ok());

  const double ease_recall = test::ModelRecallAt(*ease, holdout, 20);
  const double popularity_recall = test::ModelRecallAt(**popularity, holdout, 20);
  const double random_recall = test::RandomRecallAt(holdout, 20, 10);
  RecordProperty("ease_recall20", std::to_string(ease_recall));
  std::printf("recall@20: ease %.4f  popularity %.4f  random %.4f\n", ease_recall,
              popularity_recall, random_recall);
  EXPECT_GT(ease_recall, 3 * random_recall);
  EXPECT_GT(ease_recall, 1.2 * popularity_recall);
}

}  // namespace
}  // namespace marquee
