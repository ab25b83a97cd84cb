// Logged impressions as the ranker's training lists (issue 15 §1: "trained
// from impression logs with outcomes"): each list is what one answer showed
// one member, labelled by what they played after it was shown.
//
// - Impressions and outcomes are matched by the reward attribution rules
//   the artwork bandits use (bandit/reward_attribution.h): a play naming the
//   impression, or of the same member and title within the reward window.
// - A list is the impressions of one member with the same page and row
//   (homepage impressions carry a placement), else the same member and
//   second (one recommendation answer).
// - Weights: 1, or the mean over a list's impressions of 1 / propensity,
//   capped at max_weight (inverse propensity weighting, Horvitz-Thompson).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "marquee/bandit/reward_attribution.h"
#include "marquee/data/dataset.h"
#include "marquee/data/event.h"
#include "marquee/ranking/ranking_dataset.h"
#include "marquee/util/status.h"

namespace marquee::cli {

struct ImpressionListOptions {
  RewardRules rules;
  bool inverse_propensity = false;
  double max_weight = 10.0;
};

struct ImpressionLists {
  std::vector<ImpressionList> lists;
  int64_t first_time = 0;          // the earliest impression kept
  uint64_t impressions = 0;        // kept (titles the dataset knows), a title shown twice in a list once
  uint64_t played = 0;             // of those, followed by a play
  uint64_t lists_played = 0;       // lists with at least one
  uint64_t unknown_titles = 0;     // impressions of titles the dataset lacks, left out
  uint64_t unknown_members = 0;    // kept impressions of members the dataset lacks (no history)
  uint64_t without_propensity = 0; // kept impressions with none (weight 1 under inverse-propensity)
};

// InvalidArgument when the log holds no impression, when an event has no
// time (0: the JSON reader's mark of a missing one), or when no impression
// is of a title the dataset knows.
Result<ImpressionLists> BuildImpressionLists(std::span<const Event> events, const Dataset& dataset,
                                             const ImpressionListOptions& options);

}  // namespace marquee::cli
