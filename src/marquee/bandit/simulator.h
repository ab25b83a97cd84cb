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
//
// Titles with a single artwork variant are never drawn (there is nothing to
// choose). The best fixed artwork is estimated from a deterministic sample of
// at least 2^20 (member, title) draws, 256 a title on larger catalogs, with a
// seed of its own: the same reference in every run on the same service, exact
// in expectation, and only for the rarest titles -- which weigh least in the
// reward -- possibly not the exact best. Ties go to the lowest variant index,
// for the oracle too. Policies play in parallel, one thread a policy, and the
// result does not depend on the number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "marquee/data/logged_bandit_data.h"
#include "marquee/bandit/policy.h"
#include "marquee/data/dataset.h"
#include "marquee/synthetic/ground_truth.h"
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
  // candidates are the title's artwork indices, member[i] the member and
  // contexts the MemberContexts row the policy saw; reward the drawn play (0/1).
  LoggedBanditData log;
};

// Runs the given policies (they learn as they go; pass clones to keep the
// originals). `names` label them in the result (same size as policies; none
// at all gives just the two reference curves). Feedback still buffered at the
// end is learned before returning. InvalidArgument, naming what differs, when
// the truth does not describe the dataset (members, titles, artwork per
// title) or a policy's features another catalog, for bad options, or when no
// title has two or more variants. Progress stage: "simulating artwork policies".
Result<SimulationResult> SimulateArtwork(const Dataset& dataset, const GroundTruth& truth,
                                         std::vector<std::unique_ptr<ArtworkPolicy>>& policies,
                                         const std::vector<std::string>& names,
                                         const SimulationOptions& options,
                                         const ProgressCallback& progress = {});

// The exact expected reward of a fixed (non-learning) policy on the
// simulator's distribution of (member, title), estimated over `rounds` draws
// with the policy's exact probabilities and the true play probabilities (no
// Bernoulli noise). The ground truth an OPE estimate is checked against.
// Deterministic for a seed at any thread count; Probabilities() is called from
// several threads at once (it is const). Errors as SimulateArtwork's.
Result<double> TruePolicyValue(const Dataset& dataset, const GroundTruth& truth,
                               const ArtworkPolicy& policy, uint64_t rounds, uint64_t seed);

// Member contexts for every dataset member, from their history in the dataset
// (members x member_dim, row-major).
std::vector<float> MemberContexts(const Dataset& dataset, const ArtworkFeatures& features);

// A table (one row a policy: mean play rate, cumulative regret, regret share of
// the oracle's reward, lift over uniform -- the first policy whose name starts
// with "uniform", the column left out when there is none) and an SVG line
// chart of cumulative regret against rounds (the oracle, zero throughout, is
// left out).
std::string FormatRegretTable(const SimulationResult& result);
std::string RegretChartSvg(const SimulationResult& result, const std::string& title);

}  // namespace marquee
