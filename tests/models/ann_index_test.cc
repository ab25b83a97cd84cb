#include "marquee/models/ann_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "marquee/models/top_k.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

constexpr uint32_t kTitles = 2000;
constexpr uint32_t kFactors = 32;

FactorMatrix RandomFactors(uint32_t rows, uint32_t factors, uint64_t seed) {
  FactorMatrix m(rows, factors);
  Rng rng(seed);
  for (uint32_t r = 0; r < rows; ++r) {
    // Varying norms, as trained factors have (popular titles are longer).
    const double scale = 0.5 + rng.Uniform();
    for (uint32_t j = 0; j < factors; ++j) m.Row(r)[j] = static_cast<float>(scale * rng.Normal());
  }
  return m;
}

std::vector<ScoredTitle> ExactTopK(const FactorMatrix& titles, const float* query,
                                   uint32_t k, std::span<const uint32_t> exclude = {}) {
  std::vector<float> scores(titles.rows());
  ScoreAll(titles, query, scores);
  ExcludeTitles(scores, exclude);
  return TopK(scores, k);
}

class AnnIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    titles_ = RandomFactors(kTitles, kFactors, 7);
    queries_ = RandomFactors(100, kFactors, 8);
    ASSERT_TRUE(index_.Build(titles_, /*m=*/32, /*ef_construction=*/400, /*threads=*/2,
                             /*seed=*/100).ok());
  }
  std::span<const float> Query(uint32_t q) const { return {queries_.Row(q), kFactors}; }

  FactorMatrix titles_;
  FactorMatrix queries_;
  InnerProductIndex index_;
};

TEST_F(AnnIndexTest, ReportsItsShape) {
  EXPECT_TRUE(index_.built());
  EXPECT_EQ(index_.title_count(), kTitles);
  EXPECT_EQ(index_.factors(), kFactors);
  EXPECT_GT(index_.memory_bytes(), size_t{kTitles} * kFactors * sizeof(float));
  InnerProductIndex empty;
  EXPECT_FALSE(empty.built());
  EXPECT_TRUE(empty.Search(Query(0), 10, 50).empty());
}

TEST_F(AnnIndexTest, LargeEfGivesTheExactTopK) {
  for (uint32_t q = 0; q < queries_.rows(); ++q) {
    const std::vector<ScoredTitle> exact = ExactTopK(titles_, queries_.Row(q), 20);
    const std::vector<ScoredTitle> ann = index_.Search(Query(q), 20, kTitles);
    ASSERT_EQ(ann, exact) << "query " << q;  // titles and scores, bit for bit
  }
}

TEST_F(AnnIndexTest, RecallAt20IsHighAtModerateEf) {
  uint64_t hits = 0, total = 0;
  for (uint32_t q = 0; q < queries_.rows(); ++q) {
    const std::vector<ScoredTitle> exact = ExactTopK(titles_, queries_.Row(q), 20);
    const std::vector<ScoredTitle> ann = index_.Search(Query(q), 20, 400);
    ASSERT_EQ(ann.size(), 20u);
    std::set<uint32_t> truth;
    for (const ScoredTitle& t : exact) truth.insert(t.title);
    for (const ScoredTitle& t : ann) hits += truth.count(t.title);
    total += exact.size();
  }
  const double recall = static_cast<double>(hits) / total;
  EXPECT_GE(recall, 0.95) << "recall@20 " << recall;
}

TEST_F(AnnIndexTest, ResultsAreSortedByExactScore) {
  for (uint32_t q = 0; q < queries_.rows(); ++q) {
    const std::vector<ScoredTitle> ann = index_.Search(Query(q), 50, 30);  // ef < k: widened to k
    ASSERT_EQ(ann.size(), 50u);
    std::set<uint32_t> seen;
    for (size_t i = 0; i < ann.size(); ++i) {
      ASSERT_LT(ann[i].title, kTitles);
      EXPECT_TRUE(seen.insert(ann[i].title).second) << "duplicate title";
      EXPECT_EQ(ann[i].score,
                Dot(queries_.Row(q), titles_.Row(ann[i].title), titles_.stride()));
      if (i > 0) {
        EXPECT_TRUE(ann[i - 1].score > ann[i].score ||
                    (ann[i - 1].score == ann[i].score && ann[i - 1].title < ann[i].title));
      }
    }
  }
}

TEST_F(AnnIndexTest, ExcludedTitlesAreNeverReturned) {
  for (uint32_t q = 0; q < 20; ++q) {
    // Exclude the true top 10 (the titles the search finds first) and some
    // random ones, with a duplicate and an out-of-range index.
    std::vector<uint32_t> exclude;
    for (const ScoredTitle& t : ExactTopK(titles_, queries_.Row(q), 10)) exclude.push_back(t.title);
    Rng rng(100 + q);
    for (int i = 0; i < 30; ++i) exclude.push_back(rng.Below(kTitles));
    exclude.push_back(exclude.front());
    exclude.push_back(kTitles + 5);
    const std::vector<ScoredTitle> ann = index_.Search(Query(q), 20, 100, exclude);
    ASSERT_EQ(ann.size(), 20u);
    for (const ScoredTitle& t : ann) {
      EXPECT_EQ(std::find(exclude.begin(), exclude.end(), t.title), exclude.end())
          << "excluded title " << t.title << " returned";
    }
    // With a large ef, exactly the exact top-k among the rest.
    EXPECT_EQ(index_.Search(Query(q), 20, kTitles, exclude),
              ExactTopK(titles_, queries_.Row(q), 20, exclude));
  }
}

TEST_F(AnnIndexTest, KLargerThanTheCatalogReturnsEverythingNotExcluded) {
  std::vector<uint32_t> exclude = {0, 5, 17, 1999, 1000};
  const std::vector<ScoredTitle> ann = index_.Search(Query(3), kTitles + 100, 10, exclude);
  ASSERT_EQ(ann.size(), kTitles - exclude.size());
  std::set<uint32_t> titles;
  for (const ScoredTitle& t : ann) titles.insert(t.title);
  EXPECT_EQ(titles.size(), ann.size());
  for (uint32_t t : exclude) EXPECT_EQ(titles.count(t), 0u);
  EXPECT_EQ(ann, ExactTopK(titles_, queries_.Row(3), kTitles + 100, exclude));
}

TEST_F(AnnIndexTest, DeterministicForAFixedBuild) {
  // The same index answers the same way, also from concurrent threads.
  std::vector<std::vector<ScoredTitle>> first(queries_.rows());
  for (uint32_t q = 0; q < queries_.rows(); ++q) first[q] = index_.Search(Query(q), 20, 40);
  std::vector<std::vector<ScoredTitle>> second(queries_.rows());
  std::vector<std::thread> workers;
  for (uint32_t w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      for (uint32_t q = w; q < queries_.rows(); q += 4) second[q] = index_.Search(Query(q), 20, 40);
    });
  }
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(first, second);

  // Single-threaded builds with the same seed give the same graph, hence the
  // same (approximate, small-ef) answers.
  InnerProductIndex a, b;
  ASSERT_TRUE(a.Build(titles_, 8, 40, /*threads=*/1, /*seed=*/123).ok());
  ASSERT_TRUE(b.Build(titles_, 8, 40, /*threads=*/1, /*seed=*/123).ok());
  for (uint32_t q = 0; q < queries_.rows(); ++q) {
    ASSERT_EQ(a.Search(Query(q), 20, 20), b.Search(Query(q), 20, 20)) << "query " << q;
  }
}

TEST(AnnIndexEdgeTest, PaddedQueriesAndTinyCatalogs) {
  FactorMatrix titles = RandomFactors(3, 5, 1);
  InnerProductIndex index;
  ASSERT_TRUE(index.Build(titles, 4, 10, 1).ok());
  FactorMatrix query = RandomFactors(1, 5, 2);
  // A query of the padded stride is the same as one of `factors` floats.
  const std::vector<ScoredTitle> short_query = index.Search({query.Row(0), 5}, 10, 10);
  const std::vector<ScoredTitle> padded_query =
      index.Search({query.Row(0), query.stride()}, 10, 10);
  EXPECT_EQ(short_query, padded_query);
  EXPECT_EQ(short_query, ExactTopK(titles, query.Row(0), 10));
  EXPECT_TRUE(index.Search({query.Row(0), 5}, 0, 10).empty());
  const uint32_t all[] = {0, 1, 2};
  EXPECT_TRUE(index.Search({query.Row(0), 5}, 5, 10, all).empty());

  InnerProductIndex empty;
  ASSERT_TRUE(empty.Build(FactorMatrix(0, 5), 4, 10, 1).ok());
  EXPECT_TRUE(empty.built());
  EXPECT_TRUE(empty.Search({query.Row(0), 5}, 5, 10).empty());
}

}  // namespace
// Bad options are errors, not exceptions, and leave the previous index alone.
TEST(AnnIndexEdgeTest, RefusesBadOptionsWithoutThrowing) {
  FactorMatrix titles = RandomFactors(10, 5, 1);
  InnerProductIndex index;
  ASSERT_TRUE(index.Build(titles, 4, 10, 1).ok());
  Status low_m = index.Build(titles, 1, 10, 1);
  EXPECT_EQ(low_m.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(low_m.message().find("M: expected an integer >= 2, found 1"), std::string::npos)
      << low_m.message();
  Status no_ef = index.Build(titles, 4, 0, 1);
  EXPECT_NE(no_ef.message().find("ef_construction"), std::string::npos) << no_ef.message();
  Status wide = index.Build(FactorMatrix(3, 2000), 4, 10, 1);
  EXPECT_NE(wide.message().find("expected at most 1024 factors, found 2000"), std::string::npos)
      << wide.message();
  EXPECT_EQ(index.title_count(), 10u);
}

namespace {

// Issue 10: factors as an implicit model trained with a minimum rating
// leaves them -- thousands of titles with no positives (zero vectors, or
// identical tiny ones), a block of duplicates, and a few titles that score.
// Before, the graph search returned score-0 cold titles (recall 0) and with
// M = 4 far fewer titles than asked for.
FactorMatrix SkewedFactors(uint32_t* warm_count) {
  constexpr uint32_t kZero = 2400, kTiny = 600, kDuplicates = 100, kWarm = 30;
  FactorMatrix m(kZero + kTiny + kDuplicates + kWarm, kFactors);
  for (uint32_t r = 0; r < m.rows(); ++r) std::fill(m.Row(r), m.Row(r) + kFactors, 0.0f);
  Rng rng(11);
  std::vector<float> tiny(kFactors), shared(kFactors);
  for (uint32_t j = 0; j < kFactors; ++j) {
    tiny[j] = static_cast<float>(1e-7 * rng.Normal());
    shared[j] = static_cast<float>(0.3 * rng.Normal());
  }
  // Rows in a shuffled order, so that no kind sits in one block.
  std::vector<uint32_t> rows(m.rows());
  for (uint32_t i = 0; i < rows.size(); ++i) rows[i] = i;
  for (uint32_t i = static_cast<uint32_t>(rows.size()) - 1; i > 0; --i) {
    std::swap(rows[i], rows[static_cast<uint32_t>(rng.Uniform() * (i + 1)) % (i + 1)]);
  }
  uint32_t next = kZero;
  for (uint32_t i = 0; i < kTiny; ++i) std::copy(tiny.begin(), tiny.end(), m.Row(rows[next++]));
  for (uint32_t i = 0; i < kDuplicates; ++i) std::copy(shared.begin(), shared.end(), m.Row(rows[next++]));
  for (uint32_t i = 0; i < kWarm; ++i) {
    const double scale = 1.0 + 3.0 * rng.Uniform();
    for (uint32_t j = 0; j < kFactors; ++j) m.Row(rows[next])[j] = static_cast<float>(scale * rng.Normal());
    ++next;
  }
  *warm_count = 1 + kWarm;  // distinct vectors with a signal
  return m;
}

// Tie-aware recall: the share of the exact top k matched by results scoring
// at least the exact k-th score.
double Recall(const std::vector<ScoredTitle>& got, const std::vector<ScoredTitle>& exact) {
  if (exact.empty()) return 1.0;
  const float kth = exact.back().score;
  size_t hits = 0;
  for (const ScoredTitle& t : got) hits += t.score >= kth ? 1 : 0;
  return static_cast<double>(std::min(hits, exact.size())) / exact.size();
}

TEST(AnnIndexSkewedTest, RecallAt10OnSkewedFactorsIsHigh) {
  uint32_t warm = 0;
  const FactorMatrix titles = SkewedFactors(&warm);
  InnerProductIndex index;
  ASSERT_TRUE(index.Build(titles, /*m=*/16, /*ef_construction=*/200, /*threads=*/1).ok());
  EXPECT_EQ(index.indexed_count(), warm);  // zero, tiny and duplicate vectors are kept out
  const FactorMatrix queries = RandomFactors(100, kFactors, 12);
  double recall = 0;
  for (uint32_t q = 0; q < queries.rows(); ++q) {
    const std::vector<ScoredTitle> exact = ExactTopK(titles, queries.Row(q), 10);
    const std::vector<ScoredTitle> got = index.Search({queries.Row(q), kFactors}, 10, 50);
    ASSERT_EQ(got.size(), 10u);
    recall += Recall(got, exact);
  }
  EXPECT_GE(recall / queries.rows(), 0.9);
}

TEST(AnnIndexSkewedTest, ReturnsMinOfKAndCandidatesForEveryKWithSmallM) {
  uint32_t warm = 0;
  const FactorMatrix titles = SkewedFactors(&warm);
  const uint32_t n = titles.rows();
  InnerProductIndex index;
  ASSERT_TRUE(index.Build(titles, /*m=*/4, /*ef_construction=*/20, /*threads=*/1).ok());
  const FactorMatrix queries = RandomFactors(3, kFactors, 13);
  std::vector<uint32_t> exclude;
  for (uint32_t t = 0; t < n; t += 7) exclude.push_back(t);
  exclude.push_back(n + 10);  // out of range: ignored
  exclude.push_back(0);       // a duplicate
  const uint32_t kept = n - (n + 6) / 7;
  for (uint32_t k : {1u, 10u, 100u, 130u, 131u, 500u, 1000u, kept, n - 1, n, n + 50}) {
    for (uint32_t q = 0; q < queries.rows(); ++q) {
      std::span<const float> query(queries.Row(q), kFactors);
      const std::vector<ScoredTitle> exact = ExactTopK(titles, queries.Row(q), n);
      std::vector<ScoredTitle> all = index.Search(query, k, 10);
      ASSERT_EQ(all.size(), std::min(k, n)) << "k=" << k;
      for (size_t i = 1; i < all.size(); ++i) EXPECT_GE(all[i - 1].score, all[i].score);
      std::vector<ScoredTitle> some = index.Search(query, k, 10, exclude);
      EXPECT_EQ(some.size(), std::min(k, kept)) << "k=" << k;
      std::set<uint32_t> distinct;
      for (const ScoredTitle& t : some) {
        EXPECT_NE(t.title % 7, 0u);
        distinct.insert(t.title);
      }
      EXPECT_EQ(distinct.size(), some.size());
      if (k >= n) {  // everything: the exact order
        for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].title, exact[i].title) << i;
      }
    }
  }
}

// Titles the caller says have no signal stay out of the graph but still
// rank, exactly, when they score.
TEST(AnnIndexSkewedTest, TitlesWithNoSignalAreNotIndexedButStillRank) {
  const FactorMatrix titles = RandomFactors(300, kFactors, 14);
  std::vector<uint8_t> no_signal(300, 0);
  for (uint32_t t = 0; t < 300; t += 3) no_signal[t] = 1;
  InnerProductIndex index;
  InnerProductIndex::BuildOptions options;
  options.m = 16;
  options.threads = 1;
  options.no_signal = no_signal;
  ASSERT_TRUE(index.Build(titles, options).ok());
  EXPECT_EQ(index.title_count(), 300u);
  EXPECT_EQ(index.indexed_count(), 200u);
  const FactorMatrix queries = RandomFactors(20, kFactors, 15);
  for (uint32_t q = 0; q < queries.rows(); ++q) {
    const std::vector<ScoredTitle> got = index.Search({queries.Row(q), kFactors}, 250, 50);
    const std::vector<ScoredTitle> exact = ExactTopK(titles, queries.Row(q), 250);
    ASSERT_EQ(got.size(), 250u);
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].title, exact[i].title) << i;
  }
}

}  // namespace

}  // namespace marquee
