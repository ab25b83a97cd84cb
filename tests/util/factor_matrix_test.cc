// The scoring kernels of util/factor_matrix.h against naive double-precision
// references, at factor counts around the 16-float lane (1, 15, 16, 17) and
// model sizes (64, 100, 128), and row counts that are not multiples of
// ScoreAll's eight-row step.
#include "marquee/util/factor_matrix.h"
#include "marquee/util/huge_pages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include <cmath>
#include <limits>
#include <vector>

#include "marquee/util/random.h"

namespace marquee {
namespace {

FactorMatrix RandomMatrix(uint32_t rows, uint32_t factors, uint64_t seed) {
  Rng rng(seed);
  FactorMatrix m(rows, factors);
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t j = 0; j < factors; ++j) m.Row(r)[j] = static_cast<float>(rng.Uniform(-1.0, 1.0));
  }
  return m;
}

// The exact dot product, and the scale of its float rounding (sum |x_j y_j|).
struct Reference {
  double dot = 0;
  double magnitude = 0;
};

Reference NaiveDot(const float* x, const float* y, uint32_t factors) {
  Reference r;
  for (uint32_t j = 0; j < factors; ++j) {
    r.dot += static_cast<double>(x[j]) * y[j];
    r.magnitude += std::abs(static_cast<double>(x[j]) * y[j]);
  }
  return r;
}

constexpr uint32_t kFactorCounts[] = {1, 15, 16, 17, 64, 100, 128};
constexpr uint32_t kRowCounts[] = {1, 7, 8, 9, 1001};

TEST(ScoreAllTest, MatchesANaiveDoubleDotAndDotBitForBit) {
  for (uint32_t factors : kFactorCounts) {
    for (uint32_t rows : kRowCounts) {
      const FactorMatrix m = RandomMatrix(rows, factors, 100 * factors + rows);
      const FactorMatrix x = RandomMatrix(1, factors, 7);
      std::vector<float> scores(rows + 3, 42.0f);
      ScoreAll(m, x.Row(0), scores);
      for (uint32_t i = 0; i < rows; ++i) {
        const Reference ref = NaiveDot(x.Row(0), m.Row(i), factors);
        ASSERT_NEAR(scores[i], ref.dot, 1e-6 * ref.magnitude + 1e-30)
            << "factors " << factors << " rows " << rows << " row " << i;
        ASSERT_EQ(scores[i], Dot(x.Row(0), m.Row(i), m.stride()))
            << "factors " << factors << " rows " << rows << " row " << i;
      }
      for (uint32_t i = rows; i < scores.size(); ++i) EXPECT_EQ(scores[i], 42.0f);  // untouched
    }
  }
}

TEST(ScoreAllTest, EmptyMatrixWritesNothing) {
  const FactorMatrix m(0, 64);
  const FactorMatrix x(1, 64);
  std::vector<float> scores(2, 42.0f);
  ScoreAll(m, x.Row(0), scores);
  EXPECT_EQ(scores, (std::vector<float>{42.0f, 42.0f}));
}

TEST(ScoreBlockTest, MatchesANaiveDoubleProduct) {
  for (uint32_t factors : kFactorCounts) {
    for (uint32_t rows : kRowCounts) {
      const FactorMatrix m = RandomMatrix(rows, factors, 100 * factors + rows);
      const FactorMatrix queries = RandomMatrix(70, factors, 3 + factors);
      const uint32_t begin = 3, count = 65;  // an offset block, rows of ld > m.rows()
      const size_t ld = rows + 5;
      std::vector<float> scores(count * ld, 42.0f);
      ScoreBlock(queries, begin, count, m, scores.data(), ld);
      for (uint32_t r = 0; r < count; ++r) {
        for (uint32_t i = 0; i < rows; ++i) {
          const Reference ref = NaiveDot(queries.Row(begin + r), m.Row(i), factors);
          ASSERT_NEAR(scores[r * ld + i], ref.dot, 1e-6 * ref.magnitude + 1e-30)
              << "factors " << factors << " rows " << rows << " query " << r << " row " << i;
        }
        for (size_t i = rows; i < ld; ++i) ASSERT_EQ(scores[r * ld + i], 42.0f);  // untouched
      }
    }
  }
}

TEST(ScoreBlockTest, EmptyBlockWritesNothing) {
  const FactorMatrix m = RandomMatrix(9, 16, 1);
  const FactorMatrix queries = RandomMatrix(4, 16, 2);
  std::vector<float> scores(9, 42.0f);
  ScoreBlock(queries, 0, 0, m, scores.data(), 9);
  EXPECT_EQ(scores, std::vector<float>(9, 42.0f));
}

}  // namespace
}  // namespace marquee

namespace marquee {
namespace {

TEST(FactorMatrixTest, LargeMatricesAreHugePageAlignedAndEveryMatrixStartsZeroed) {
  const FactorMatrix large(100000, 64);  // 25.6 MB: gathered by iALS, so on 2 MB pages where allowed
  EXPECT_EQ(reinterpret_cast<uintptr_t>(large.data()) % kHugePageBytes, 0u);
  const FactorMatrix small(3, 5);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(small.data()) % 64, 0u);
  for (const FactorMatrix* m : {&large, &small}) {
    const size_t n = static_cast<size_t>(m->rows()) * m->stride();
    EXPECT_EQ(std::count(m->data(), m->data() + n, 0.0f), static_cast<ptrdiff_t>(n));
  }
}

}  // namespace
}  // namespace marquee
