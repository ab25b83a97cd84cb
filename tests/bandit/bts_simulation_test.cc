#include "marquee/bandit/bts_simulation.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace marquee {
namespace {

// BtsActionDistribution

double Column(const std::vector<double>& d, uint32_t positions, uint32_t p) {
  double sum = 0.0;
  for (size_t i = p; i < d.size(); i += positions) sum += d[i];
  return sum;
}

TEST(BtsSimulationTest, BtsDistributionColumnsSumToOneAndFollowThePriors) {
  // Item 2 has by far the highest click rate (about 0.5 against 0.01-0.05):
  // it is nearly always first; item 1 (0.05) is usually second.
  BtsPriors priors{{1, 50, 500, 10, 2}, {99, 950, 500, 990, 198}};
  const uint32_t positions = 3;
  std::vector<double> d = BtsActionDistribution(priors, positions, 20000, 1);
  ASSERT_EQ(d.size(), 15u);
  for (uint32_t p = 0; p < positions; ++p) EXPECT_NEAR(Column(d, positions, p), 1.0, 1e-12) << p;
  for (double v : d) EXPECT_TRUE(v >= 0.0 && v <= 1.0);
  EXPECT_GT(d[2 * positions + 0], 0.999);  // item 2 first
  EXPECT_GT(d[1 * positions + 1], 0.6);    // item 1 second
  // Equal priors: every item equally likely everywhere.
  BtsPriors even{{5, 5, 5, 5}, {50, 50, 50, 50}};
  std::vector<double> e = BtsActionDistribution(even, 2, 40000, 3);
  for (double v : e) EXPECT_NEAR(v, 0.25, 0.01);
}

TEST(BtsSimulationTest, BtsDistributionIsDeterministicForASeed) {
  BtsPriors priors{{3, 4, 5, 6, 7, 8}, {100, 100, 100, 100, 100, 100}};
  std::vector<double> a = BtsActionDistribution(priors, 3, 5000, 42);
  std::vector<double> b = BtsActionDistribution(priors, 3, 5000, 42);
  std::vector<double> c = BtsActionDistribution(priors, 3, 5000, 43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // More positions than items: the extra columns stay empty.
  std::vector<double> wide = BtsActionDistribution(BtsPriors{{1, 2}, {3, 4}}, 3, 100, 1);
  EXPECT_NEAR(Column(wide, 3, 0), 1.0, 1e-12);
  EXPECT_NEAR(Column(wide, 3, 1), 1.0, 1e-12);
  EXPECT_EQ(Column(wide, 3, 2), 0.0);
}

}  // namespace
}  // namespace marquee
