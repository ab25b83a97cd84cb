// Audience forecasts before launch (issue 15 §3): how many members will play
// a title in its first N days, from its metadata alone -- what a content
// buyer asks before the title exists on the service.
//
// Method:
//   1. Each member's score for the title: their factor vector (a factor
//      model such as iALS) against the title's vector mapped from its
//      metadata (models/cold_start.h), as for a cold title.
//   2. A calibration from score to the probability that the member plays a
//      title within N days of its launch, fit on past launches: every
//      (member, past-launched title) pair, its score from the title's
//      *mapped* vector (what a forecast before launch could have known) and
//      whether the member played it within N days. Scores are cut into
//      quantile bins; a bin's probability is its pairs' play rate
//      (histogram binning, Zadrozny & Elkan, ICML 2001), made
//      non-decreasing in the score by pooling adjacent violators.
//   3. The expected audience is the sum of the members' probabilities; the
//      interval multiplies it by the 10th and 90th percentiles of
//      (actual + 1) / (expected + 1) over the past launches (an 80%
//      interval whose width is what past forecasts missed by, not a
//      sampling interval, which would be far too narrow).
//
// Launch day: the title's release date when the catalog has one, else the
// day of its first interaction. Audience within N days: members whose
// interaction time falls in [launch, launch + N days) (a dataset keeps one
// time per member and title, the latest; for most members it is their one
// play).
//
// Thread safety: immutable after Fit; const methods may run concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/data/launch_days.h"
#include "marquee/models/cold_start.h"
#include "marquee/models/title_features.h"
#include "marquee/util/factor_matrix.h"
#include "marquee/util/status.h"

namespace marquee {

// Members of `by_title` (data.Transpose()) row `title` whose time is in
// [launch_day, launch_day + days) (days since 1970-01-01).
uint32_t AudienceWithin(const InteractionMatrix& by_title, uint32_t title, int64_t launch_day, int days);

struct ForecastOptions {
  int days = 28;         // the horizon N, >= 1
  uint32_t bins = 50;    // calibration bins, >= 2
  double interval = 0.8; // the interval's coverage (its quantiles are (1 +- interval) / 2), (0, 1)
  Status Validate() const;  // InvalidArgument naming the field
};

struct AudienceForecast {
  double expected = 0.0;  // members who play it within `days` of launch
  double low = 0.0, high = 0.0;
  std::vector<double> probability;  // one a member (index into member_factors' rows)
};

class AudienceForecaster {
 public:
  // Fits the calibration on `past` (titles with a launch day in `launch`
  // and their whole first `days` inside `by_title`'s data), scoring members
  // by `member_factors` against `title_vectors` (the past titles' mapped
  // vectors). All spans are indexed as `by_title`'s rows (titles) and
  // columns (members). InvalidArgument: bad options; fewer than 2 past
  // launches ("past").
  static Result<AudienceForecaster> Fit(const FactorMatrix& member_factors, const FactorMatrix& title_vectors,
                                        const InteractionMatrix& by_title, std::span<const int64_t> launch,
                                        std::span<const uint32_t> past, const ForecastOptions& options = {});

  // The forecast for a title whose mapped vector is `vector` (factors floats).
  AudienceForecast Forecast(std::span<const float> vector) const;

  // The calibration: bin upper score edges and each bin's probability.
  const std::vector<float>& edges() const { return edges_; }
  const std::vector<double>& probabilities() const { return probability_; }
  double low_ratio() const { return low_ratio_; }
  double high_ratio() const { return high_ratio_; }

 private:
  double Probability(float score) const;

  const FactorMatrix* members_ = nullptr;
  ForecastOptions options_;
  std::vector<float> edges_;         // ascending; bin b holds scores <= edges_[b] (last: everything)
  std::vector<double> probability_;  // non-decreasing
  double low_ratio_ = 1.0, high_ratio_ = 1.0;
};

}  // namespace marquee
