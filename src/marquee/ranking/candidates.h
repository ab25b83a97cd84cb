// Candidates: the retrieval step before ranking (issue 15 §1). Each source
// (a trained recommender: iALS, EASE, item-kNN, popularity ...) scores the
// whole catalog for the member and contributes its top `per_source` titles
// not excluded; the union is what the ranker orders. Every source's score
// and rank of every candidate is kept (a title one source retrieved still
// has the others' opinions), so the ranker sees where the sources agree.
//
// Thread safety: GatherCandidates is reentrant; the sources' scoring must be
// (Recommender's contract: const scoring may run concurrently).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "marquee/models/recommender.h"

namespace marquee {

struct CandidateSource {
  std::string name;              // "ials", "popularity", ...: names its features
  const Recommender* model = nullptr;
};

struct Candidates {
  uint32_t sources = 0;
  std::vector<uint32_t> titles;  // distinct; by source, then by that source's rank
  // titles.size() x sources, row-major: each source's score of each candidate
  // (-inf where the source excludes it), and its 1-based rank among the
  // titles it was allowed to rank (0 = beyond per_source: not retrieved by it).
  std::vector<float> scores;
  std::vector<uint32_t> ranks;
  // How many sources retrieved each candidate (1 .. sources).
  std::vector<uint32_t> retrieved_by;
  float Score(size_t candidate, uint32_t source) const { return scores[candidate * sources + source]; }
  uint32_t Rank(size_t candidate, uint32_t source) const { return ranks[candidate * sources + source]; }
};

// `member`: a training member of the sources (scored with ScoreMember and
// `history`), or IdMap::kNotFound for a history the sources never saw
// (ScoreHistory). `exclude`: titles never to retrieve (what the member has
// watched), ascending or not. Every source must have the same title_count.
Candidates GatherCandidates(std::span<const CandidateSource> sources, uint32_t member, History history,
                            std::span<const uint32_t> exclude, uint32_t per_source);

// `titles` (distinct; e.g. what an impression list showed) as candidates:
// every source's score and rank of each as GatherCandidates computes them
// (rank 0 where the title is beyond that source's per_source), so a ranker
// can learn from lists its sources did not retrieve.
Candidates DescribeTitles(std::span<const CandidateSource> sources, uint32_t member, History history,
                          std::span<const uint32_t> exclude, uint32_t per_source, std::span<const uint32_t> titles);

}  // namespace marquee
