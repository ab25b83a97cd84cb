// Training data for the ranker from what members did next (issue 15 §1):
// the sources, trained on the interactions before a split, gather each
// member's candidates; a candidate's label is 1 when the member played it
// at or after the split ("target"), else 0. One query a member, members
// whose target holds none of their candidates left out (nothing to learn
// from: every label 0).
//
// Thread safety: reentrant (the sources are only scored).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/data/interactions.h"
#include "marquee/ranking/candidates.h"
#include "marquee/ranking/lambdamart.h"
#include "marquee/ranking/ranking_features.h"

namespace marquee {

struct RankingDatasetOptions {
  uint32_t per_source = 100;  // candidates each source retrieves
  // 0 = every member with a target; else this many of them, drawn at random
  // (by `seed`): imported member indices often follow sign-up order, and the
  // first members are not like the rest.
  uint32_t max_members = 0;
  uint64_t seed = 42;
};

struct RankingDataset {
  RankingData data;
  std::vector<uint32_t> members;          // one a query
  std::vector<std::vector<uint32_t>> titles;  // each query's candidates, in row order
  uint64_t targets = 0;                   // target titles of the members kept
  uint64_t targets_retrieved = 0;         // of those, among the candidates (the ranker's ceiling)
};

// Each member's latest `share` of interactions (by time; a random share, by
// `seed`, when `data` has no times), at least one of every member with two
// or more, as `target`; the rest as `train`. Same shape as `data`.
struct LabelSplit {
  InteractionMatrix train;
  InteractionMatrix target;
};
LabelSplit SplitLatestPerMember(const InteractionMatrix& data, double share, uint64_t seed);

// `train`: what the sources learned from (its rows are each member's
// history and are never retrieved); `target`: what they played next, same
// shape.
RankingDataset BuildRankingDataset(std::span<const CandidateSource> sources, const InteractionMatrix& train,
                                   const InteractionMatrix& target, const TitleStats& stats,
                                   const RankingDatasetOptions& options = {});

// One logged list of impressions (issue 15 §1: training from what members
// did after being shown titles): the titles one answer showed a member, in
// order, and which of them the member then played.
struct ImpressionList {
  uint32_t member = 0;           // dense index; IdMap::kNotFound when the sources never saw them
  std::vector<uint32_t> titles;  // distinct, as shown
  std::vector<float> labels;     // one a title: 1 played after being shown, else 0 (or a watch fraction)
  float weight = 1.0f;           // the query's weight (e.g. from the impressions' propensities)
};

// One query a list, its rows the list's titles described by the sources
// (DescribeTitles, members' histories from `train`, watched titles not
// excluded: they were shown). Lists without a played title are left out
// (nothing to order); group_weight holds the lists' weights.
RankingDataset BuildRankingDatasetFromImpressions(std::span<const CandidateSource> sources,
                                                  const InteractionMatrix& train, std::span<const ImpressionList> lists,
                                                  const TitleStats& stats, uint32_t per_source);

}  // namespace marquee
