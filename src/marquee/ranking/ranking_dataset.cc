#include "marquee/ranking/ranking_dataset.h"

#include <algorithm>
#include <numeric>

#include "marquee/util/random.h"

namespace marquee {

LabelSplit SplitLatestPerMember(const InteractionMatrix& data, double share, uint64_t seed) {
  Rng rng(seed);
  InteractionBuilder train, target;
  std::vector<size_t> order;
  for (uint32_t m = 0; m < data.rows(); ++m) {
    const auto titles = data.RowIndices(m);
    const auto weights = data.RowWeights(m);
    const auto times = data.RowTimes(m);
    order.resize(titles.size());
    std::iota(order.begin(), order.end(), size_t{0});
    if (times.empty()) {
      for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(static_cast<uint32_t>(i))]);
    } else {
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return times[a] < times[b]; });
    }
    const size_t held = titles.size() >= 2 ? std::max<size_t>(1, static_cast<size_t>(share * titles.size())) : 0;
    for (size_t j = 0; j < order.size(); ++j) {
      const size_t i = order[j];
      (j + held >= order.size() ? target : train).Add(m, titles[i], weights[i], times.empty() ? 0 : times[i]);
    }
  }
  return {train.Build(data.rows(), data.cols(), DuplicateRule::kSum),
          target.Build(data.rows(), data.cols(), DuplicateRule::kSum)};
}

RankingDataset BuildRankingDataset(std::span<const CandidateSource> sources, const InteractionMatrix& train,
                                   const InteractionMatrix& target, const TitleStats& stats,
                                   const RankingDatasetOptions& o) {
  RankingDataset out;
  out.data.features = static_cast<uint32_t>(RankingFeatureNames(sources).size());
  std::vector<uint32_t> order(target.rows());
  std::iota(order.begin(), order.end(), 0u);
  if (o.max_members != 0) {
    Rng rng(o.seed);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(static_cast<uint32_t>(i))]);
  }
  for (uint32_t m : order) {
    if (o.max_members != 0 && out.members.size() >= o.max_members) break;
    const auto next = target.RowIndices(m);
    if (next.empty()) continue;
    const History history = History::Row(train, m);
    const Candidates c = GatherCandidates(sources, m, history, history.titles, o.per_source);
    uint32_t hits = 0;
    std::vector<float> labels(c.titles.size(), 0.0f);
    for (size_t i = 0; i < c.titles.size(); ++i) {
      if (std::binary_search(next.begin(), next.end(), c.titles[i])) {
        labels[i] = 1.0f;
        ++hits;
      }
    }
    if (hits == 0) continue;
    out.targets += next.size();
    out.targets_retrieved += hits;
    AppendRankingFeatures(c, history, stats, out.data.x);
    out.data.label.insert(out.data.label.end(), labels.begin(), labels.end());
    out.data.group_sizes.push_back(static_cast<uint32_t>(c.titles.size()));
    out.members.push_back(m);
    out.titles.push_back(c.titles);
  }
  return out;
}

RankingDataset BuildRankingDatasetFromImpressions(std::span<const CandidateSource> sources,
                                                  const InteractionMatrix& train, std::span<const ImpressionList> lists,
                                                  const TitleStats& stats, uint32_t per_source) {
  RankingDataset out;
  out.data.features = static_cast<uint32_t>(RankingFeatureNames(sources).size());
  for (const ImpressionList& list : lists) {
    uint32_t played = 0;
    for (float label : list.labels) played += label > 0;
    if (played == 0 || list.titles.size() != list.labels.size()) continue;
    const History history = list.member < train.rows() ? History::Row(train, list.member) : History{};
    const Candidates c = DescribeTitles(sources, list.member, history, {}, per_source, list.titles);
    out.targets += played;
    for (size_t i = 0; i < c.titles.size(); ++i) out.targets_retrieved += list.labels[i] > 0 && c.retrieved_by[i] > 0;
    AppendRankingFeatures(c, history, stats, out.data.x);
    out.data.label.insert(out.data.label.end(), list.labels.begin(), list.labels.end());
    out.data.group_sizes.push_back(static_cast<uint32_t>(c.titles.size()));
    out.data.group_weight.push_back(list.weight);
    out.members.push_back(list.member);
    out.titles.push_back(c.titles);
  }
  return out;
}

}  // namespace marquee
