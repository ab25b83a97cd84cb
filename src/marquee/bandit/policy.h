// ArtworkPolicy: chooses which of a title's artwork variants a member sees,
// says with what probability it chose it, and learns from the outcome.
//
// The probabilities are the point: every impression is logged with the
// propensity of the variant shown, so that any other policy can later be
// evaluated on the log (off_policy.h). Deterministic policies report 1 for
// the variant they pick (ties split evenly).
//
// Thread safety: the const methods may run concurrently with each other; an
// Update needs exclusive access (the server's learner thread owns its policy
// and publishes Clone()s for decisions; the simulator runs one thread a policy).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/bandit/artwork_features.h"
#include "marquee/util/parameters.h"
#include "marquee/util/random.h"
#include "marquee/util/section_file.h"
#include "marquee/util/status.h"

namespace marquee {

// One decision: show `title` (dataset title index) to a member whose context
// is `member` (ArtworkFeatures::MemberVector). The variants are the title's
// catalog artwork, in order.
struct ArtworkContext {
  std::span<const float> member;
  uint32_t title = 0;
};

class ArtworkPolicy {
 public:
  virtual ~ArtworkPolicy() = default;

  // "uniform", "epsilon-greedy", "linucb", "thompson".
  virtual std::string_view kind() const = 0;
  // The settings it was made with, as given to CreateArtworkPolicy.
  virtual const Parameters& parameters() const = 0;
  const ArtworkFeatures& features() const { return *features_; }

  // Probability of showing each variant; out.size() == the title's variant
  // count (>= 1), entries >= 0 summing to 1. Exact, except for Thompson
  // sampling, whose probabilities are a Monte Carlo estimate (deterministic
  // for the same context and state).
  virtual void Probabilities(const ArtworkContext& context, std::span<double> out) const = 0;

  // Draws the variant to show, using only `rng` for randomness; it must be a
  // draw from Probabilities() (Decide relies on it). The default samples
  // from Probabilities() with SampleIndex.
  virtual uint32_t Choose(const ArtworkContext& context, Rng& rng) const;

  // Learns from the outcome of showing `variant`: reward in [0, 1] (a play,
  // or the fraction watched).
  virtual void Update(const ArtworkContext& context, uint32_t variant, double reward) = 0;

  // The learned state (not the parameters or the features), for policy files.
  virtual void SaveState(ByteWriter& out) const = 0;
  virtual Status LoadState(ByteReader& in) = 0;

  // A deep copy (the features are shared).
  virtual std::unique_ptr<ArtworkPolicy> Clone() const = 0;

  // Precomputes what makes reads cheaper, for a policy that will be read many
  // times before it is next updated (the copy a server publishes to its
  // request threads); Update undoes it. Decisions are the same either way up
  // to rounding. Not to be called while other threads read the policy.
  virtual void PrepareForReads() {}

 protected:
  explicit ArtworkPolicy(std::shared_ptr<const ArtworkFeatures> features)
      : features_(std::move(features)) {}
  std::shared_ptr<const ArtworkFeatures> features_;
};

// What a decision returns and what an impression logs.
struct ArtworkDecision {
  uint32_t variant = 0;     // within the title
  double propensity = 1.0;  // probability the policy chose it, in (0, 1]
};

// Chooses with a generator seeded from (seed, impression_id), so that a
// decision can be replayed exactly, and returns the propensity of the choice.
ArtworkDecision Decide(const ArtworkPolicy& policy, const ArtworkContext& context, uint64_t seed,
                       std::string_view impression_id);

// Decide among the variants `eligible` allows (eligible.size() == the
// title's variant count), for a gate in front of the policy (the consent
// gate, issue 11 §3): the policy's probabilities are set to 0 outside the set
// and renormalised over it, so the propensity is the probability of the
// choice given the set, and IPS, DR and replay stay unbiased when the log
// records the set. If the policy gives every eligible variant probability 0
// (a greedy policy whose favourite is ineligible), the eligible variants
// share it evenly. nullopt when no variant is eligible, or when eligible is
// not one entry a variant (a caller's mistake: refused, not guessed). With every variant
// eligible the decision is Decide's, bit for bit (same draw).
// DecideAmong's rule on a probability vector: entries outside `eligible`
// (one flag an entry) set to 0 and the rest renormalised to sum to 1, or
// shared evenly when they had no mass. A full or empty set leaves `p` as it
// is (bit for bit). The one copy of the arithmetic: the simulator and the
// off-policy estimators restrict target policies with it too, so a policy
// evaluated on its own gated log gets weights of exactly 1.
void RenormaliseOver(std::span<double> p, const std::vector<bool>& eligible);

std::optional<ArtworkDecision> DecideAmong(const ArtworkPolicy& policy, const ArtworkContext& context,
                                           const std::vector<bool>& eligible, uint64_t seed,
                                           std::string_view impression_id);

// Draws an index from a probability vector (entries >= 0, sum about 1).
uint32_t SampleIndex(std::span<const double> probabilities, Rng& rng);

// Creates a policy by kind, its parameters validated (unknown names and out-of-
// range values are InvalidArgument errors naming what was expected):
//   uniform
//   epsilon-greedy  epsilon=0.1 (0..1), lambda=1: greedy on a shared ridge model
//   linucb          model=shared|disjoint, alpha=1 (>= 0), lambda=1
//   thompson        model=shared|disjoint, scale=0.5 (> 0), lambda=1, samples=64 (MC for propensities)
Result<std::unique_ptr<ArtworkPolicy>> CreateArtworkPolicy(
    std::string_view kind, const Parameters& parameters,
    std::shared_ptr<const ArtworkFeatures> features);
std::vector<std::string> ArtworkPolicyKinds();
// The same from one command-line spec. The spec's text alone decides what it
// is (the file system is never consulted to guess, so a file named
// "thompson" in the working directory cannot change what "thompson" means):
//   file:PATH or PATH ending in ".mqp"  a policy file (LoadArtworkPolicy);
//   anything else                       "kind" or "kind:name=value,..."
//                                       (linucb:model=disjoint,alpha=0.5).
// An unknown kind is InvalidArgument listing the kinds and the file forms.
// Errors name the spec (or the file). Without the catalog a file spec is
// InvalidArgument: loading a file checks it against the catalog.
Result<std::unique_ptr<ArtworkPolicy>> CreateArtworkPolicyFromSpec(
    std::string_view spec, const Catalog& catalog, std::shared_ptr<const ArtworkFeatures> features);
Result<std::unique_ptr<ArtworkPolicy>> CreateArtworkPolicyFromSpec(
    std::string_view spec, std::shared_ptr<const ArtworkFeatures> features);
// The kind, then the parameters given when there are any: "linucb alpha=0.5".
std::string ArtworkPolicyName(const ArtworkPolicy& policy);

// Policy files (conventionally *.mqp): a SectionFile "MQPOLICY" holding the
// kind, the parameters, a fingerprint of the catalog's artwork (count and ids)
// and the learned state. Load refuses a damaged file, and one whose artwork
// fingerprint differs from `features`' catalog, with an error naming the file.
// The file may also hold how much the policy has learned (a server's
// snapshot records its counters; train-policy's files have none): Load
// fills `counters` when given, zeros when the file has none.
struct ArtworkPolicyCounters {
  uint64_t updates = 0;   // outcomes learned
  uint64_t rewarded = 0;  // of those, with reward > 0
};
Status SaveArtworkPolicy(const ArtworkPolicy& policy, const Catalog& catalog, const std::string& path,
                         const ArtworkPolicyCounters* counters = nullptr);
Result<std::unique_ptr<ArtworkPolicy>> LoadArtworkPolicy(
    const std::string& path, const Catalog& catalog, std::shared_ptr<const ArtworkFeatures> features,
    ArtworkPolicyCounters* counters = nullptr);

}  // namespace marquee
