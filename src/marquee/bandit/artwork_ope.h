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
Result<std::vector<double>> ArtworkTargetProbabilities(const ArtworkRecords& records,
                                                       const ArtworkFeatures& features,
                                                       const ArtworkPolicy* policy);

// q(x_i, a) for every candidate from a cross-fitted ridge regression.
Result<std::vector<double>> PredictArtworkRewards(const ArtworkRecords& records,
                                                  const ArtworkFeatures& features, uint32_t folds,
                                                  double lambda = 1.0);

// The title whose variants record i's candidates are (the first candidate's
// title).
uint32_t RecordTitle(const LoggedBanditData& data, const ArtworkFeatures& features, size_t record);

}  // namespace marquee
