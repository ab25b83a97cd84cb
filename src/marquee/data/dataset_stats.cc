#include "marquee/data/dataset_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace marquee {

double Gini(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  // G = sum_i (2i - n - 1) x_i / (n sum x), i = 1..n over ascending x.
  const double n = static_cast<double>(values.size());
  double total = 0, weighted = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    total += values[i];
    weighted += (2.0 * (i + 1) - n - 1.0) * values[i];
  }
  return total > 0 ? weighted / (n * total) : 0.0;
}

double PercentileOfSorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  double rank = q / 100.0 * (sorted.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(rank));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  double frac = rank - lo;
  return sorted[lo] * (1 - frac) + sorted[hi] * frac;
}

std::vector<uint32_t> MostPopularTitles(const InteractionMatrix& interactions, size_t k) {
  std::vector<uint32_t> counts = interactions.ColumnCounts();
  std::vector<uint32_t> order(counts.size());
  std::iota(order.begin(), order.end(), 0u);
  k = std::min(k, order.size());
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](uint32_t a, uint32_t b) {
    return counts[a] != counts[b] ? counts[a] > counts[b] : a < b;
  });
  order.resize(k);
  return order;
}

namespace {
DatasetStats::Percentiles Summarize(std::vector<double> values) {
  DatasetStats::Percentiles p;
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  p.p1 = PercentileOfSorted(values, 1);
  p.p10 = PercentileOfSorted(values, 10);
  p.p50 = PercentileOfSorted(values, 50);
  p.p90 = PercentileOfSorted(values, 90);
  p.p99 = PercentileOfSorted(values, 99);
  p.max = values.back();
  p.mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  return p;
}
}  // namespace

DatasetStats ComputeStats(const Dataset& dataset) {
  const InteractionMatrix& m = dataset.interactions;
  DatasetStats s;
  s.members = m.rows();
  s.titles = m.cols();
  s.interactions = m.nnz();
  if (s.members > 0 && s.titles > 0) {
    s.density = static_cast<double>(s.interactions) / (static_cast<double>(s.members) * s.titles);
  }

  std::vector<double> per_member(s.members);
  for (uint32_t r = 0; r < s.members; ++r) {
    per_member[r] = m.RowLength(r);
    if (per_member[r] == 0) ++s.members_without_interactions;
  }
  std::vector<uint32_t> counts = m.ColumnCounts();
  std::vector<double> per_title(counts.begin(), counts.end());
  s.titles_without_interactions =
      static_cast<uint32_t>(std::count(counts.begin(), counts.end(), 0u));
  s.popularity_gini = Gini(per_title);
  s.member_activity = Summarize(std::move(per_member));
  s.title_popularity = Summarize(std::move(per_title));

  if (m.nnz() > 0) {
    auto [lo, hi] = std::minmax_element(m.weights().begin(), m.weights().end());
    s.weight_min = *lo;
    s.weight_max = *hi;
    s.weight_mean = std::accumulate(m.weights().begin(), m.weights().end(), 0.0) / m.nnz();
  }
  if (m.has_times() && m.nnz() > 0) {
    auto [lo, hi] = std::minmax_element(m.times().begin(), m.times().end());
    s.time_min = *lo;
    s.time_max = *hi;
  }
  s.artwork = dataset.catalog.ArtworkCount();
  s.performers = static_cast<uint32_t>(dataset.catalog.performers().size());
  s.genres = static_cast<uint32_t>(dataset.catalog.genres().size());
  return s;
}

}  // namespace marquee
