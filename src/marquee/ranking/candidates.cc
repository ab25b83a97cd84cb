#include "marquee/ranking/candidates.h"

#include <cmath>
#include <limits>

#include "marquee/data/id_map.h"
#include "marquee/models/top_k.h"

namespace marquee {

namespace {
// Each source's scores of every title and its top `per_source`.
struct SourceLists {
  std::vector<std::vector<float>> scores;
  std::vector<std::vector<ScoredTitle>> tops;
};

SourceLists ScoreSources(std::span<const CandidateSource> sources, uint32_t member, History history,
                         std::span<const uint32_t> exclude, uint32_t per_source) {
  const uint32_t n = sources[0].model->title_count();
  SourceLists out;
  out.scores.assign(sources.size(), std::vector<float>(n));
  out.tops.resize(sources.size());
  for (size_t s = 0; s < sources.size(); ++s) {
    std::span<float> row(out.scores[s]);
    if (member != IdMap::kNotFound && member < sources[s].model->member_count()) {
      sources[s].model->ScoreMember(member, history, row);
    } else {
      sources[s].model->ScoreHistory(history, row);
    }
    ExcludeTitles(row, exclude);
    out.tops[s] = TopK(row, per_source);
  }
  return out;
}

// Fills scores, ranks and retrieved_by of out.titles.
void Describe(const SourceLists& lists, uint32_t n, Candidates& out) {
  std::vector<int32_t> position(n, -1);  // title -> index in out.titles
  for (size_t i = 0; i < out.titles.size(); ++i) position[out.titles[i]] = static_cast<int32_t>(i);
  const size_t c = out.titles.size();
  out.scores.resize(c * out.sources);
  out.ranks.assign(c * out.sources, 0);
  out.retrieved_by.assign(c, 0);
  for (size_t s = 0; s < out.sources; ++s) {
    for (size_t i = 0; i < c; ++i) out.scores[i * out.sources + s] = lists.scores[s][out.titles[i]];
    for (size_t r = 0; r < lists.tops[s].size(); ++r) {
      const int32_t i = position[lists.tops[s][r].title];
      if (i < 0) continue;
      out.ranks[static_cast<size_t>(i) * out.sources + s] = static_cast<uint32_t>(r + 1);
      ++out.retrieved_by[static_cast<size_t>(i)];
    }
  }
}
}  // namespace

Candidates GatherCandidates(std::span<const CandidateSource> sources, uint32_t member, History history,
                            std::span<const uint32_t> exclude, uint32_t per_source) {
  Candidates out;
  out.sources = static_cast<uint32_t>(sources.size());
  if (sources.empty()) return out;
  const uint32_t n = sources[0].model->title_count();
  const SourceLists lists = ScoreSources(sources, member, history, exclude, per_source);
  std::vector<bool> taken(n, false);
  for (const std::vector<ScoredTitle>& top : lists.tops) {
    for (const ScoredTitle& t : top) {
      if (!taken[t.title]) {
        taken[t.title] = true;
        out.titles.push_back(t.title);
      }
    }
  }
  Describe(lists, n, out);
  return out;
}

Candidates DescribeTitles(std::span<const CandidateSource> sources, uint32_t member, History history,
                          std::span<const uint32_t> exclude, uint32_t per_source, std::span<const uint32_t> titles) {
  Candidates out;
  out.sources = static_cast<uint32_t>(sources.size());
  out.titles.assign(titles.begin(), titles.end());
  if (sources.empty()) return out;
  Describe(ScoreSources(sources, member, history, exclude, per_source), sources[0].model->title_count(), out);
  return out;
}

}  // namespace marquee
