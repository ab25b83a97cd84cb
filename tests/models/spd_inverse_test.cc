#include "marquee/models/spd_inverse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "marquee/util/random.h"
#include "marquee/util/threads.h"
#include "dense_reference.h"

namespace marquee {
namespace {

using test::DenseMatrix;

// M M^T + n I for a random M: symmetric, positive definite, and about as
// well conditioned as EASE's G with a moderate lambda.
DenseMatrix RandomSpd(uint32_t n, uint64_t seed) {
  Rng rng(seed);
  DenseMatrix m(n, std::vector<double>(n));
  for (auto& row : m) {
    for (double& v : row) v = rng.Uniform(-1, 1);
  }
  DenseMatrix spd(n, std::vector<double>(n, 0.0));
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t j = 0; j <= i; ++j) {
      double sum = 0;
      for (uint32_t k = 0; k < n; ++k) sum += m[i][k] * m[j][k];
      spd[i][j] = spd[j][i] = sum;
    }
    spd[i][i] += n;
  }
  return spd;
}

// Column-major, lower triangle only: the upper one is garbage, to show the
// inverse does not read it.
template <typename T>
std::vector<T> LowerColumnMajor(const DenseMatrix& a) {
  const size_t n = a.size();
  std::vector<T> out(n * n, T(12345));
  for (size_t j = 0; j < n; ++j) {
    for (size_t i = j; i < n; ++i) out[j * n + i] = static_cast<T>(a[i][j]);
  }
  return out;
}

// max |A X - I| over all entries, X column-major, computed in double.
template <typename T>
double IdentityResidual(const DenseMatrix& a, const std::vector<T>& x) {
  const size_t n = a.size();
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      double sum = 0;
      for (size_t k = 0; k < n; ++k) sum += a[i][k] * x[j * n + k];
      worst = std::max(worst, std::abs(sum - (i == j ? 1.0 : 0.0)));
    }
  }
  return worst;
}

// 300 is past OpenBLAS's block sizes for potrf and its recursive trtri, so
// the blocked paths run, not only the unblocked kernels.
TEST(SpdInverseTest, InverseTimesMatrixIsTheIdentity) {
  const DenseMatrix a = RandomSpd(300, 1);
  std::vector<double> x = LowerColumnMajor<double>(a);
  ASSERT_TRUE(InvertSymmetricPositiveDefinite(std::span<double>(x), 300).ok());
  EXPECT_LT(IdentityResidual(a, x), 1e-12);
  std::vector<float> y = LowerColumnMajor<float>(a);
  ASSERT_TRUE(InvertSymmetricPositiveDefinite(std::span<float>(y), 300).ok());
  EXPECT_LT(IdentityResidual(a, y), 1e-4);  // float: about 1e-7 times the condition number and n
}

TEST(SpdInverseTest, BothTrianglesAreFilledAndSymmetric) {
  const uint32_t n = 40;
  std::vector<double> x = LowerColumnMajor<double>(RandomSpd(n, 2));
  ASSERT_TRUE(InvertSymmetricPositiveDefinite(std::span<double>(x), n).ok());
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t j = 0; j < i; ++j) ASSERT_EQ(x[j * n + i], x[i * n + j]) << i << "," << j;
  }
}

// The independent method: Gauss-Jordan elimination in double.
TEST(SpdInverseTest, MatchesGaussJordanOnASmallMatrix) {
  const uint32_t n = 50;
  const DenseMatrix a = RandomSpd(n, 3);
  const DenseMatrix want = test::GaussJordanInverse(a);
  double largest = 0;
  for (const auto& row : want) {
    for (double v : row) largest = std::max(largest, std::abs(v));
  }
  std::vector<double> x = LowerColumnMajor<double>(a);
  std::vector<float> y = LowerColumnMajor<float>(a);
  ASSERT_TRUE(InvertSymmetricPositiveDefinite(std::span<double>(x), n).ok());
  ASSERT_TRUE(InvertSymmetricPositiveDefinite(std::span<float>(y), n).ok());
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t j = 0; j < n; ++j) {
      ASSERT_NEAR(x[j * n + i], want[i][j], 1e-13 * largest) << "double (" << i << "," << j << ")";
      ASSERT_NEAR(y[j * n + i], want[i][j], 1e-5 * largest) << "float (" << i << "," << j << ")";
    }
  }
}

TEST(SpdInverseTest, RefusesAMatrixThatIsNotPositiveDefinite) {
  std::vector<float> indefinite = {1, 2, 2, 1};  // eigenvalues 3 and -1
  Status s = InvertSymmetricPositiveDefinite(std::span<float>(indefinite), 2);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("not positive definite"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("order 2"), std::string::npos) << s.message();

  std::vector<double> negative = {-1, 0, 0, 1};
  s = InvertSymmetricPositiveDefinite(std::span<double>(negative), 2);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("order 1"), std::string::npos) << s.message();

  // Singular: a repeated row. Positive semi-definite is not enough.
  std::vector<double> singular(9, 1.0);
  s = InvertSymmetricPositiveDefinite(std::span<double>(singular), 3);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
}

TEST(SpdInverseTest, RefusesTooFewEntriesAndAcceptsEmpty) {
  std::vector<float> three(3, 1.0f);
  Status s = InvertSymmetricPositiveDefinite(std::span<float>(three), 2);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("3 entries given for a 2 x 2 matrix"), std::string::npos)
      << s.message();
  EXPECT_TRUE(InvertSymmetricPositiveDefinite(std::span<float>(), 0).ok());
}

TEST(SpdInverseTest, ReportsProgressInTwoSteps) {
  std::vector<double> x = LowerColumnMajor<double>(RandomSpd(20, 4));
  std::vector<std::pair<uint32_t, uint32_t>> steps;
  ASSERT_TRUE(InvertSymmetricPositiveDefinite(std::span<double>(x), 20, [&](uint32_t done, uint32_t total) {
                steps.emplace_back(done, total);
              }).ok());
  EXPECT_EQ(steps, (std::vector<std::pair<uint32_t, uint32_t>>{{1, 2}, {2, 2}}));
}

// Debian's OpenBLAS may keep its own thread count (the pthreads build):
// the project's setting must reach it.
TEST(SpdInverseTest, OpenBlasThreadsFollowSetThreadCount) {
  for (int threads : {1, 2}) {
    SetThreadCount(threads);
    std::vector<double> x = LowerColumnMajor<double>(RandomSpd(8, 5));
    ASSERT_TRUE(InvertSymmetricPositiveDefinite(std::span<double>(x), 8).ok());
    const std::string library = LinearAlgebraLibrary();
    EXPECT_NE(library.find(", " + std::to_string(threads) + " threads)"), std::string::npos)
        << library;
  }
  SetThreadCount(0);
}

}  // namespace
}  // namespace marquee
