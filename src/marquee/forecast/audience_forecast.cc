#include "marquee/forecast/audience_forecast.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include <fmt/format.h>

#include "marquee/util/civil_time.h"

namespace marquee {

uint32_t AudienceWithin(const InteractionMatrix& by_title, uint32_t title, int64_t launch_day, int days) {
  const int64_t from = launch_day * kSecondsPerDay, to = (launch_day + days) * kSecondsPerDay;
  uint32_t n = 0;
  for (int64_t time : by_title.RowTimes(title)) n += time >= from && time < to;
  return n;
}

Status ForecastOptions::Validate() const {
  if (days < 1) return Status::InvalidField("days", fmt::format("days: expected at least 1, found {}", days));
  if (bins < 2) return Status::InvalidField("bins", fmt::format("bins: expected at least 2, found {}", bins));
  if (!(interval > 0.0 && interval < 1.0)) {
    return Status::InvalidField("interval", fmt::format("interval: expected a share in (0, 1), found {}", interval));
  }
  return Status::OK();
}

namespace {

double DotDouble(const float* a, const float* b, uint32_t n) {
  double s = 0.0;
  for (uint32_t k = 0; k < n; ++k) s += static_cast<double>(a[k]) * b[k];
  return s;
}

// Every member's score for each past title and whether they played it in
// the window: pairs[p * members + m].
struct Pairs {
  std::vector<float> score;
  std::vector<uint8_t> played;
  std::vector<uint32_t> audience;  // one a past title
};

Pairs ScorePairs(const FactorMatrix& members, const FactorMatrix& titles, const InteractionMatrix& by_title,
                 std::span<const int64_t> launch, std::span<const uint32_t> past, int days) {
  const uint32_t n = members.rows();
  Pairs pairs;
  pairs.score.resize(static_cast<size_t>(past.size()) * n);
  pairs.played.assign(pairs.score.size(), 0);
  for (size_t p = 0; p < past.size(); ++p) {
    const uint32_t t = past[p];
    const float* v = titles.Row(t);
    for (uint32_t m = 0; m < n; ++m) pairs.score[p * n + m] = static_cast<float>(DotDouble(members.Row(m), v, members.factors()));
    const int64_t from = launch[t] * kSecondsPerDay, to = (launch[t] + days) * kSecondsPerDay;
    const auto who = by_title.RowIndices(t);
    const auto when = by_title.RowTimes(t);
    uint32_t audience = 0;
    for (size_t i = 0; i < who.size(); ++i) {
      if (who[i] < n && when[i] >= from && when[i] < to) {
        pairs.played[p * n + who[i]] = 1;
        ++audience;
      }
    }
    pairs.audience.push_back(audience);
  }
  return pairs;
}

// Histogram binning on the pairs of the past titles `use` (positions into
// the pairs' titles), made non-decreasing by pooling adjacent violators.
void FitBins(const Pairs& pairs, uint32_t members, std::span<const size_t> use, uint32_t bins,
             std::vector<float>& edges, std::vector<double>& probability) {
  std::vector<float> scores;
  scores.reserve(use.size() * members);
  for (size_t p : use) scores.insert(scores.end(), pairs.score.begin() + p * members, pairs.score.begin() + (p + 1) * members);
  std::sort(scores.begin(), scores.end());
  edges.clear();
  for (uint32_t b = 1; b < bins; ++b) {
    const float edge = scores[std::min(scores.size() - 1, scores.size() * b / bins)];
    if (edges.empty() || edge > edges.back()) edges.push_back(edge);
  }
  edges.push_back(INFINITY);
  std::vector<double> plays(edges.size(), 0.0), count(edges.size(), 0.0);
  for (size_t p : use) {
    for (uint32_t m = 0; m < members; ++m) {
      const float s = pairs.score[p * members + m];
      const size_t b = static_cast<size_t>(std::lower_bound(edges.begin(), edges.end(), s) - edges.begin());
      plays[b] += pairs.played[p * members + m];
      count[b] += 1.0;
    }
  }
  // Pool adjacent violators: blocks of (plays, count) merged while a block's
  // rate exceeds the next one's.
  struct Block { double plays, count; size_t end; };
  std::vector<Block> blocks;
  for (size_t b = 0; b < edges.size(); ++b) {
    blocks.push_back({plays[b], count[b], b + 1});
    while (blocks.size() > 1) {
      Block& last = blocks.back();
      Block& before = blocks[blocks.size() - 2];
      const double r_last = last.count > 0 ? last.plays / last.count : 0.0;
      const double r_before = before.count > 0 ? before.plays / before.count : 0.0;
      if (r_before <= r_last) break;
      before.plays += last.plays;
      before.count += last.count;
      before.end = last.end;
      blocks.pop_back();
    }
  }
  probability.assign(edges.size(), 0.0);
  size_t begin = 0;
  for (const Block& block : blocks) {
    for (size_t b = begin; b < block.end; ++b) probability[b] = block.count > 0 ? block.plays / block.count : 0.0;
    begin = block.end;
  }
}

double BinProbability(const std::vector<float>& edges, const std::vector<double>& probability, float score) {
  const size_t b = static_cast<size_t>(std::lower_bound(edges.begin(), edges.end(), score) - edges.begin());
  return probability[std::min(b, probability.size() - 1)];
}

double Quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double at = q * static_cast<double>(values.size() - 1);
  const size_t i = static_cast<size_t>(std::floor(at));
  const double frac = at - static_cast<double>(i);
  return i + 1 < values.size() ? values[i] * (1.0 - frac) + values[i + 1] * frac : values[i];
}

}  // namespace

Result<AudienceForecaster> AudienceForecaster::Fit(const FactorMatrix& member_factors,
                                                   const FactorMatrix& title_vectors,
                                                   const InteractionMatrix& by_title, std::span<const int64_t> launch,
                                                   std::span<const uint32_t> past, const ForecastOptions& options) {
  MARQUEE_RETURN_IF_ERROR(options.Validate());
  if (past.size() < 4) {
    return Status::InvalidField("past", fmt::format("too few launches to calibrate on: expected at least 4 titles "
                                                    "launched with their first {} days in the data, found {}",
                                                    options.days, past.size()));
  }
  for (uint32_t t : past) {
    if (t >= by_title.rows() || t >= title_vectors.rows() || t >= launch.size() || launch[t] == INT64_MIN) {
      return Status::InvalidField("past", fmt::format("past: title {} has no launch day or no vector", t));
    }
  }
  const uint32_t members = member_factors.rows();
  const Pairs pairs = ScorePairs(member_factors, title_vectors, by_title, launch, past, options.days);
  AudienceForecaster f;
  f.members_ = &member_factors;
  f.options_ = options;
  // The interval's ratios come from forecasts made without the title: two
  // folds, each calibrated on the other.
  std::vector<double> ratios;
  for (size_t fold = 0; fold < 2; ++fold) {
    std::vector<size_t> train, test;
    for (size_t p = 0; p < past.size(); ++p) (p % 2 == fold ? test : train).push_back(p);
    std::vector<float> edges;
    std::vector<double> probability;
    FitBins(pairs, members, train, options.bins, edges, probability);
    for (size_t p : test) {
      double expected = 0.0;
      for (uint32_t m = 0; m < members; ++m) expected += BinProbability(edges, probability, pairs.score[p * members + m]);
      ratios.push_back((pairs.audience[p] + 1.0) / (expected + 1.0));
    }
  }
  f.low_ratio_ = Quantile(ratios, (1.0 - options.interval) / 2.0);
  f.high_ratio_ = Quantile(ratios, (1.0 + options.interval) / 2.0);
  std::vector<size_t> all(past.size());
  for (size_t p = 0; p < all.size(); ++p) all[p] = p;
  FitBins(pairs, members, all, options.bins, f.edges_, f.probability_);
  return f;
}

double AudienceForecaster::Probability(float score) const { return BinProbability(edges_, probability_, score); }

AudienceForecast AudienceForecaster::Forecast(std::span<const float> vector) const {
  AudienceForecast out;
  out.probability.resize(members_->rows());
  for (uint32_t m = 0; m < members_->rows(); ++m) {
    out.probability[m] = Probability(static_cast<float>(DotDouble(members_->Row(m), vector.data(), members_->factors())));
    out.expected += out.probability[m];
  }
  out.low = std::max(0.0, (out.expected + 1.0) * low_ratio_ - 1.0);
  out.high = (out.expected + 1.0) * high_ratio_ - 1.0;
  return out;
}

}  // namespace marquee
