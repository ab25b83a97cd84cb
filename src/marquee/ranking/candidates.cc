#include "marquee/ranking/candidates.h"

#include <cmath>
#include <limits>

#include "marquee/data/id_map.h"
#include "marquee/models/top_k.h"

namespace marquee {

Candidates GatherCandidates(std::span<const CandidateSource> sources, uint32_t member, History history,
                            std::span<const uint32_t> exclude, uint32_t per_source) {
  Candidates out;
  out.sources = static_cast<uint32_t>(sources.size());
  if (sources.empty()) return out;
  const uint32_t n = sources[0].model->title_count();
  // Each source's scores of every title, kept to fill the candidates' rows.
  std::vector<std::vector<float>> scores(sources.size(), std::vector<float>(n));
  std::vector<int32_t> position(n, -1);  // title -> index in out.titles
  std::vector<std::vector<ScoredTitle>> tops(sources.size());
  for (size_t s = 0; s < sources.size(); ++s) {
    std::span<float> row(scores[s]);
    if (member != IdMap::kNotFound && member < sources[s].model->member_count()) {
      sources[s].model->ScoreMember(member, history, row);
    } else {
      sources[s].model->ScoreHistory(history, row);
    }
    ExcludeTitles(row, exclude);
    tops[s] = TopK(row, per_source);
    for (const ScoredTitle& t : tops[s]) {
      if (position[t.title] < 0) {
        position[t.title] = static_cast<int32_t>(out.titles.size());
        out.titles.push_back(t.title);
      }
    }
  }
  const size_t c = out.titles.size();
  out.scores.resize(c * out.sources);
  out.ranks.assign(c * out.sources, 0);
  out.retrieved_by.assign(c, 0);
  for (size_t s = 0; s < sources.size(); ++s) {
    for (size_t i = 0; i < c; ++i) out.scores[i * out.sources + s] = scores[s][out.titles[i]];
    for (size_t r = 0; r < tops[s].size(); ++r) {
      const size_t i = static_cast<size_t>(position[tops[s][r].title]);
      out.ranks[i * out.sources + s] = static_cast<uint32_t>(r + 1);
      ++out.retrieved_by[i];
    }
  }
  return out;
}

}  // namespace marquee
