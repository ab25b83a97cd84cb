// Ranking metrics for top-K recommendation with binary relevance, as used in
// the recommender-systems literature (e.g. Liang et al. 2018; Steck 2019):
//
//   Recall@K        hits@K / |relevant|
//   Recall@K (norm) hits@K / min(K, |relevant|)     -- reaches 1 when it can
//   Precision@K     hits@K / K
//   NDCG@K          DCG@K / IDCG@K, DCG = sum_{i<=K, rel_i} 1 / log2(i + 1),
//                   IDCG over min(K, |relevant|) hits at the top
//   MAP@K           sum_{i<=K, rel_i} Precision@i / min(K, |relevant|)
//   HitRate@K       1 if hits@K > 0
//   MRR             1 / rank of the first relevant title in the whole list
//
// Per-member values are averaged over members with at least one relevant title.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace marquee {

struct MetricsAtK {
  uint32_t k = 0;
  double recall = 0;
  double recall_normalized = 0;
  double precision = 0;
  double ndcg = 0;
  double map = 0;
  double hit_rate = 0;
};

// Metrics of one member's ranking. `ranked` is best first (any length);
// `relevant` must be sorted ascending and unique. Returns one entry per cutoff.
std::vector<MetricsAtK> MemberMetrics(std::span<const uint32_t> ranked,
                                      std::span<const uint32_t> relevant,
                                      std::span<const uint32_t> cutoffs);

// 1 / rank of the first relevant title (1-based), 0 when none is ranked.
double ReciprocalRank(std::span<const uint32_t> ranked, std::span<const uint32_t> relevant);

// Accumulates per-member metrics into means (and set-level measures).
class MetricsAccumulator {
 public:
  MetricsAccumulator(std::vector<uint32_t> cutoffs, uint32_t title_count,
                     std::vector<uint32_t> title_popularity);

  // Adds one member; members with no relevant titles are ignored.
  void Add(std::span<const uint32_t> ranked, std::span<const uint32_t> relevant);
  // Merges another accumulator (for per-thread accumulation).
  void Merge(const MetricsAccumulator& other);

  uint64_t members() const { return members_; }
  // Means over members.
  std::vector<MetricsAtK> Means() const;
  double MeanReciprocalRank() const { return members_ ? mrr_sum_ / members_ : 0; }
  // Share of the catalog recommended to at least one member in the top K, per cutoff.
  std::vector<double> Coverage() const;
  // Mean popularity percentile (0 = least, 100 = most popular in training) of
  // the titles recommended in the top K, per cutoff.
  std::vector<double> MeanPopularityPercentile() const;

  const std::vector<uint32_t>& cutoffs() const { return cutoffs_; }

 private:
  std::vector<uint32_t> cutoffs_;
  uint32_t title_count_;
  std::vector<float> popularity_percentile_;
  uint64_t members_ = 0;
  double mrr_sum_ = 0;
  std::vector<MetricsAtK> sums_;
  std::vector<std::vector<uint8_t>> recommended_;  // per cutoff: title recommended?
  std::vector<double> popularity_sum_;
  std::vector<uint64_t> popularity_count_;
};

// Percentile rank of each title's count among all titles, in [0, 100]
// (ties share the mean rank).
std::vector<float> PopularityPercentiles(std::span<const uint32_t> counts);

}  // namespace marquee
