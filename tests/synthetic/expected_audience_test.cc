// The ground truth's expected audience (synthetic/expected_audience.h)
// against the plays the generator actually drew.
#include "marquee/synthetic/expected_audience.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "marquee/synthetic/synthetic.h"
#include "marquee/util/civil_time.h"

namespace marquee {
namespace {

TEST(ExpectedAudienceTest, EachMembersDrawProbabilitiesSumToOne) {
  SyntheticConfig config;
  config.members = 200;
  config.titles = 150;
  config.plays = 4000;
  Result<SyntheticService> s = GenerateService(config);
  ASSERT_TRUE(s.ok());
  for (uint32_t m = 0; m < 200; m += 13) {
    double sum = 0.0;
    for (uint32_t t = 0; t < 150; ++t) sum += PlayDrawProbability(s->truth, m, t);
    EXPECT_NEAR(sum, 1.0, 1e-6) << "member " << m;
  }
}

TEST(ExpectedAudienceTest, MatchesTheAudiencesTheGeneratorDrew) {
  SyntheticConfig config;
  config.members = 4000;
  config.titles = 200;
  config.plays = 120000;
  config.seed = 3;
  Result<SyntheticService> s = GenerateService(config);
  ASSERT_TRUE(s.ok());
  const InteractionMatrix& data = s->dataset.interactions;
  // Join estimates: each member's first play.
  std::vector<int64_t> join(data.rows(), config.period_end - int64_t{config.period_days} * kSecondsPerDay);
  for (uint32_t m = 0; m < data.rows(); ++m) {
    const auto times = data.RowTimes(m);
    if (!times.empty()) join[m] = *std::min_element(times.begin(), times.end());
  }
  const std::vector<double> rates = SuccessiveSamplingRates(s->truth);
  const int64_t period_start_day = UnixDay(config.period_end) - config.period_days;
  constexpr int kDays = 90;
  double expected_sum = 0, actual_sum = 0, xy = 0, xx = 0, yy = 0, x_sum = 0, y_sum = 0;
  uint32_t n = 0;
  for (uint32_t t = 0; t < config.titles; ++t) {
    const int64_t available = DaysFromCivil(s->dataset.catalog.titles()[t].year, 1, 1);
    const int64_t from = std::max(available, period_start_day + 120);
    if (from + kDays > UnixDay(config.period_end)) continue;
    const double expected = ExpectedAudienceWithin(s->truth, s->dataset.catalog, join, rates, config.period_end, t, from, kDays);
    double actual = 0;
    for (uint32_t m = 0; m < data.rows(); ++m) {
      const auto titles = data.RowIndices(m);
      const auto it = std::lower_bound(titles.begin(), titles.end(), t);
      if (it == titles.end() || *it != t) continue;
      const int64_t day = UnixDay(data.RowTimes(m)[static_cast<size_t>(it - titles.begin())]);
      actual += day >= from && day < from + kDays;
    }
    expected_sum += expected;
    actual_sum += actual;
    x_sum += expected;
    y_sum += actual;
    xy += expected * actual;
    xx += expected * expected;
    yy += actual * actual;
    ++n;
  }
  ASSERT_GT(n, 50u);
  const double correlation = (n * xy - x_sum * y_sum) / std::sqrt((n * xx - x_sum * x_sum) * (n * yy - y_sum * y_sum));
  std::printf("%u titles: expected %.0f, drawn %.0f members; correlation %.3f\n", n, expected_sum, actual_sum,
              correlation);
  EXPECT_NEAR(actual_sum / expected_sum, 1.0, 0.08);
  EXPECT_GT(correlation, 0.9);
}

}  // namespace
}  // namespace marquee
