#include "marquee/ranking/ranking_dataset.h"

#include <algorithm>

namespace marquee {

RankingDataset BuildRankingDataset(std::span<const CandidateSource> sources, const InteractionMatrix& train,
                                   const InteractionMatrix& target, const Catalog& catalog, const TitleStats& stats,
                                   const RankingDatasetOptions& o) {
  RankingDataset out;
  out.data.features = static_cast<uint32_t>(RankingFeatureNames(sources).size());
  for (uint32_t m = 0; m < target.rows(); ++m) {
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
    AppendRankingFeatures(c, history, catalog, stats, out.data.x);
    out.data.label.insert(out.data.label.end(), labels.begin(), labels.end());
    out.data.group_sizes.push_back(static_cast<uint32_t>(c.titles.size()));
    out.members.push_back(m);
    out.titles.push_back(c.titles);
  }
  return out;
}

}  // namespace marquee
