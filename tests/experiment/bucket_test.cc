#include "marquee/experiment/bucket.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <string>
#include <vector>

namespace marquee::experiment {
namespace {

// The chi-square goodness-of-fit p-value of `counts` against equal shares.
double UniformityP(const std::vector<uint64_t>& counts, uint64_t n) {
  const double expected = static_cast<double>(n) / counts.size();
  double chi2 = 0.0;
  for (uint64_t c : counts) chi2 += (c - expected) * (c - expected) / expected;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared(counts.size() - 1.0), chi2));
}

TEST(BucketTest, IsXxh64OfSaltSlashIdModuloTheBuckets) {
  // Against xxHash's one-shot function on the concatenation: the documented formula.
  const std::string joined = "home-layer/member-42";
  EXPECT_EQ(SaltedHash("member-42", "home-layer"), XXH64(joined.data(), joined.size(), 0));
  EXPECT_EQ(Bucket("member-42", "home-layer"), XXH64(joined.data(), joined.size(), 0) % kBuckets);
  // XXH64("", 0) is the specification's published test vector 0xEF46DB3751D8E999;
  // the salted form of an empty id and salt hashes "/".
  EXPECT_EQ(XXH64("", 0, 0), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(SaltedHash("", ""), XXH64("/", 1, 0));
}

TEST(BucketTest, TheSameIdAndSaltAlwaysGiveTheSameBucket) {
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "m" + std::to_string(i);
    const uint32_t b = Bucket(id, "exp");
    EXPECT_LT(b, kBuckets);
    EXPECT_EQ(Bucket(std::string(id), std::string("exp")), b);
  }
  // The separator keeps these apart.
  EXPECT_NE(SaltedHash("c", "ab"), SaltedHash("bc", "a"));
}

TEST(BucketTest, BucketsAreUniformOverAMillionIds) {
  constexpr uint64_t kIds = 1000000;
  std::vector<uint64_t> counts(100, 0);  // bucket / 100: 100 groups of 100 buckets
  for (uint64_t i = 0; i < kIds; ++i) ++counts[Bucket("member-" + std::to_string(i), "layer-a") / 100];
  EXPECT_GT(UniformityP(counts, kIds), 0.001);
  // The test can fail: the same ids with 1% of them moved into the first
  // group (a 10% excess there) are refused.
  std::vector<uint64_t> skewed = counts;
  for (size_t g = 1; g < skewed.size() && skewed[0] < counts[0] + kIds / 100; ++g) {
    const uint64_t moved = std::min<uint64_t>(101, skewed[g]);
    skewed[g] -= moved;
    skewed[0] += moved;
  }
  EXPECT_LT(UniformityP(skewed, kIds), 0.001);
}

TEST(BucketTest, LayersWithDifferentSaltsAreIndependent) {
  // A 10 x 10 contingency table of (layer A decile, layer B decile) over a
  // million ids: independence expects every cell at n / 100.
  constexpr uint64_t kIds = 1000000;
  std::vector<uint64_t> table(100, 0);
  for (uint64_t i = 0; i < kIds; ++i) {
    const std::string id = "member-" + std::to_string(i);
    ++table[(Bucket(id, "layer-a") / 1000) * 10 + Bucket(id, "layer-b") / 1000];
  }
  // Margins are uniform (tested above), so the expected cell is n/100 and
  // the statistic has (10 - 1)(10 - 1) = 81 degrees of freedom.
  const double expected = kIds / 100.0;
  double chi2 = 0.0;
  for (uint64_t c : table) chi2 += (c - expected) * (c - expected) / expected;
  const double p = boost::math::cdf(boost::math::complement(boost::math::chi_squared(81.0), chi2));
  EXPECT_GT(p, 0.001) << "chi2 " << chi2;
  // The same salt twice is the opposite: all mass on the diagonal.
  std::vector<uint64_t> same(100, 0);
  for (uint64_t i = 0; i < 10000; ++i) {
    const std::string id = "member-" + std::to_string(i);
    ++same[(Bucket(id, "layer-a") / 1000) * 10 + Bucket(id, "layer-a") / 1000];
  }
  for (int r = 0; r < 10; ++r) {
    for (int c = 0; c < 10; ++c) {
      if (r != c) EXPECT_EQ(same[r * 10 + c], 0u);
    }
  }
}

}  // namespace
}  // namespace marquee::experiment
