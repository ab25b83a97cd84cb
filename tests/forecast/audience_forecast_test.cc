// Audience forecasts (issue 15 §3) on synthetic launches whose audience is
// known: each member plays a title within the window with a probability
// that is a known increasing function of their score.
#include "marquee/forecast/audience_forecast.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "marquee/util/civil_time.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

double TrueProbability(double score) { return 1.0 / (1.0 + std::exp(-(3.0 * score - 2.5))); }

struct World {
  FactorMatrix members, titles;
  std::vector<int64_t> launch;
  InteractionMatrix data;
  std::vector<double> expected;  // the true expected audience of each title
};

// `titles` titles launched on day 100 + t; each member plays each title
// within 28 days of launch with TrueProbability(score), at a uniform time in
// that window; some also play it later (outside the window).
World MakeWorld(uint32_t members, uint32_t titles, uint64_t seed) {
  World w{FactorMatrix(members, 4), FactorMatrix(titles, 4), {}, {}, {}};
  Rng rng(seed);
  for (uint32_t m = 0; m < members; ++m) {
    for (uint32_t k = 0; k < 4; ++k) w.members.Row(m)[k] = static_cast<float>(rng.Normal() * 0.5);
  }
  for (uint32_t t = 0; t < titles; ++t) {
    for (uint32_t k = 0; k < 4; ++k) w.titles.Row(t)[k] = static_cast<float>(rng.Normal() * 0.7);
  }
  InteractionBuilder b;
  w.expected.assign(titles, 0.0);
  for (uint32_t t = 0; t < titles; ++t) {
    const int64_t day = 100 + t;
    w.launch.push_back(day);
    for (uint32_t m = 0; m < members; ++m) {
      double s = 0.0;
      for (uint32_t k = 0; k < 4; ++k) s += double(w.members.Row(m)[k]) * w.titles.Row(t)[k];
      const double p = TrueProbability(s);
      w.expected[t] += p;
      if (rng.Uniform() < p) {
        b.Add(m, t, 1.0f, day * kSecondsPerDay + static_cast<int64_t>(rng.Uniform() * 28 * kSecondsPerDay));
      } else if (rng.Uniform() < 0.05) {
        b.Add(m, t, 1.0f, (day + 40) * kSecondsPerDay);  // a late play: not in the first 28 days
      }
    }
  }
  w.data = b.Build(members, titles, DuplicateRule::kMax);
  return w;
}

TEST(AudienceForecastTest, LaunchDaysAndAudiencesWithinTheWindow) {
  InteractionBuilder b;
  b.Add(0, 0, 1.0f, 10 * kSecondsPerDay + 5);
  b.Add(1, 0, 1.0f, 12 * kSecondsPerDay);
  b.Add(2, 0, 1.0f, 40 * kSecondsPerDay);
  b.Add(0, 1, 1.0f, 20 * kSecondsPerDay);
  const InteractionMatrix data = b.Build(3, 3, DuplicateRule::kMax);
  Catalog catalog;
  catalog.Resize(3);
  catalog.titles()[1].release_date = 18;  // the release date wins over the first play
  const std::vector<int64_t> launch = LaunchDays(data, catalog);
  EXPECT_EQ(launch[0], 10);
  EXPECT_EQ(launch[1], 18);
  EXPECT_EQ(launch[2], INT64_MIN);  // never played, no release date
  const InteractionMatrix by_title = data.Transpose();
  EXPECT_EQ(AudienceWithin(by_title, 0, 10, 28), 2u);  // days 10 and 12; day 40 is after
  EXPECT_EQ(AudienceWithin(by_title, 0, 10, 31), 3u);
  EXPECT_EQ(AudienceWithin(by_title, 1, 18, 2), 0u);   // day 20 is the third day
  EXPECT_EQ(AudienceWithin(by_title, 1, 18, 3), 1u);
}

TEST(AudienceForecastTest, CalibratedForecastsMatchTheKnownExpectedAudience) {
  const World w = MakeWorld(3000, 120, 11);
  const InteractionMatrix by_title = w.data.Transpose();
  std::vector<uint32_t> past, upcoming;
  for (uint32_t t = 0; t < 120; ++t) (t < 80 ? past : upcoming).push_back(t);
  Result<AudienceForecaster> f = AudienceForecaster::Fit(w.members, w.titles, by_title, w.launch, past);
  ASSERT_TRUE(f.ok()) << f.status().message();
  // The calibration is non-decreasing and close to the true curve in the middle.
  for (size_t b = 1; b < f->probabilities().size(); ++b) EXPECT_GE(f->probabilities()[b], f->probabilities()[b - 1]);
  double worst = 0.0;
  uint32_t covered = 0;
  for (uint32_t t : upcoming) {
    const AudienceForecast forecast = f->Forecast({w.titles.Row(t), w.titles.factors()});
    worst = std::max(worst, std::abs(forecast.expected - w.expected[t]) / w.expected[t]);
    const uint32_t actual = AudienceWithin(by_title, t, w.launch[t], 28);
    covered += actual >= forecast.low && actual <= forecast.high;
    EXPECT_LE(forecast.low, forecast.expected);
    EXPECT_GE(forecast.high, forecast.expected);
  }
  // Binning loses a little at the ends; the sum over 3,000 members is within a few percent.
  EXPECT_LT(worst, 0.08);
  // An 80% interval from past errors covers most upcoming launches.
  EXPECT_GE(covered, 0.6 * upcoming.size());
}

TEST(AudienceForecastTest, RefusesTooFewLaunchesAndBadOptions) {
  const World w = MakeWorld(50, 6, 3);
  const InteractionMatrix by_title = w.data.Transpose();
  const std::vector<uint32_t> three = {0, 1, 2}, four = {0, 1, 2, 3};
  EXPECT_EQ(AudienceForecaster::Fit(w.members, w.titles, by_title, w.launch, three).status().field(), "past");
  EXPECT_EQ(AudienceForecaster::Fit(w.members, w.titles, by_title, w.launch, four, {.days = 0}).status().field(),
            "days");
  EXPECT_EQ(AudienceForecaster::Fit(w.members, w.titles, by_title, w.launch, four, {.interval = 1.0}).status().field(),
            "interval");
  std::vector<int64_t> unknown = w.launch;
  unknown[2] = INT64_MIN;
  EXPECT_EQ(AudienceForecaster::Fit(w.members, w.titles, by_title, unknown, four).status().field(), "past");
  EXPECT_TRUE(AudienceForecaster::Fit(w.members, w.titles, by_title, w.launch, four).ok());
}

}  // namespace
}  // namespace marquee
