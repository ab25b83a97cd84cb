#include "marquee/synthetic/expected_audience.h"

#include <algorithm>
#include <cmath>

#include "marquee/util/civil_time.h"

namespace marquee {

double PlayDrawProbability(const GroundTruth& truth, uint32_t member, uint32_t title) {
  const std::span<const float> taste = truth.Taste(member);
  double total = 0.0;
  for (uint32_t g = 0; g < truth.genre_count; ++g) {
    const double z = truth.genre_popularity[g];
    if (z > 0.0) total += taste[g] * std::pow(z, truth.genre_exposure);
  }
  const double pop = truth.title_popularity[title];
  // A member none of whose genres has titles draws by popularity alone.
  if (total <= 0.0) return pop;
  double by_taste = 0.0;
  for (uint16_t g : truth.TitleGenres(title)) {
    const double z = truth.genre_popularity[g];
    if (z > 0.0) by_taste += taste[g] * std::pow(z, truth.genre_exposure) / total * pop / z;
  }
  return truth.mainstream_share * pop + (1.0 - truth.mainstream_share) * by_taste;
}

std::vector<double> SuccessiveSamplingRates(const GroundTruth& truth) {
  const uint32_t titles = truth.title_count();
  std::vector<double> rates(truth.member_count(), 0.0);
  std::vector<double> p(titles);
#pragma omp parallel for schedule(dynamic, 64) firstprivate(p)
  for (int64_t m = 0; m < static_cast<int64_t>(truth.member_count()); ++m) {
    const double plays = std::min<double>(truth.member_plays[m], titles - 0.5);
    if (plays <= 0) continue;
    for (uint32_t t = 0; t < titles; ++t) p[t] = PlayDrawProbability(truth, static_cast<uint32_t>(m), t);
    // f(lambda) = sum (1 - e^{-lambda p}) - plays is concave and increasing
    // from f(0) < 0, so Newton from below converges monotonically.
    double lambda = 0.0;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double f = -plays, slope = 0.0;
      for (double q : p) {
        const double e = std::exp(-lambda * q);
        f += 1.0 - e;
        slope += q * e;
      }
      if (slope <= 0.0) break;
      const double step = -f / slope;
      lambda += step;
      if (std::abs(step) <= 1e-9 * std::max(1.0, lambda)) break;
    }
    rates[m] = lambda;
  }
  return rates;
}

double ExpectedAudienceWithin(const GroundTruth& truth, const Catalog& catalog, std::span<const int64_t> member_join,
                              std::span<const double> rates, int64_t period_end, uint32_t title, int64_t from_day,
                              int days) {
  const int64_t available =
      title < catalog.size() ? DaysFromCivil(catalog.titles()[title].year, 1, 1) * kSecondsPerDay : 0;
  const int64_t window_begin = from_day * kSecondsPerDay;
  const int64_t window_end = window_begin + static_cast<int64_t>(days) * kSecondsPerDay;
  double expected = 0.0;
  for (uint32_t m = 0; m < truth.member_count() && m < member_join.size() && m < rates.size(); ++m) {
    int64_t from = std::max(member_join[m], available);
    if (from >= period_end) from = member_join[m];  // the generator's rule
    if (from >= period_end) continue;
    const double overlap = static_cast<double>(std::max<int64_t>(
                               0, std::min(period_end, window_end) - std::max(from, window_begin))) /
                           static_cast<double>(period_end - from);
    if (overlap <= 0.0) continue;
    expected += (1.0 - std::exp(-rates[m] * PlayDrawProbability(truth, m, title))) * overlap;
  }
  return expected;
}

}  // namespace marquee
