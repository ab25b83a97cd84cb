#include "marquee/eval/ranking_metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace marquee {

namespace {
bool IsRelevant(std::span<const uint32_t> relevant, uint32_t title) {
  return std::binary_search(relevant.begin(), relevant.end(), title);
}
}  // namespace

std::vector<MetricsAtK> MemberMetrics(std::span<const uint32_t> ranked,
                                      std::span<const uint32_t> relevant,
                                      std::span<const uint32_t> cutoffs) {
  std::vector<MetricsAtK> out(cutoffs.size());
  if (relevant.empty()) return out;
  uint32_t max_k = cutoffs.empty() ? 0 : *std::max_element(cutoffs.begin(), cutoffs.end());
  size_t depth = std::min<size_t>(ranked.size(), max_k);
  // Running sums at each depth, read off at every cutoff.
  std::vector<double> dcg(depth + 1, 0), ap(depth + 1, 0);
  std::vector<uint32_t> hits(depth + 1, 0);
  for (size_t i = 0; i < depth; ++i) {
    bool rel = IsRelevant(relevant, ranked[i]);
    hits[i + 1] = hits[i] + rel;
    dcg[i + 1] = dcg[i] + (rel ? 1.0 / std::log2(i + 2.0) : 0.0);
    ap[i + 1] = ap[i] + (rel ? static_cast<double>(hits[i + 1]) / (i + 1) : 0.0);
  }
  for (size_t c = 0; c < cutoffs.size(); ++c) {
    uint32_t k = cutoffs[c];
    size_t d = std::min<size_t>(depth, k);
    size_t ideal = std::min<size_t>(k, relevant.size());
    double idcg = 0;
    for (size_t i = 0; i < ideal; ++i) idcg += 1.0 / std::log2(i + 2.0);
    MetricsAtK& m = out[c];
    m.k = k;
    m.recall = static_cast<double>(hits[d]) / relevant.size();
    m.recall_normalized = static_cast<double>(hits[d]) / ideal;
    m.precision = static_cast<double>(hits[d]) / k;
    m.ndcg = idcg > 0 ? dcg[d] / idcg : 0;
    m.map = ap[d] / ideal;
    m.hit_rate = hits[d] > 0 ? 1.0 : 0.0;
  }
  return out;
}

double ReciprocalRank(std::span<const uint32_t> ranked, std::span<const uint32_t> relevant) {
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (IsRelevant(relevant, ranked[i])) return 1.0 / (i + 1);
  }
  return 0.0;
}

std::vector<float> PopularityPercentiles(std::span<const uint32_t> counts) {
  const size_t n = counts.size();
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return counts[a] < counts[b]; });
  std::vector<float> pct(n, 0.0f);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && counts[order[j]] == counts[order[i]]) ++j;
    // Ranks i..j-1 share their mean rank.
    double mean_rank = (i + j - 1) / 2.0;
    float value = n > 1 ? static_cast<float>(100.0 * mean_rank / (n - 1)) : 50.0f;
    for (size_t t = i; t < j; ++t) pct[order[t]] = value;
    i = j;
  }
  return pct;
}

MetricsAccumulator::MetricsAccumulator(std::vector<uint32_t> cutoffs, uint32_t title_count,
                                       std::vector<uint32_t> title_popularity)
    : cutoffs_(std::move(cutoffs)),
      title_count_(title_count),
      popularity_percentile_(PopularityPercentiles(title_popularity)),
      sums_(cutoffs_.size()),
      recommended_(cutoffs_.size(), std::vector<uint8_t>(title_count, 0)),
      popularity_sum_(cutoffs_.size(), 0),
      popularity_count_(cutoffs_.size(), 0) {
  for (size_t c = 0; c < cutoffs_.size(); ++c) sums_[c].k = cutoffs_[c];
}

void MetricsAccumulator::Add(std::span<const uint32_t> ranked, std::span<const uint32_t> relevant) {
  if (relevant.empty()) return;
  ++members_;
  mrr_sum_ += ReciprocalRank(ranked, relevant);
  std::vector<MetricsAtK> m = MemberMetrics(ranked, relevant, cutoffs_);
  for (size_t c = 0; c < cutoffs_.size(); ++c) {
    sums_[c].recall += m[c].recall;
    sums_[c].recall_normalized += m[c].recall_normalized;
    sums_[c].precision += m[c].precision;
    sums_[c].ndcg += m[c].ndcg;
    sums_[c].map += m[c].map;
    sums_[c].hit_rate += m[c].hit_rate;
    size_t depth = std::min<size_t>(ranked.size(), cutoffs_[c]);
    for (size_t i = 0; i < depth; ++i) {
      recommended_[c][ranked[i]] = 1;
      if (ranked[i] < popularity_percentile_.size()) {
        popularity_sum_[c] += popularity_percentile_[ranked[i]];
        ++popularity_count_[c];
      }
    }
  }
}

void MetricsAccumulator::Merge(const MetricsAccumulator& other) {
  members_ += other.members_;
  mrr_sum_ += other.mrr_sum_;
  for (size_t c = 0; c < cutoffs_.size(); ++c) {
    sums_[c].recall += other.sums_[c].recall;
    sums_[c].recall_normalized += other.sums_[c].recall_normalized;
    sums_[c].precision += other.sums_[c].precision;
    sums_[c].ndcg += other.sums_[c].ndcg;
    sums_[c].map += other.sums_[c].map;
    sums_[c].hit_rate += other.sums_[c].hit_rate;
    for (uint32_t t = 0; t < title_count_; ++t) recommended_[c][t] |= other.recommended_[c][t];
    popularity_sum_[c] += other.popularity_sum_[c];
    popularity_count_[c] += other.popularity_count_[c];
  }
}

std::vector<MetricsAtK> MetricsAccumulator::Means() const {
  std::vector<MetricsAtK> out = sums_;
  if (members_ == 0) return out;
  for (MetricsAtK& m : out) {
    m.recall /= members_;
    m.recall_normalized /= members_;
    m.precision /= members_;
    m.ndcg /= members_;
    m.map /= members_;
    m.hit_rate /= members_;
  }
  return out;
}

std::vector<double> MetricsAccumulator::Coverage() const {
  std::vector<double> out;
  for (const auto& seen : recommended_) {
    uint64_t n = std::accumulate(seen.begin(), seen.end(), uint64_t{0});
    out.push_back(title_count_ ? static_cast<double>(n) / title_count_ : 0.0);
  }
  return out;
}

std::vector<double> MetricsAccumulator::MeanPopularityPercentile() const {
  std::vector<double> out;
  for (size_t c = 0; c < cutoffs_.size(); ++c) {
    out.push_back(popularity_count_[c] ? popularity_sum_[c] / popularity_count_[c] : 0.0);
  }
  return out;
}

}  // namespace marquee
