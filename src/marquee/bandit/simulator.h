// ArtworkSimulator: runs artwork policies against the synthetic service's
// ground truth, where the play probability of every (member, title, variant)
// is known, and measures reward and regret.
//
// Each round draws a member (by activity) and a title (by the member's true
// affinity, as if a good recommender put it on their homepage), asks every
// policy for a variant, and draws a start with GroundTruth::PlayProbability
// and, for a start, whether it qualifies (the member keeps watching,
// data/qualifying_play.h) with GroundTruth::QualifyProbability.
//
// Honest artwork (issue 11 §4). The policies learn from the reward in use
// (SimulationOptions::reward): by default the *qualifying* play, so that a
// misleading image, which draws many starts that are soon abandoned, loses;
// kStart shows what a start-rewarded learner does instead. Every curve
// reports both rates and the share of impressions given to misleading
// variants; reward and regret are those of the reward in use.
//
// The eligible set. SimulationOptions::eligible (flattened over (title,
// variant) as HonestArtworkMask and GroundTruth::ArtworkIndex) says which
// variants may be shown: the honest-artwork rule and the consent gate. On a
// title with some variants ineligible a policy decides with DecideAmong
// (bandit/policy.h: its probabilities renormalised over the eligible ones,
// the serving rule); the oracle and the best fixed artwork choose among the
// eligible ones too (the "consented oracle"). A title with no eligible
// variant shows a *title card* (its name, no image): no policy is asked, no
// one learns, and its start probability is the lower of the title's neutral
// image (GroundTruth::BasePlayProbability) and its least appealing variant --
// typography alone promises no one and matches no mood, so it is assumed to
// draw no better than either; a title card misleads no one, so its
// qualifying probability is the mean of the title's honest variants'. The
// same member, title and draws happen with or without a mask (common random
// numbers), so runs with and without a gate compare round by round.
//
// Artwork stability. With sessions_per_change K > 1 a member's variant for a
// title changes at most once per K of that member's rounds: each round is one
// session of the member (the rounds they are drawn in, counted from 0), and
// a variant first shown, or changed to, at session s stays until session
// s + K; before then the policy is not asked and the shown variant is the
// one held (it is still learned from, and logged with propensity 1: the
// choice was the memo's). Kept as a small memo per (member, title) per policy.
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
#include <string_view>
#include <vector>

#include "marquee/data/logged_bandit_data.h"
#include "marquee/bandit/policy.h"
#include "marquee/data/dataset.h"
#include "marquee/synthetic/ground_truth.h"
#include "marquee/util/progress.h"
#include "marquee/util/status.h"

namespace marquee {

// What the policies learn from, and what reward and regret measure.
enum class SimulationReward : uint8_t {
  kQualifyingPlay = 0,  // a start that qualifies (start AND a draw with QualifyProbability)
  kStart = 1,           // a bare start (what a naive learner counts)
};
// "qualifying" / "start".
std::string_view SimulationRewardName(SimulationReward reward);

struct SimulationOptions {
  uint64_t rounds = 100000;
  uint32_t checkpoints = 50;      // evenly spaced points of the curves
  uint32_t update_batch = 1;      // policies learn every this many rounds (delayed feedback)
  uint64_t seed = 1;
  // When set, the impressions of the policy with this index are kept as a log
  // (for off-policy evaluation against the truth). Title-card rounds have no
  // impression of an image and are not logged. Records of titles with some
  // variants ineligible carry their eligible set (LoggedBanditData::eligible;
  // no mask when no record had a variant ruled out).
  std::optional<size_t> log_policy;
  // The reward the policies learn from (see the top of this file).
  SimulationReward reward = SimulationReward::kQualifyingPlay;
  // Which variants may be shown: one entry per artwork of the truth, in
  // GroundTruth::ArtworkIndex order (HonestArtworkMask's flattening), nonzero
  // = eligible. Empty: every variant.
  std::vector<uint8_t> eligible;
  // A member's variant for a title changes at most once per this many of the
  // member's sessions (rounds); 1 = any time.
  uint32_t sessions_per_change = 1;
};

struct PolicyCurve {
  std::string name;                 // e.g. "linucb shared alpha=1"
  std::vector<double> cumulative_reward;   // expected reward (of the reward in use), at each checkpoint
  std::vector<double> cumulative_regret;   // against the (eligible) oracle, at each checkpoint
  double mean_reward = 0.0;         // expected reward rate over all rounds
  double realised_reward = 0.0;     // rewards actually drawn / rounds
  double mean_start = 0.0;          // expected start (play) rate, whatever the reward
  double mean_qualifying = 0.0;     // expected qualifying-play rate, whatever the reward
  double misleading_share = 0.0;    // share of rounds that showed a misleading variant
};

// A round of the logged policy that showed a title card (no eligible
// variant): a log writes it as an impression with no image.
struct TitleCardRound {
  uint64_t round = 0;
  uint32_t member = 0;  // dataset member index
  uint32_t title = 0;   // dataset title index
};

struct SimulationResult {
  std::vector<uint64_t> checkpoints;    // round counts
  std::vector<PolicyCurve> policies;    // in the order given, then "best fixed artwork", then "oracle"
  // The logged impressions of options.log_policy, with member contexts:
  // candidates are the title's artwork indices, member[i] the member and
  // contexts the MemberContexts row the policy saw; reward the drawn reward
  // in use (0/1).
  LoggedBanditData log;
  std::vector<uint64_t> log_round;              // per log record: the round it was shown in
  std::vector<TitleCardRound> log_title_cards;  // the logged policy's title-card rounds, in order
  SimulationReward reward = SimulationReward::kQualifyingPlay;  // the options'
  uint64_t title_card_rounds = 0;   // rounds of titles with no eligible variant
  uint64_t misleading_variants = 0; // eligible variants of drawable titles that mislead
};

// Runs the given policies (they learn as they go; pass clones to keep the
// originals). `names` label them in the result (same size as policies; none
// at all gives just the two reference curves). Feedback still buffered at the
// end is learned before returning. InvalidArgument, naming what differs, when
// the truth does not describe the dataset (members, titles, artwork per
// title) or a policy's features another catalog, for bad options (an
// eligible mask of another size, sessions_per_change 0), or when no title
// has two or more variants. Progress stage: "simulating artwork policies".
Result<SimulationResult> SimulateArtwork(const Dataset& dataset, const GroundTruth& truth,
                                         std::vector<std::unique_ptr<ArtworkPolicy>>& policies,
                                         const std::vector<std::string>& names,
                                         const SimulationOptions& options,
                                         const ProgressCallback& progress = {});

// The exact expected reward of a fixed (non-learning) policy on the
// simulator's distribution of (member, title), estimated over `rounds` draws
// with the policy's exact probabilities and the true probabilities of
// `reward` (no Bernoulli noise). The ground truth an OPE estimate of a
// simulated log is checked against, so its default is the simulator's. With
// an `eligible` mask (SimulationOptions::eligible's shape; empty: every
// variant) the policy chooses as it would behind that gate -- DecideAmong's
// renormalisation on partly eligible titles -- and title-card draws, which a
// log does not hold, are left out: the value is per impression of an image,
// the quantity OPE estimates on a log made under the same mask.
// Deterministic for a seed at any thread count; Probabilities() is called
// from several threads at once (it is const). Errors as SimulateArtwork's,
// and InvalidArgument when every draw is a title card.
Result<double> TruePolicyValue(const Dataset& dataset, const GroundTruth& truth,
                               const ArtworkPolicy& policy, uint64_t rounds, uint64_t seed,
                               SimulationReward reward = SimulationOptions{}.reward,
                               const std::vector<uint8_t>& eligible = {});

// Member contexts for every dataset member, from their history in the dataset
// (members x member_dim, row-major).
std::vector<float> MemberContexts(const Dataset& dataset, const ArtworkFeatures& features);

// A table (one row a policy: start rate, qualifying-play rate, cumulative
// regret and its share of the oracle's reward, lift of the reward in use over
// uniform -- the first policy whose name starts with "uniform", the column
// left out when there is none -- and the share of impressions given to
// misleading variants, left out when none is eligible) and an SVG line chart
// of cumulative regret against rounds (the oracle, zero throughout, is left
// out).
std::string FormatRegretTable(const SimulationResult& result);
std::string RegretChartSvg(const SimulationResult& result, const std::string& title);

}  // namespace marquee
