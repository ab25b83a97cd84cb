#include "marquee/eval/cold_titles.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "marquee/eval/ranking_metrics.h"
#include "marquee/util/random.h"

namespace marquee {

Status ColdTitleOptions::Validate() const {
  if (!(fraction > 0.0 && fraction < 1.0)) {
    return Status::InvalidField("fraction", fmt::format("fraction: expected a share in (0, 1), found {}", fraction));
  }
  if (min_audience < 1) return Status::InvalidField("min_audience", "min_audience: expected at least 1, found 0");
  if (min_history < 1) return Status::InvalidField("min_history", "min_history: expected at least 1, found 0");
  if (cutoffs.empty() || std::find(cutoffs.begin(), cutoffs.end(), 0u) != cutoffs.end()) {
    return Status::InvalidField("cutoffs", "cutoffs: expected one or more K >= 1");
  }
  return Status::OK();
}

Result<ColdTitleSplit> MakeColdTitleSplit(const InteractionMatrix& data, const ColdTitleOptions& o) {
  MARQUEE_RETURN_IF_ERROR(o.Validate());
  const std::vector<uint32_t> audience = data.ColumnCounts();
  std::vector<uint32_t> eligible;
  for (uint32_t t = 0; t < data.cols(); ++t) {
    if (audience[t] >= o.min_audience) eligible.push_back(t);
  }
  const auto held = static_cast<size_t>(std::llround(o.fraction * static_cast<double>(eligible.size())));
  if (eligible.size() < 2 || held < 1) {
    return Status::InvalidField(
        "fraction", fmt::format("fraction: {} of the {} titles with at least {} members holds out no title", o.fraction,
                                eligible.size(), o.min_audience));
  }
  // A seeded partial Fisher-Yates over the eligible titles.
  Rng rng(o.seed);
  for (size_t i = 0; i < held; ++i) {
    const size_t j = i + rng.Below(static_cast<uint32_t>(eligible.size() - i));
    std::swap(eligible[i], eligible[j]);
  }
  ColdTitleSplit split;
  split.cold.assign(eligible.begin(), eligible.begin() + static_cast<std::ptrdiff_t>(held));
  std::sort(split.cold.begin(), split.cold.end());
  std::vector<int32_t> position(data.cols(), -1);
  for (size_t i = 0; i < split.cold.size(); ++i) position[split.cold[i]] = static_cast<int32_t>(i);
  for (uint32_t t = 0; t < data.cols(); ++t) {
    if (position[t] < 0) split.warm.push_back(t);
  }
  split.train = FilterEntries(data, [&](uint32_t, uint64_t i) { return position[data.indices()[i]] < 0; });
  for (uint32_t m = 0; m < data.rows(); ++m) {
    if (split.train.RowLength(m) < o.min_history) continue;
    std::vector<uint32_t> played;
    for (uint32_t t : data.RowIndices(m)) {
      if (position[t] >= 0) played.push_back(static_cast<uint32_t>(position[t]));
    }
    std::sort(played.begin(), played.end());
    split.members.push_back(m);
    split.played.push_back(std::move(played));
  }
  return split;
}

namespace {

// AUC of `positive` (a flag per score) by ranks with ties averaged; -1 when
// either class is empty.
double Auc(std::span<const float> scores, std::span<const uint8_t> positive) {
  std::vector<uint32_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0.0;
  uint64_t positives = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    const double mid_rank = 0.5 * static_cast<double>(i + 1 + j);  // ranks i+1..j, averaged
    for (size_t k = i; k < j; ++k) {
      if (positive[order[k]]) {
        rank_sum += mid_rank;
        ++positives;
      }
    }
    i = j;
  }
  const uint64_t negatives = scores.size() - positives;
  if (positives == 0 || negatives == 0) return -1.0;
  const double p = static_cast<double>(positives);
  return (rank_sum - p * (p + 1.0) / 2.0) / (p * static_cast<double>(negatives));
}

}  // namespace

ColdTitleResult EvaluateColdTitles(const ColdTitleSplit& split, std::string method, const ColdTitleScorer& scorer,
                                   const ColdTitleOptions& o) {
  ColdTitleResult r;
  r.method = std::move(method);
  r.cutoffs = o.cutoffs;
  r.recall.assign(o.cutoffs.size(), 0.0);
  r.ndcg.assign(o.cutoffs.size(), 0.0);
  const size_t n = split.members.size(), c = split.cold.size();
  std::vector<float> scores(n * c);  // member-major
  std::vector<uint32_t> ranked(c);
  for (size_t i = 0; i < n; ++i) {
    std::span<float> row(scores.data() + i * c, c);
    scorer(split.members[i], row);
    if (split.played[i].empty()) continue;
    // Best first; ties in a seeded random order per member: title order
    // would favour a constant scorer whenever it follows popularity (older
    // MovieLens ids are the more watched films).
    std::iota(ranked.begin(), ranked.end(), 0u);
    Rng ties(o.seed ^ (0xd1b54a32d192ed03ull * (split.members[i] + 1)));
    for (size_t j = ranked.size(); j > 1; --j) std::swap(ranked[j - 1], ranked[ties.Below(static_cast<uint32_t>(j))]);
    std::stable_sort(ranked.begin(), ranked.end(), [&](uint32_t a, uint32_t b) { return row[a] > row[b]; });
    const std::vector<MetricsAtK> at = MemberMetrics(ranked, split.played[i], o.cutoffs);
    for (size_t k = 0; k < at.size(); ++k) {
      r.recall[k] += at[k].recall;
      r.ndcg[k] += at[k].ndcg;
    }
    ++r.members;
  }
  for (size_t k = 0; k < o.cutoffs.size() && r.members > 0; ++k) {
    r.recall[k] /= r.members;
    r.ndcg[k] /= r.members;
  }
  std::vector<float> column(n);
  std::vector<uint8_t> positive(n);
  double auc_sum = 0.0;
  for (size_t t = 0; t < c; ++t) {
    std::fill(positive.begin(), positive.end(), 0);
    for (size_t i = 0; i < n; ++i) {
      column[i] = scores[i * c + t];
      positive[i] = std::binary_search(split.played[i].begin(), split.played[i].end(), static_cast<uint32_t>(t));
    }
    const double auc = Auc(column, positive);
    if (auc < 0.0) continue;
    auc_sum += auc;
    ++r.titles;
  }
  if (r.titles > 0) r.auc = auc_sum / r.titles;
  return r;
}

namespace {

// Plays per genre in `train` over the titles in `titles`, and overall.
std::vector<double> GenrePlays(const InteractionMatrix& train, const Catalog& catalog) {
  std::vector<double> plays(catalog.genres().size(), 0.0);
  const std::vector<uint32_t> counts = train.ColumnCounts();
  for (uint32_t t = 0; t < counts.size() && t < catalog.size(); ++t) {
    for (uint16_t g : catalog.titles()[t].genres) plays[g] += counts[t];
  }
  return plays;
}

}  // namespace

ColdTitleScorer GenreAffinityScorer(const ColdTitleSplit& split, const Catalog& catalog) {
  std::vector<double> global = GenrePlays(split.train, catalog);
  const double total = std::accumulate(global.begin(), global.end(), 0.0);
  for (double& g : global) g = total > 0.0 ? g / total : 0.0;
  return [&split, &catalog, global](uint32_t member, std::span<float> out) {
    std::vector<double> mine(global.size(), 0.0);
    const auto titles = split.train.RowIndices(member);
    for (uint32_t t : titles) {
      for (uint16_t g : catalog.titles()[t].genres) mine[g] += 1.0;
    }
    // One pseudo-play spread by the global genre shares (a member with no
    // plays in a genre still leans the way everyone does).
    const double denominator = static_cast<double>(titles.size()) + 1.0;
    for (size_t i = 0; i < split.cold.size(); ++i) {
      double s = 0.0;
      for (uint16_t g : catalog.titles()[split.cold[i]].genres) s += (mine[g] + global[g]) / denominator;
      out[i] = static_cast<float>(s);
    }
  };
}

ColdTitleScorer GenrePopularityScorer(const ColdTitleSplit& split, const Catalog& catalog) {
  // Mean training popularity of the warm titles of each genre.
  const std::vector<uint32_t> counts = split.train.ColumnCounts();
  std::vector<double> sum(catalog.genres().size(), 0.0), n(catalog.genres().size(), 0.0);
  for (uint32_t t : split.warm) {
    for (uint16_t g : catalog.titles()[t].genres) {
      sum[g] += counts[t];
      n[g] += 1.0;
    }
  }
  std::vector<float> fixed(split.cold.size(), 0.0f);
  for (size_t i = 0; i < split.cold.size(); ++i) {
    double s = 0.0, k = 0.0;
    for (uint16_t g : catalog.titles()[split.cold[i]].genres) {
      if (n[g] > 0) {
        s += sum[g] / n[g];
        k += 1.0;
      }
    }
    fixed[i] = k > 0 ? static_cast<float>(s / k) : 0.0f;
  }
  return [fixed](uint32_t, std::span<float> out) { std::copy(fixed.begin(), fixed.end(), out.begin()); };
}

ColdTitleScorer ActivityScorer(const ColdTitleSplit& split) {
  return [&split](uint32_t member, std::span<float> out) {
    std::fill(out.begin(), out.end(), static_cast<float>(split.train.RowLength(member)));
  };
}

ColdTitleScorer RandomScorer(const ColdTitleSplit& split, uint64_t seed) {
  (void)split;
  return [seed](uint32_t member, std::span<float> out) {
    Rng rng(seed ^ (0x9e3779b97f4a7c15ull * (member + 1)));
    for (float& s : out) s = static_cast<float>(rng.Uniform());
  };
}

ColdTitleScorer FactorScorer(const ColdTitleSplit& split, const FactorMatrix& member_factors,
                             const FactorMatrix& title_vectors) {
  return [&split, &member_factors, &title_vectors](uint32_t member, std::span<float> out) {
    const float* u = member_factors.Row(member);
    for (size_t i = 0; i < split.cold.size(); ++i) {
      const float* v = title_vectors.Row(split.cold[i]);
      double s = 0.0;
      for (uint32_t k = 0; k < member_factors.factors(); ++k) s += static_cast<double>(u[k]) * v[k];
      out[i] = static_cast<float>(s);
    }
  };
}

std::string ColdTitleTable(std::span<const ColdTitleResult> results) {
  if (results.empty()) return "";
  std::string out = fmt::format("{:<28}", "method");
  for (uint32_t k : results[0].cutoffs) out += fmt::format(" {:>10} {:>10}", fmt::format("Recall@{}", k),
                                                            fmt::format("NDCG@{}", k));
  out += fmt::format(" {:>8} {:>8} {:>7}\n", "AUC", "members", "titles");
  for (const ColdTitleResult& r : results) {
    out += fmt::format("{:<28}", r.method);
    for (size_t k = 0; k < r.cutoffs.size(); ++k) out += fmt::format(" {:>10.4f} {:>10.4f}", r.recall[k], r.ndcg[k]);
    out += fmt::format(" {:>8.4f} {:>8} {:>7}\n", r.auc, r.members, r.titles);
  }
  return out;
}

}  // namespace marquee
