// Summary statistics of a dataset, as `marquee info` shows them: sizes,
// density, how concentrated title popularity is (Gini), and how activity is
// spread over members (percentiles of interactions per member).
#pragma once

#include <cstdint>
#include <vector>

#include "marquee/data/dataset.h"

namespace marquee {

struct DatasetStats {
  uint32_t members = 0;
  uint32_t titles = 0;
  uint64_t interactions = 0;
  double density = 0;         // interactions / (members * titles)
  double popularity_gini = 0; // Gini of interactions per title: 0 = even, ->1 = concentrated
  uint32_t titles_without_interactions = 0;
  uint32_t members_without_interactions = 0;
  // Interactions per member at the 1st, 10th, 50th, 90th, 99th percentiles and the maximum.
  struct Percentiles {
    double p1 = 0, p10 = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
  };
  Percentiles member_activity;
  Percentiles title_popularity;
  double weight_min = 0, weight_max = 0, weight_mean = 0;
  int64_t time_min = 0, time_max = 0;  // 0 when the dataset has no times
  uint64_t artwork = 0;
  uint32_t performers = 0;
  uint32_t genres = 0;
};

DatasetStats ComputeStats(const Dataset& dataset);

// The k titles with the most interactions, most first (ties: lower index first).
std::vector<uint32_t> MostPopularTitles(const InteractionMatrix& interactions, size_t k);

// Gini coefficient of non-negative values (sorted internally).
double Gini(std::vector<double> values);

// Percentile q in [0, 100] of sorted values, linear interpolation between ranks.
double PercentileOfSorted(const std::vector<double>& sorted, double q);

}  // namespace marquee
