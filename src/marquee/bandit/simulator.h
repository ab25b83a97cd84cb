// ArtworkSimulator: runs artwork policies against the synthetic service's
// ground truth, where the play probability of every (member, title, variant)
// is known, and measures reward and regret.
//
// Each round draws a member (by activity) and a title (by the member's true
// affinity, as if a good recommender put it on their homepage), asks every
// policy for a variant, and draws a play with GroundTruth::PlayProbability.
// All policies see the same members, titles and uniform draws (common random
// numbers), so differences between them are the policies' own.
// Regret is expected regret: the oracle's play probability minus that of the
// variant chosen, which is far less noisy than realised regret.
// Two reference policies come from the truth: the oracle (the best variant for
// each member) and the best fixed artwork (for each title the variant with the
// highest play probability averaged over the members who are shown it).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "marquee/bandit/logged_bandit_data.h"
#include "marquee/bandit/policy.h"
#include "marquee/data/dataset.h"
#include "marquee/data/ground_truth.h"
#include "marquee/util/progress.h"
#include "marquee/util/status.h"

namespace marquee {

struct SimulationOptions {
  uint64_t rounds = 100000;
  uint32_t checkpoints = 50;      // evenly spaced points of the curves
  uint32_t update_batch = 1;      // policies learn every this many rounds (delayed feedback)
  uint64_t seed = 1;
  // When set, the impressions of the policy with this index are kept as a log
  // (for off-policy evaluation against the truth).
  std::optional<size_t> log_policy;
};

struct PolicyCurve {
  std::string name;                 // e.g. "linucb shared alpha=1"
  std::vector<double> cumulative_reward;   // expected plays, at each checkpoint
  std::vector<double> cumulative_regret;   // against the oracle, at each checkpoint
  double mean_reward = 0.0;         // expected play rate over all rounds
  double realised_reward = 0.0;     // plays actually drawn / rounds
};

struct SimulationResult {
  std::vector<uint64_t> checkpoints;    // round counts
  std::vector<PolicyCurve> policies;    // in the order given, then "best fixed artwork", then "oracle"
  // The logged impressions of options.log_policy, with member contexts:
  // candidates are artwork indices, member[i] the member.
  LoggedBanditData log;
};

// Runs the given policies (they learn as they go; pass clones to keep the
// originals). `names` label them in the result (same size as policies).
Result<SimulationResult> SimulateArtwork(const Dataset& dataset, const GroundTruth& truth,
                                         std::vector<std::unique_ptr<ArtworkPolicy>>& policies,
                                         const std::vector<std::string>& names,
                                         const SimulationOptions& options,
                                         const ProgressCallback& progress = {});

// The exact expected reward of a fixed (non-learning) policy on the
// simulator's distribution of (member, title), estimated over `rounds` draws
// with the policy's exact probabilities and the true play probabilities (no
// Bernoulli noise). The ground truth an OPE estimate is checked against.
Result<double> TruePolicyValue(const Dataset& dataset, const GroundTruth& truth,
                               const ArtworkPolicy& policy, uint64_t rounds, uint64_t seed);

// Member contexts for every dataset member, from their history in the dataset
// (members x member_dim, row-major).
std::vector<float> MemberContexts(const Dataset& dataset, const ArtworkFeatures& features);

// A table (one row a policy: mean play rate, cumulative regret, regret share of
// the oracle's reward, lift over uniform) and an SVG line chart of cumulative
// regret against rounds.
std::string FormatRegretTable(const SimulationResult& result);
std::string RegretChartSvg(const SimulationResult& result, const std::string& title);

}  // namespace marquee
