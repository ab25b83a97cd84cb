#include "marquee/models/item_knn.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "marquee/synthetic/synthetic.h"
#include "marquee/util/threads.h"
#include "recommender_test_util.h"

namespace marquee {
namespace {

using test::RandomInteractions;
using Dense = std::vector<std::vector<double>>;  // [member][title]

// The weighted matrix of item_weighting.h, written out densely.
Dense ReferenceWeights(const InteractionMatrix& x, const std::string& weighting, bool binary,
                       double k1, double b) {
  const uint32_t members = x.rows(), titles = x.cols();
  Dense r(members, std::vector<double>(titles, 0.0));
  for (uint32_t m = 0; m < members; ++m) {
    for (uint64_t e = x.RowBegin(m); e < x.RowEnd(m); ++e) {
      r[m][x.indices()[e]] = binary ? 1.0 : x.weights()[e];
    }
  }
  if (weighting == "none") return r;
  std::vector<double> length(titles, 0.0);
  double total = 0;
  int titles_with_plays = 0;
  for (uint32_t t = 0; t < titles; ++t) {
    for (uint32_t m = 0; m < members; ++m) length[t] += r[m][t];
    total += length[t];
    titles_with_plays += length[t] > 0;
  }
  const double average = total / titles_with_plays;
  Dense out = r;
  for (uint32_t m = 0; m < members; ++m) {
    const double idf = x.RowLength(m) ? std::log(double(titles) / x.RowLength(m)) : 0;
    for (uint32_t t = 0; t < titles; ++t) {
      const double v = r[m][t];
      if (v == 0) continue;
      if (weighting == "tfidf") {
        out[m][t] = v * idf;
      } else {
        out[m][t] = idf * v * (k1 + 1) / (v + k1 * (1 - b + b * length[t] / average));
      }
    }
  }
  return out;
}

// sim[i][j] = x_i . x_j / (|x_i| |x_j| + shrink), 0 on the diagonal.
Dense ReferenceSimilarities(const Dense& w, double shrink) {
  const size_t titles = w.empty() ? 0 : w[0].size();
  Dense sim(titles, std::vector<double>(titles, 0.0));
  std::vector<double> norm(titles, 0.0);
  for (const auto& row : w) {
    for (size_t t = 0; t < titles; ++t) norm[t] += row[t] * row[t];
  }
  for (double& v : norm) v = std::sqrt(v);
  for (size_t i = 0; i < titles; ++i) {
    for (size_t j = 0; j < titles; ++j) {
      if (i == j) continue;
      double dot = 0;
      for (const auto& row : w) dot += row[i] * row[j];
      if (dot > 0) sim[i][j] = dot / (norm[i] * norm[j] + shrink);
    }
  }
  return sim;
}

std::unique_ptr<Recommender> MakeKnn(const Parameters& parameters) {
  Result<std::unique_ptr<Recommender>> model = ItemKnnRecommender::Create(parameters);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return std::move(model).value();
}

// Each title's neighbours: sorted, similar to the reference, and no title
// left out is more similar than the least similar one kept.
void ExpectTopNeighbors(const ItemKnnRecommender& knn, const Dense& sim, uint32_t n) {
  for (uint32_t i = 0; i < sim.size(); ++i) {
    std::span<const uint32_t> kept = knn.Neighbors(i);
    std::span<const float> kept_sim = knn.Similarities(i);
    const auto positive = std::count_if(sim[i].begin(), sim[i].end(), [](double v) { return v > 0; });
    ASSERT_EQ(kept.size(), std::min<size_t>(n, positive)) << "title " << i;
    std::vector<bool> is_kept(sim.size(), false);
    for (size_t k = 0; k < kept.size(); ++k) {
      ASSERT_NE(kept[k], i);
      ASSERT_NEAR(kept_sim[k], sim[i][kept[k]], 1e-5 * sim[i][kept[k]]) << i << "->" << kept[k];
      if (k > 0) ASSERT_GE(kept_sim[k - 1], kept_sim[k]);
      is_kept[kept[k]] = true;
    }
    if (kept.empty()) continue;
    const double weakest = kept_sim.back();
    for (uint32_t j = 0; j < sim.size(); ++j) {
      if (!is_kept[j] && j != i) ASSERT_LE(sim[i][j], weakest * (1 + 1e-5)) << i << "->" << j;
    }
  }
}

struct Setting {
  std::string weighting;
  bool binary;
};

TEST(ItemKnnTest, SimilaritiesMatchBruteForceForEachWeighting) {
  const InteractionMatrix x = RandomInteractions(150, 40, 12, 1);
  for (const Setting& s : std::vector<Setting>{{"none", true},
                                               {"none", false},
                                               {"tfidf", true},
                                               {"tfidf", false},
                                               {"bm25", true},
                                               {"bm25", false}}) {
    SCOPED_TRACE(s.weighting + (s.binary ? " binary" : " weighted"));
    auto model = MakeKnn({{"neighbors", "7"},
                          {"shrink", "2.5"},
                          {"weighting", s.weighting},
                          {"binary", s.binary ? "true" : "false"},
                          {"bm25_k1", "1.2"},
                          {"bm25_b", "0.75"}});
    ASSERT_TRUE(model->Fit(x, {}).ok());
    const Dense sim =
        ReferenceSimilarities(ReferenceWeights(x, s.weighting, s.binary, 1.2, 0.75), 2.5);
    ExpectTopNeighbors(static_cast<ItemKnnRecommender&>(*model), sim, 7);
  }
}

TEST(ItemKnnTest, KeepsAllPositiveSimilaritiesWhenNeighborsIsLarge) {
  const InteractionMatrix x = RandomInteractions(100, 30, 8, 2);
  auto model = MakeKnn({{"neighbors", "1000"}, {"shrink", "0"}});
  ASSERT_TRUE(model->Fit(x, {}).ok());
  ExpectTopNeighbors(static_cast<ItemKnnRecommender&>(*model),
                     ReferenceSimilarities(ReferenceWeights(x, "none", true, 0, 0), 0), 1000);
}

TEST(ItemKnnTest, ScoresAreSumsOfNeighborSimilarities) {
  const InteractionMatrix x = RandomInteractions(150, 40, 12, 3);
  for (bool binary : {true, false}) {
    auto model = MakeKnn({{"neighbors", "5"}, {"binary", binary ? "true" : "false"}});
    ASSERT_TRUE(model->Fit(x, {}).ok());
    const auto& knn = static_cast<ItemKnnRecommender&>(*model);
    const Dense sim = ReferenceSimilarities(ReferenceWeights(x, "none", binary, 0, 0), 10);
    std::vector<float> scores(40);
    for (uint32_t m = 0; m < x.rows(); ++m) {
      History h = History::Row(x, m);
      model->ScoreMember(m, h, scores);
      std::vector<double> want(40, 0.0);
      for (size_t k = 0; k < h.titles.size(); ++k) {
        for (uint32_t j : knn.Neighbors(h.titles[k])) {
          want[j] += (binary ? 1.0 : h.weights[k]) * sim[h.titles[k]][j];
        }
      }
      for (uint32_t j = 0; j < 40; ++j) ASSERT_NEAR(scores[j], want[j], 1e-5 * (1 + want[j]));
    }
    // Similar titles: the neighbour list, 0 elsewhere.
    model->ScoreSimilar(3, scores);
    std::vector<float> want(40, 0.0f);
    for (size_t k = 0; k < knn.Neighbors(3).size(); ++k) {
      want[knn.Neighbors(3)[k]] = knn.Similarities(3)[k];
    }
    EXPECT_EQ(scores, want);
  }
}

TEST(ItemKnnTest, LoadRefusesNeighboursOutOfRange) {
  test::TempDir dir;
  const std::string path = dir.File("bad.mqt");
  SectionFileWriter writer("MQTEST", 1);
  ByteWriter w;
  w.U32(1);
  w.U32(2);
  w.Array<uint64_t>(std::vector<uint64_t>{0, 1, 2});
  w.Array<uint32_t>(std::vector<uint32_t>{1, 2});  // 2 is not a title
  w.Array<float>(std::vector<float>{0.5f, 0.5f});
  writer.AddSection(FourCC("IKNN"), std::move(w));
  ASSERT_TRUE(writer.Write(path).ok());
  auto reader = SectionFileReader::Open(path, "MQTEST", 1, "test");
  ASSERT_TRUE(reader.ok());
  auto model = MakeKnn({});
  Status s = model->LoadState(*reader);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("out of range"), std::string::npos) << s.message();
}

TEST(ItemKnnTest, ParameterErrorsNameTheParameter) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"neighbors", "0"}, {"neighbors", "-3"}, {"shrink", "-1"},   {"weighting", "bm26"},
      {"bm25_b", "1.5"},  {"bm25_k1", "-1"},   {"binary", "maybe"}};
  for (const auto& [name, value] : bad) {
    auto r = ItemKnnRecommender::Create({{name, value}});
    ASSERT_FALSE(r.ok()) << name << "=" << value;
    EXPECT_NE(r.status().message().find("'" + name + "'"), std::string::npos)
        << r.status().message();
  }
  auto unknown = ItemKnnRecommender::Create({{"neighbours", "10"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'neighbours'"), std::string::npos);
}

TEST(ItemKnnTest, ParametersIncludeDefaults) {
  auto model = MakeKnn({});
  EXPECT_EQ(model->parameters().ToString(),
            "binary=true bm25_b=0.8 bm25_k1=100 neighbors=100 shrink=10 weighting=none");
  EXPECT_EQ(model->name(), "itemknn");
}

TEST(ItemKnnTest, DeterministicAtOneAndTwoThreads) {
  const InteractionMatrix x = RandomInteractions(2000, 400, 30, 5);
  std::vector<std::vector<float>> results;
  for (int threads : {1, 2}) {
    SetThreadCount(threads);
    auto model = MakeKnn({{"neighbors", "25"}, {"weighting", "tfidf"}});
    ASSERT_TRUE(model->Fit(x, {}).ok());
    results.push_back(test::AllScores(*model, x));
  }
  SetThreadCount(0);
  EXPECT_EQ(results[0], results[1]);
}

TEST(ItemKnnTest, BeatsRandomOnASyntheticService) {
  SyntheticConfig config;
  config.members = 3000;
  config.titles = 500;
  config.plays = 150000;
  Result<SyntheticService> service = GenerateService(config);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  const test::Holdout holdout = test::HoldOut(service->dataset.interactions, 0.2, 5, 9);
  const double random_recall = test::RandomRecallAt(holdout, 20, 10);
  for (const char* weighting : {"none", "tfidf", "bm25"}) {
    auto knn = MakeKnn({{"weighting", weighting}});
    ASSERT_TRUE(knn->Fit(holdout.train, {}).ok());
    const double recall = test::ModelRecallAt(*knn, holdout, 20);
    std::printf("recall@20: itemknn %-5s %.4f  random %.4f\n", weighting, recall, random_recall);
    EXPECT_GT(recall, 3 * random_recall) << weighting;
  }
}

}  // namespace
}  // namespace marquee
