// Off-policy evaluation of artwork policies on an impression log: what the
// target policy would choose for each logged (member, title), and what a
// reward model fitted on the log predicts for every variant.
//
// The reward model is a ridge regression over the joint (member x artwork)
// features, cross-fitted like PredictTabular: record i is in fold i % K and
// is predicted by the model fitted on the other folds, so DR's correction
// term is not computed on rewards the model has already seen.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "marquee/bandit/artwork_features.h"
#include "marquee/data/logged_bandit_data.h"
#include "marquee/bandit/off_policy.h"
#include "marquee/bandit/policy.h"
#include "marquee/util/status.h"

namespace marquee {

// The title of each record must be recoverable from its candidates: they are
// the title's variants (global artwork indices) in order.
struct ArtworkRecords {
  const LoggedBanditData* data = nullptr;
  std::span<const float> member_contexts;  // records x features.member_dim()
};

// target(a | x_i) of `policy` for every candidate; uniform when policy is null.
// On a record with an eligible set (LoggedBanditData::eligible) the target
// chooses among that set as a gated server would (RestrictToEligible).
Result<std::vector<double>> ArtworkTargetProbabilities(const ArtworkRecords& records,
                                                       const ArtworkFeatures& features,
                                                       const ArtworkPolicy* policy);

// q(x_i, a) for every candidate from a cross-fitted ridge regression.
Result<std::vector<double>> PredictArtworkRewards(const ArtworkRecords& records,
                                                  const ArtworkFeatures& features, uint32_t folds,
                                                  double lambda = 1.0);

// DecideAmong's rule (bandit/policy.h) applied to record i's row of target
// probabilities: 0 outside its eligible set, renormalised over it, and
// uniform over the set when the policy gives the whole set 0 (a greedy
// target whose favourite was ruled out). A record with every candidate
// eligible keeps its row bit for bit, as DecideAmong keeps a full set's.
void RestrictToEligible(const LoggedBanditData& data, size_t record, std::span<double> row);

// The title whose variants record i's candidates are (the first candidate's
// title).
uint32_t RecordTitle(const LoggedBanditData& data, const ArtworkFeatures& features, size_t record);

}  // namespace marquee
