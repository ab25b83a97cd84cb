// From scores to recommendations: exclude what the member has watched (and
// anything else the caller names), restrict to candidates (a genre, region or
// maturity filter as a title mask), and keep the top k.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "marquee/models/recommender.h"
#include "marquee/models/top_k.h"
#include "marquee/util/progress.h"

namespace marquee {

struct RecommendOptions {
  uint32_t k = 20;
  bool exclude_history = true;              // leave out titles in the history
  std::span<const uint32_t> exclude;        // more titles to leave out
  std::span<const uint8_t> candidates;      // title mask (nonzero = allowed); empty = all
};

// For a training member (member set) or an unseen history (nullopt: fold-in).
std::vector<ScoredTitle> Recommend(const Recommender& model, std::optional<uint32_t> member,
                                   History history, const RecommendOptions& options);

// For many training members at once, in parallel; result[i] is for members[i],
// whose history is row members[i] of `histories`. When `seen` is given, its
// row of each member is excluded too (e.g. all watched titles, when the
// scoring history holds only the positively rated ones).
std::vector<std::vector<ScoredTitle>> RecommendBatch(const Recommender& model,
                                                     const InteractionMatrix& histories,
                                                     std::span<const uint32_t> members,
                                                     const RecommendOptions& options,
                                                     const ProgressCallback& progress = {},
                                                     const InteractionMatrix* seen = nullptr);

// The k titles most similar to `title`, itself excluded.
std::vector<ScoredTitle> SimilarTitles(const Recommender& model, uint32_t title, uint32_t k,
                                       std::span<const uint8_t> candidates = {});

// The ranking step of Recommend on scores the caller already computed (into a
// reused buffer, or a popularity vector): `history` (when
// options.exclude_history) and options.exclude left out, options.candidates
// applied, the best options.k kept. Overwrites excluded entries of `scores`.
std::vector<ScoredTitle> RankScores(std::span<float> scores, History history, const RecommendOptions& options);

}  // namespace marquee
