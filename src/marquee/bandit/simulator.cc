#include "marquee/bandit/simulator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <unordered_map>

#include "marquee/util/svg_chart.h"
#include "marquee/util/threads.h"

namespace marquee {
namespace {

constexpr std::string_view kBestFixedName = "best fixed artwork";
constexpr std::string_view kOracleName = "oracle";

// Rounds are drawn a block at a time, then every policy plays the block on its
// own thread; big enough to amortise the fork, small enough to stay in cache.
constexpr uint32_t kBlockRounds = 4096;

// Streams of the master seed: the world (members, titles, play draws) and one
// for each policy's choices, so adding a policy changes no other's draws.
constexpr uint64_t kWorldStream = 0;
constexpr uint64_t kPolicyStreamBase = 1;
// Whether a start qualifies is drawn from a stream of its own, so that the
// member, title and start draws are those of a run before qualifying plays
// existed (a kStart run repeats it exactly).
constexpr uint64_t kQualifyStream = 0x7175616c69667900ULL;
// DecideAmong's seeds (one a policy), for titles with some variants ineligible.
constexpr uint64_t kGateStreamBase = 0x67617465'00000000ULL;

// The best fixed artwork is estimated from a deterministic sample of the
// simulator's (member, title) distribution. Its seed is fixed, not the run's,
// so the reference is the same in every run on the same service; the sample
// is split in chunks with their own streams so that the sums, added in chunk
// order, do not depend on the number of threads.
constexpr uint64_t kBestFixedSeed = 0x62657374'66697865ULL;
constexpr uint64_t kBestFixedMinSamples = uint64_t{1} << 20;
constexpr uint64_t kBestFixedSamplesPerTitle = 256;
constexpr uint32_t kSampleChunks = 16;

std::string Count(uint64_t n) { return std::to_string(n); }

// ---------------------------------------------------------------------------
// Validation: the truth must describe the dataset it is paired with, or every
// play probability would be some other title's.

Status CheckService(const Dataset& dataset, const GroundTruth& truth) {
  if (Status s = truth.Validate(); !s.ok()) {
    return Status::InvalidArgument("ground truth is inconsistent: " + s.message());
  }
  if (truth.member_count() != dataset.members.size()) {
    return Status::InvalidArgument("the ground truth has " + Count(truth.member_count()) +
                                   " members but the dataset has " + Count(dataset.members.size()));
  }
  if (truth.title_count() != dataset.titles.size()) {
    return Status::InvalidArgument("the ground truth has " + Count(truth.title_count()) +
                                   " titles but the dataset has " + Count(dataset.titles.size()));
  }
  if (dataset.catalog.size() != dataset.titles.size()) {
    return Status::InvalidArgument("the catalog has " + Count(dataset.catalog.size()) +
                                   " titles but the dataset has " + Count(dataset.titles.size()));
  }
  if (dataset.interactions.rows() != dataset.members.size() ||
      dataset.interactions.cols() != dataset.titles.size()) {
    return Status::InvalidArgument("the interaction matrix is " + Count(dataset.interactions.rows()) +
                                   " x " + Count(dataset.interactions.cols()) + " but the dataset has " +
                                   Count(dataset.members.size()) + " members and " +
                                   Count(dataset.titles.size()) + " titles");
  }
  for (uint32_t t = 0; t < truth.title_count(); ++t) {
    const size_t catalog_variants = dataset.catalog.titles()[t].artwork.size();
    if (catalog_variants != truth.ArtworkCount(t)) {
      return Status::InvalidArgument(
          "title '" + std::string(dataset.titles.ExternalId(t)) + "' (index " + Count(t) + ") has " +
          Count(catalog_variants) + " artwork variants in the catalog but " +
          Count(truth.ArtworkCount(t)) + " in the ground truth");
    }
  }
  return Status::OK();
}

// A policy built on another catalog would be asked about variants it does
// not have.
Status CheckFeatures(const ArtworkFeatures& features, const GroundTruth& truth, std::string_view who) {
  if (features.title_count() != truth.title_count() ||
      features.artwork_count() != truth.artwork_count()) {
    return Status::InvalidArgument(std::string(who) + " was built for a catalog of " +
                                   Count(features.title_count()) + " titles and " +
                                   Count(features.artwork_count()) + " artworks, the ground truth has " +
                                   Count(truth.title_count()) + " and " + Count(truth.artwork_count()));
  }
  for (uint32_t t = 0; t < truth.title_count(); ++t) {
    if (features.variant_count(t) != truth.ArtworkCount(t)) {
      return Status::InvalidArgument(std::string(who) + " has " + Count(features.variant_count(t)) +
                                     " artwork variants for title index " + Count(t) +
                                     ", the ground truth " + Count(truth.ArtworkCount(t)));
    }
  }
  return Status::OK();
}

Status CheckPolicies(const std::vector<std::unique_ptr<ArtworkPolicy>>& policies,
                     const std::vector<std::string>& names, const GroundTruth& truth) {
  if (names.size() != policies.size()) {
    return Status::InvalidArgument(Count(names.size()) + " names were given for " +
                                   Count(policies.size()) + " policies");
  }
  for (size_t i = 0; i < policies.size(); ++i) {
    const std::string who = "policy " + Count(i) + " ('" + names[i] + "')";
    if (!policies[i]) return Status::InvalidArgument(who + " is null");
    MARQUEE_RETURN_IF_ERROR(CheckFeatures(policies[i]->features(), truth, who));
  }
  return Status::OK();
}

Status CheckOptions(const SimulationOptions& options, size_t policies, const GroundTruth& truth) {
  if (options.rounds == 0) return Status::InvalidArgument("rounds must be at least 1");
  if (options.sessions_per_change == 0) {
    return Status::InvalidArgument("sessions_per_change must be at least 1");
  }
  if (!options.eligible.empty() && options.eligible.size() != truth.artwork_count()) {
    return Status::InvalidArgument("the eligible mask has " + Count(options.eligible.size()) +
                                   " entries but the ground truth has " + Count(truth.artwork_count()) +
                                   " artworks");
  }
  if (options.checkpoints == 0) return Status::InvalidArgument("checkpoints must be at least 1");
  if (options.update_batch == 0) return Status::InvalidArgument("update_batch must be at least 1");
  if (options.log_policy && *options.log_policy >= policies) {
    return Status::InvalidArgument("log_policy " + Count(*options.log_policy) +
                                   " is out of range: there are " + Count(policies) + " policies");
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------
// Drawing rounds.

// Index of the entry of a cumulative-sum range that x (in [0, total)) falls
// in; rounding that lands on the total picks the last entry.
size_t FindCumulative(const double* begin, const double* end, double x) {
  const double* it = std::upper_bound(begin, end, x);
  return static_cast<size_t>(std::min(it, end - 1) - begin);
}

// Draws (member, title) pairs: a member in proportion to activity, then a
// title in proportion to the member's TrueAffinity among the titles with at
// least two artwork variants (one variant leaves nothing to choose).
//
// TrueAffinity (ground_truth.h) is a mixture: with weight mainstream_share
// popularity alone, otherwise genre g with weight taste[g] Z_g^exposure
// (Z_g = genre_popularity) and then a title of g by popularity. Restricting
// to eligible titles keeps it a mixture whose components are "eligible titles
// by popularity" and "eligible titles of genre g by popularity", each weighted
// by its share of eligible popularity. So a draw costs O(genres) plus two
// binary searches instead of the O(titles) a member's affinities take.
// The simulator test checks the draws against TrueAffinities.
class RoundSampler {
 public:
  static Result<RoundSampler> Create(const GroundTruth& truth);

  uint32_t Member(Rng& rng) const {
    const double x = rng.Uniform() * member_cdf_.back();
    return static_cast<uint32_t>(FindCumulative(member_cdf_.data(), member_cdf_.data() + member_cdf_.size(), x));
  }
  uint32_t Title(uint32_t member, Rng& rng) const;
  size_t eligible_titles() const { return offsets_[1]; }

 private:
  explicit RoundSampler(const GroundTruth& truth) : truth_(&truth) {}
  double ComponentMass(size_t c) const { return cdf_[offsets_[c + 1] - 1]; }
  size_t ChooseComponent(uint32_t member, double u) const;

  const GroundTruth* truth_;
  std::vector<double> member_cdf_;
  // Component 0: eligible titles (mainstream draws); 1 + g: eligible titles of
  // genre g. titles_[offsets_[c]..offsets_[c+1]) with popularity prefix sums.
  std::vector<uint32_t> offsets_;
  std::vector<uint32_t> titles_;
  std::vector<double> cdf_;
  std::vector<double> genre_weight_;     // Z_g^(exposure-1) * Z_g: the member's normaliser
  std::vector<double> eligible_weight_;  // Z_g^(exposure-1) * eligible popularity of g
};

Result<RoundSampler> RoundSampler::Create(const GroundTruth& truth) {
  RoundSampler s(truth);
  double activity = 0.0;
  for (float a : truth.member_activity) {
    activity += std::max(0.0f, a);
    s.member_cdf_.push_back(activity);
  }
  if (!(activity > 0.0)) return Status::InvalidArgument("no member of the ground truth has any activity");

  const uint32_t genres = truth.genre_count;
  std::vector<std::vector<uint32_t>> members_of(1 + genres);
  for (uint32_t t = 0; t < truth.title_count(); ++t) {
    if (truth.ArtworkCount(t) < 2) continue;
    members_of[0].push_back(t);
    for (uint16_t g : truth.TitleGenres(t)) members_of[1 + g].push_back(t);
  }
  if (members_of[0].empty()) {
    return Status::InvalidArgument("no title has two or more artwork variants: there is nothing to choose");
  }
  s.offsets_.push_back(0);
  for (const std::vector<uint32_t>& component : members_of) {
    double sum = 0.0;
    for (uint32_t t : component) {
      sum += std::max(0.0f, truth.title_popularity[t]);
      s.titles_.push_back(t);
      s.cdf_.push_back(sum);
    }
    s.offsets_.push_back(static_cast<uint32_t>(s.titles_.size()));
  }
  if (!(s.ComponentMass(0) > 0.0)) {
    return Status::InvalidArgument("the titles with two or more artwork variants have no exposure");
  }
  s.genre_weight_.assign(genres, 0.0);
  s.eligible_weight_.assign(genres, 0.0);
  for (uint32_t g = 0; g < genres; ++g) {
    const double z = truth.genre_popularity[g];
    if (z <= 0.0) continue;  // a genre without titles is never drawn
    const double factor = std::pow(z, truth.genre_exposure - 1.0);
    s.genre_weight_[g] = factor * z;
    if (s.offsets_[2 + g] > s.offsets_[1 + g]) s.eligible_weight_[g] = factor * s.ComponentMass(1 + g);
  }
  return s;
}

size_t RoundSampler::ChooseComponent(uint32_t member, double u) const {
  const std::span<const float> taste = truth_->Taste(member);
  const uint32_t genres = truth_->genre_count;
  double norm = 0.0, genre_total = 0.0;
  for (uint32_t g = 0; g < genres; ++g) {
    norm += taste[g] * genre_weight_[g];
    genre_total += taste[g] * eligible_weight_[g];
  }
  // A member whose tastes have no titles at all draws by popularity alone, as
  // in TrueAffinity; so does one whose tastes have no eligible titles and who
  // never draws by popularity (the restricted affinity is then all zero).
  if (!(norm > 0.0)) return 0;
  const double mainstream = truth_->mainstream_share * ComponentMass(0);
  const double scale = (1.0 - truth_->mainstream_share) / norm;
  const double total = mainstream + scale * genre_total;
  if (!(total > 0.0)) return 0;
  double x = u * total;
  if (x < mainstream) return 0;
  x -= mainstream;
  size_t last = 0;
  for (uint32_t g = 0; g < genres; ++g) {
    const double w = scale * taste[g] * eligible_weight_[g];
    if (w <= 0.0) continue;
    last = 1 + g;
    if (x < w) return last;
    x -= w;
  }
  return last;  // rounding ran past the end: the last component that has weight
}

uint32_t RoundSampler::Title(uint32_t member, Rng& rng) const {
  const size_t c = ChooseComponent(member, rng.Uniform());
  const double* begin = cdf_.data() + offsets_[c];
  const double* end = cdf_.data() + offsets_[c + 1];
  const double x = rng.Uniform() * ComponentMass(c);
  return titles_[offsets_[c] + FindCumulative(begin, end, x)];
}

// Splits `total` draws into kSampleChunks runs, each with its own stream of
// `seed`, and calls body(chunk, first, count, rng) for them in parallel.
// Callers keep per-chunk results and combine them in chunk order, so the
// outcome does not depend on the number of threads.
template <typename Body>
void ForChunks(uint64_t total, uint64_t seed, Body body) {
#pragma omp parallel for schedule(dynamic, 1)
  for (uint32_t chunk = 0; chunk < kSampleChunks; ++chunk) {
    const uint64_t first = total * chunk / kSampleChunks;
    const uint64_t next = total * (chunk + 1) / kSampleChunks;
    Rng rng(DeriveSeed(seed, chunk));
    body(chunk, first, next - first, rng);
  }
}

// The expected reward in use of showing `variant`.
double ExpectedReward(const GroundTruth& truth, SimulationReward reward, uint32_t member, uint32_t title,
                      uint32_t variant) {
  const double p = truth.PlayProbability(member, title, variant);
  return reward == SimulationReward::kStart ? p : p * truth.QualifyProbability(title, variant);
}

// Which of a title's variants may be shown.
enum class Gate : uint8_t { kAll, kSome, kNone };

// The eligible mask as the rounds read it: per title whether all, some or
// none of its variants may be shown, and for the "some" titles the set
// DecideAmong takes.
struct EligibleSet {
  const std::vector<uint8_t>* mask = nullptr;  // empty: every variant
  std::vector<Gate> gate;                      // per title
  std::vector<std::vector<bool>> sets;         // per title; filled for kSome only

  bool Allowed(const GroundTruth& truth, uint32_t title, uint32_t variant) const {
    return mask->empty() || (*mask)[truth.ArtworkIndex(title, variant)] != 0;
  }
};

EligibleSet MakeEligibleSet(const GroundTruth& truth, const std::vector<uint8_t>& mask) {
  EligibleSet e;
  e.mask = &mask;
  e.gate.assign(truth.title_count(), Gate::kAll);
  e.sets.resize(truth.title_count());
  if (mask.empty()) return e;
  for (uint32_t t = 0; t < truth.title_count(); ++t) {
    const uint32_t n = truth.ArtworkCount(t);
    std::vector<bool> set(n);
    uint32_t allowed = 0;
    for (uint32_t v = 0; v < n; ++v) {
      set[v] = e.Allowed(truth, t, v);
      allowed += set[v] ? 1 : 0;
    }
    e.gate[t] = allowed == n ? Gate::kAll : allowed == 0 ? Gate::kNone : Gate::kSome;
    if (e.gate[t] == Gate::kSome) e.sets[t] = std::move(set);
  }
  return e;
}

// Per title the eligible variant with the highest expected reward averaged
// over the simulator's members for that title (ties: the lowest index; 0 for
// a title without eligible variants, which shows a title card).
std::vector<uint32_t> BestFixedArtwork(const GroundTruth& truth, const RoundSampler& sampler,
                                       const EligibleSet& eligible, SimulationReward reward) {
  const uint64_t samples =
      std::max(kBestFixedMinSamples, kBestFixedSamplesPerTitle * sampler.eligible_titles());
  std::vector<std::vector<double>> sums(kSampleChunks);
  ForChunks(samples, kBestFixedSeed, [&](uint32_t chunk, uint64_t, uint64_t count, Rng& rng) {
    std::vector<double>& sum = sums[chunk];
    sum.assign(truth.artwork_count(), 0.0);
    for (uint64_t i = 0; i < count; ++i) {
      const uint32_t member = sampler.Member(rng);
      const uint32_t title = sampler.Title(member, rng);
      const uint32_t first = truth.ArtworkIndex(title, 0);
      for (uint32_t v = 0; v < truth.ArtworkCount(title); ++v) {
        sum[first + v] += ExpectedReward(truth, reward, member, title, v);
      }
    }
  });
  for (uint32_t chunk = 1; chunk < kSampleChunks; ++chunk) {
    for (size_t a = 0; a < sums[0].size(); ++a) sums[0][a] += sums[chunk][a];
  }
  std::vector<uint32_t> best(truth.title_count(), 0);
  for (uint32_t t = 0; t < truth.title_count(); ++t) {
    const double* sum = sums[0].data() + truth.ArtworkIndex(t, 0);
    bool found = false;
    for (uint32_t v = 0; v < truth.ArtworkCount(t); ++v) {
      if (!eligible.Allowed(truth, t, v)) continue;
      if (!found || sum[v] > sum[best[t]]) best[t] = v;
      found = true;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------
// Playing rounds.

// One round as every policy sees it.
struct Round {
  uint32_t member = 0;
  uint32_t title = 0;
  uint32_t session = 0;  // the member's rounds before this one
  double u = 0.0;        // the start draw: a start when u < P(start | chosen variant)
  double uq = 0.0;       // the qualifying draw: a start qualifies when uq < P(qualify | variant)
  uint32_t first_p = 0;  // into Block::start / qualify / reward: one entry a variant
  double best = 0.0;     // the (eligible) oracle's expected reward
  bool card = false;     // no eligible variant: a title card, the entries below
  double card_start = 0.0;
  double card_qualify = 0.0;
};

struct Block {
  uint64_t first_round = 0;  // global index of rounds[0]
  std::vector<Round> rounds;
  std::vector<double> start;    // P(start) of each variant
  std::vector<double> qualify;  // P(qualify | start) of each variant
  std::vector<double> reward;   // expected reward in use of each variant
};

// What one showing gave: expectations and draws of both rewards.
struct Outcome {
  double start = 0.0;      // P(start)
  double qualifying = 0.0; // P(start and qualify)
  bool started = false;
  bool qualified = false;
  bool misleading = false;
};

Outcome Show(double start, double qualify, const Round& r, bool misleading) {
  Outcome o;
  o.start = start;
  o.qualifying = start * qualify;
  o.started = r.u < start;
  o.qualified = o.started && r.uq < qualify;
  o.misleading = misleading;
  return o;
}

// Builds one curve: expected reward and regret, realised rewards, both
// rates, checkpoints.
class CurveBuilder {
 public:
  CurveBuilder(std::string_view name, const std::vector<uint64_t>& checkpoints, SimulationReward reward)
      : checkpoints_(&checkpoints), reward_kind_(reward) {
    curve_.name = std::string(name);
  }

  // Round `round` (0-based): what the shown image gave, and the oracle's
  // expected reward.
  void Add(uint64_t round, const Outcome& o, double best) {
    const bool start = reward_kind_ == SimulationReward::kStart;
    const double expected = start ? o.start : o.qualifying;
    reward_ += expected;
    regret_ += best - expected;
    rewarded_ += (start ? o.started : o.qualified) ? 1 : 0;
    starts_ += o.start;
    qualifying_ += o.qualifying;
    misleading_ += o.misleading ? 1 : 0;
    if (next_ < checkpoints_->size() && round + 1 == (*checkpoints_)[next_]) {
      curve_.cumulative_reward.push_back(reward_);
      curve_.cumulative_regret.push_back(regret_);
      ++next_;
    }
  }

  PolicyCurve Finish(uint64_t rounds) {
    const double n = static_cast<double>(rounds);
    curve_.mean_reward = reward_ / n;
    curve_.realised_reward = static_cast<double>(rewarded_) / n;
    curve_.mean_start = starts_ / n;
    curve_.mean_qualifying = qualifying_ / n;
    curve_.misleading_share = static_cast<double>(misleading_) / n;
    return std::move(curve_);
  }

 private:
  const std::vector<uint64_t>* checkpoints_;
  SimulationReward reward_kind_;
  PolicyCurve curve_;
  double reward_ = 0.0;
  double regret_ = 0.0;
  double starts_ = 0.0;
  double qualifying_ = 0.0;
  uint64_t rewarded_ = 0;
  uint64_t misleading_ = 0;
  size_t next_ = 0;
};

struct Feedback {
  ArtworkContext context;
  uint32_t variant = 0;
  double reward = 0.0;
};

// The variant a member last saw for a title, and the session it was first
// shown or changed at (sessions_per_change).
struct Shown {
  uint32_t variant = 0;
  uint32_t since = 0;
};

// A policy in the simulation: its generator, its curve, the feedback it has
// not learned from yet, and where its impressions are logged (if anywhere).
struct Lane {
  ArtworkPolicy* policy = nullptr;
  std::string name;
  Rng rng;
  uint64_t gate_seed = 0;  // DecideAmong's seed on partly eligible titles
  CurveBuilder curve;
  std::vector<Feedback> pending;
  LoggedBanditData* log = nullptr;
  std::vector<double> probabilities;  // scratch for logging
  std::unordered_map<uint64_t, Shown> shown;  // by member << 32 | title, when sessions_per_change > 1
  Status status;                      // a policy that misbehaves stops its lane
  // With a log: each record's round, and the title-card rounds.
  std::vector<uint64_t>* log_round = nullptr;
  std::vector<TitleCardRound>* log_title_cards = nullptr;

  void Flush() {
    for (const Feedback& f : pending) policy->Update(f.context, f.variant, f.reward);
    pending.clear();
  }
};

// What every lane reads.
struct World {
  const GroundTruth* truth = nullptr;
  const std::vector<float>* contexts = nullptr;  // MemberContexts
  const EligibleSet* eligible = nullptr;
  size_t member_dim = 0;
  uint32_t update_batch = 1;
  uint32_t sessions_per_change = 1;
  SimulationReward reward = SimulationReward::kQualifyingPlay;

  ArtworkContext Context(const Round& r) const {
    return {std::span<const float>(contexts->data() + r.member * member_dim, member_dim), r.title};
  }
};

void LogImpression(Lane& lane, const World& world, const ArtworkContext& context, const Round& round,
                   uint64_t round_index, uint32_t variant, double propensity, bool rewarded) {
  LoggedBanditData& log = *lane.log;
  lane.log_round->push_back(round_index);
  const uint32_t variants = world.truth->ArtworkCount(round.title);
  for (uint32_t v = 0; v < variants; ++v) {
    log.candidate_ids.push_back(world.truth->ArtworkIndex(round.title, v));
    // The set the policy chose among (DecideAmong's), so that OPE gives the
    // target the same one; trimmed in SimulateArtwork when nothing is ruled out.
    log.eligible.push_back(world.eligible->Allowed(*world.truth, round.title, v) ? 1 : 0);
  }
  log.offsets.push_back(log.candidate_ids.size());
  log.action.push_back(variant);
  log.position.push_back(0);
  log.propensity.push_back(propensity);
  log.reward.push_back(rewarded ? 1.0 : 0.0);
  log.member.push_back(round.member);
  log.contexts.insert(log.contexts.end(), context.member.begin(), context.member.end());
}

// The policy's decision for one round: a draw from its probabilities, over
// the eligible variants when only some are (DecideAmong, the serving rule,
// which returns the renormalised propensity). On a fully eligible title the
// draw is Choose's, as before gates existed, and the propensity is computed
// only when the round is logged (it costs a Probabilities call). nullopt,
// with the lane's status set, on a bad choice.
std::optional<ArtworkDecision> DecideRound(Lane& lane, const World& world, const ArtworkContext& context,
                                      const Round& round, uint64_t round_index) {
  const uint32_t variants = world.truth->ArtworkCount(round.title);
  ArtworkDecision d;
  if (world.eligible->gate[round.title] == Gate::kSome) {
    std::optional<ArtworkDecision> among = DecideAmong(*lane.policy, context, world.eligible->sets[round.title],
                                                       lane.gate_seed, Count(round_index));
    if (!among) {
      lane.status = Status::InvalidArgument("policy '" + lane.name + "' found no eligible variant");
      return std::nullopt;
    }
    return among;
  }
  d.variant = lane.policy->Choose(context, lane.rng);
  if (d.variant >= variants) {
    lane.status = Status::InvalidArgument("policy '" + lane.name + "' chose variant " + Count(d.variant) +
                                          " of a title with " + Count(variants));
    return std::nullopt;
  }
  if (lane.log) {
    lane.probabilities.resize(variants);
    lane.policy->Probabilities(context, lane.probabilities);
    d.propensity = lane.probabilities[d.variant];
  }
  return d;
}

// The variant the member saw last for this title, when it may not change yet.
std::optional<uint32_t> Held(const Lane& lane, const World& world, const Round& round) {
  if (world.sessions_per_change <= 1) return std::nullopt;
  auto it = lane.shown.find(uint64_t{round.member} << 32 | round.title);
  if (it == lane.shown.end() || round.session - it->second.since >= world.sessions_per_change) {
    return std::nullopt;
  }
  return it->second.variant;
}

void Remember(Lane& lane, const World& world, const Round& round, uint32_t variant) {
  if (world.sessions_per_change <= 1) return;
  auto [it, inserted] = lane.shown.try_emplace(uint64_t{round.member} << 32 | round.title,
                                               Shown{variant, round.session});
  if (!inserted && it->second.variant != variant) it->second = Shown{variant, round.session};
}

void PlayBlock(Lane& lane, const World& world, const Block& block) {
  if (!lane.status.ok()) return;
  const GroundTruth& truth = *world.truth;
  for (size_t i = 0; i < block.rounds.size(); ++i) {
    const Round& round = block.rounds[i];
    const uint64_t round_index = block.first_round + i;
    if (round.card) {  // nothing to choose, nothing to learn
      lane.curve.Add(round_index, Show(round.card_start, round.card_qualify, round, false), round.best);
      if (lane.log) lane.log_title_cards->push_back({round_index, round.member, round.title});
      continue;
    }
    const ArtworkContext context = world.Context(round);
    ArtworkDecision decision;
    if (std::optional<uint32_t> held = Held(lane, world, round)) {
      decision.variant = *held;  // propensity 1: the memo chose
    } else {
      std::optional<ArtworkDecision> chosen = DecideRound(lane, world, context, round, round_index);
      if (!chosen) return;
      decision = *chosen;
      Remember(lane, world, round, decision.variant);
    }
    const uint32_t v = decision.variant;
    const uint32_t at = round.first_p + v;
    const Outcome o = Show(block.start[at], block.qualify[at], round, truth.IsMisleading(round.title, v));
    lane.curve.Add(round_index, o, round.best);
    const bool rewarded = world.reward == SimulationReward::kStart ? o.started : o.qualified;
    if (lane.log) LogImpression(lane, world, context, round, round_index, v, decision.propensity, rewarded);
    lane.pending.push_back({context, v, rewarded ? 1.0 : 0.0});
    if (lane.pending.size() >= world.update_batch) lane.Flush();
  }
}

// The title card's start and qualifying probabilities (see simulator.h).
void TitleCard(const GroundTruth& truth, Round& r, const double* start) {
  const uint32_t n = truth.ArtworkCount(r.title);
  r.card_start = std::min(truth.BasePlayProbability(r.member, r.title), *std::min_element(start, start + n));
  double qualify = 0.0;
  uint32_t honest = 0;
  for (uint32_t v = 0; v < n; ++v) {
    if (truth.IsMisleading(r.title, v)) continue;
    qualify += truth.QualifyProbability(r.title, v);
    ++honest;
  }
  r.card_qualify = honest == 0 ? 1.0 : qualify / honest;
}

// The world's side of a run: draws rounds and plays the two reference
// policies on them.
struct WorldSide {
  const GroundTruth* truth = nullptr;
  const RoundSampler* sampler = nullptr;
  const EligibleSet* eligible = nullptr;
  const std::vector<uint32_t>* best_fixed = nullptr;
  SimulationReward reward = SimulationReward::kQualifyingPlay;
  Rng rng;
  Rng qualify_rng;
  std::vector<uint32_t> member_sessions;
  uint64_t title_cards = 0;
};

// Draws the next block of rounds, and plays the two reference policies on it.
void DrawBlock(WorldSide& w, uint64_t first_round, uint64_t count, Block& block, CurveBuilder& fixed,
               CurveBuilder& oracle) {
  const GroundTruth& truth = *w.truth;
  const bool start_reward = w.reward == SimulationReward::kStart;
  block.first_round = first_round;
  block.rounds.resize(count);
  block.start.clear();
  block.qualify.clear();
  block.reward.clear();
  for (uint64_t i = 0; i < count; ++i) {
    Round& r = block.rounds[i];
    r = Round{};
    r.member = w.sampler->Member(w.rng);
    r.title = w.sampler->Title(r.member, w.rng);
    r.u = w.rng.Uniform();
    r.uq = w.qualify_rng.Uniform();
    r.session = w.member_sessions[r.member]++;
    r.first_p = static_cast<uint32_t>(block.start.size());
    const uint32_t n = truth.ArtworkCount(r.title);
    bool any = false;
    uint32_t oracle_v = 0;
    for (uint32_t v = 0; v < n; ++v) {
      const double p = truth.PlayProbability(r.member, r.title, v);
      const double q = truth.QualifyProbability(r.title, v);
      block.start.push_back(p);
      block.qualify.push_back(q);
      block.reward.push_back(start_reward ? p : p * q);
      if (!w.eligible->Allowed(truth, r.title, v)) continue;
      if (!any || block.reward.back() > r.best) {
        r.best = block.reward.back();
        oracle_v = v;
      }
      any = true;
    }
    const uint64_t round = first_round + i;
    if (!any) {
      r.card = true;
      ++w.title_cards;
      TitleCard(truth, r, block.start.data() + r.first_p);
      r.best = start_reward ? r.card_start : r.card_start * r.card_qualify;
      const Outcome card = Show(r.card_start, r.card_qualify, r, false);
      fixed.Add(round, card, r.best);
      oracle.Add(round, card, r.best);
      continue;
    }
    const uint32_t f = (*w.best_fixed)[r.title];
    fixed.Add(round, Show(block.start[r.first_p + f], block.qualify[r.first_p + f], r, truth.IsMisleading(r.title, f)),
              r.best);
    oracle.Add(round,
               Show(block.start[r.first_p + oracle_v], block.qualify[r.first_p + oracle_v], r,
                    truth.IsMisleading(r.title, oracle_v)),
               r.best);
  }
}

std::vector<Lane> MakeLanes(std::vector<std::unique_ptr<ArtworkPolicy>>& policies,
                            const std::vector<std::string>& names, const SimulationOptions& options,
                            SimulationResult& result) {
  std::vector<Lane> lanes;
  lanes.reserve(policies.size());
  for (size_t i = 0; i < policies.size(); ++i) {
    lanes.push_back(Lane{policies[i].get(), names[i], Rng(DeriveSeed(options.seed, kPolicyStreamBase + i)),
                         DeriveSeed(options.seed, kGateStreamBase + i),
                         CurveBuilder(names[i], result.checkpoints, options.reward), {}, nullptr, {}, {},
                         Status::OK()});
    lanes.back().pending.reserve(std::min<uint32_t>(options.update_batch, kBlockRounds));
  }
  if (options.log_policy) {
    result.log.source = "simulation: policy '" + names[*options.log_policy] + "' seed=" + Count(options.seed);
    lanes[*options.log_policy].log = &result.log;
    lanes[*options.log_policy].log_round = &result.log_round;
    lanes[*options.log_policy].log_title_cards = &result.log_title_cards;
  }
  return lanes;
}

// Eligible misleading variants of titles the simulator draws.
uint64_t CountMisleading(const GroundTruth& truth, const EligibleSet& eligible) {
  uint64_t n = 0;
  for (uint32_t t = 0; t < truth.title_count(); ++t) {
    if (truth.ArtworkCount(t) < 2) continue;
    for (uint32_t v = 0; v < truth.ArtworkCount(t); ++v) {
      n += truth.IsMisleading(t, v) && eligible.Allowed(truth, t, v) ? 1 : 0;
    }
  }
  return n;
}
// Round counts at which the curves are sampled: evenly spaced, the last one
// the final round, at most one per round.
std::vector<uint64_t> CheckpointRounds(uint64_t rounds, uint32_t checkpoints) {
  const uint64_t n = std::min<uint64_t>(checkpoints, rounds);
  std::vector<uint64_t> out;
  for (uint64_t c = 1; c <= n; ++c) out.push_back(rounds * c / n);
  return out;
}

std::string Percent(double fraction, bool sign = false) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), sign ? "%+.2f%%" : "%.2f%%", 100.0 * fraction);
  return buffer;
}

std::string Fixed1(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", value);
  return buffer;
}

double Last(const std::vector<double>& v) { return v.empty() ? 0.0 : v.back(); }

}  // namespace

std::string_view SimulationRewardName(SimulationReward reward) {
  return reward == SimulationReward::kStart ? "start" : "qualifying";
}

std::vector<float> MemberContexts(const Dataset& dataset, const ArtworkFeatures& features) {
  const size_t dim = features.member_dim();
  const uint32_t members = dataset.members.size();
  const InteractionMatrix& x = dataset.interactions;
  std::vector<float> out(static_cast<size_t>(members) * dim);
#pragma omp parallel for schedule(dynamic, 256)
  for (uint32_t m = 0; m < members; ++m) {
    features.DatasetMemberVector(x, m, std::span<float>(out.data() + static_cast<size_t>(m) * dim, dim));
  }
  return out;
}

Result<SimulationResult> SimulateArtwork(const Dataset& dataset, const GroundTruth& truth,
                                         std::vector<std::unique_ptr<ArtworkPolicy>>& policies,
                                         const std::vector<std::string>& names,
                                         const SimulationOptions& options,
                                         const ProgressCallback& progress) {
  MARQUEE_RETURN_IF_ERROR(CheckService(dataset, truth));
  MARQUEE_RETURN_IF_ERROR(CheckPolicies(policies, names, truth));
  MARQUEE_RETURN_IF_ERROR(CheckOptions(options, policies.size(), truth));
  MARQUEE_ASSIGN_OR_RETURN(const RoundSampler sampler, RoundSampler::Create(truth));

  SimulationResult result;
  result.reward = options.reward;
  result.checkpoints = CheckpointRounds(options.rounds, options.checkpoints);
  const EligibleSet eligible = MakeEligibleSet(truth, options.eligible);
  const std::vector<uint32_t> best_fixed = BestFixedArtwork(truth, sampler, eligible, options.reward);
  result.misleading_variants = CountMisleading(truth, eligible);

  // Contexts come from the first policy's features; all are built on the same
  // catalog (checked above), so they describe members alike.
  std::vector<float> contexts;
  World world;
  world.truth = &truth;
  world.contexts = &contexts;
  world.eligible = &eligible;
  world.update_batch = options.update_batch;
  world.sessions_per_change = options.sessions_per_change;
  world.reward = options.reward;
  if (!policies.empty()) {
    contexts = MemberContexts(dataset, policies[0]->features());
    world.member_dim = policies[0]->features().member_dim();
  }

  std::vector<Lane> lanes = MakeLanes(policies, names, options, result);
  if (options.log_policy) result.log.context_dim = static_cast<uint32_t>(world.member_dim);

  CurveBuilder fixed(kBestFixedName, result.checkpoints, options.reward);
  CurveBuilder oracle(kOracleName, result.checkpoints, options.reward);
  WorldSide side{&truth, &sampler, &eligible, &best_fixed, options.reward,
                 Rng(DeriveSeed(options.seed, kWorldStream)), Rng(DeriveSeed(options.seed, kQualifyStream)),
                 std::vector<uint32_t>(truth.member_count(), 0), 0};
  ProgressReporter reporter(progress, "simulating artwork policies", options.rounds);
  Block block;
  const int threads = std::max(1, std::min<int>(ThreadCount(), static_cast<int>(lanes.size())));
  for (uint64_t first = 0; first < options.rounds; first += kBlockRounds) {
    const uint64_t count = std::min<uint64_t>(kBlockRounds, options.rounds - first);
    DrawBlock(side, first, count, block, fixed, oracle);
    // One thread a policy: each touches only its own policy and lane.
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1)
    for (size_t i = 0; i < lanes.size(); ++i) PlayBlock(lanes[i], world, block);
    reporter.Advance(count);
  }
  for (Lane& lane : lanes) {
    MARQUEE_RETURN_IF_ERROR(lane.status);
    lane.Flush();  // what is still pending is learned too: the policies are the caller's
    result.policies.push_back(lane.curve.Finish(options.rounds));
  }
  result.policies.push_back(fixed.Finish(options.rounds));
  result.policies.push_back(oracle.Finish(options.rounds));
  result.title_card_rounds = side.title_cards;
  // A log where no record had a variant ruled out keeps no mask, as before gates.
  std::vector<uint8_t>& logged_eligible = result.log.eligible;
  if (std::all_of(logged_eligible.begin(), logged_eligible.end(), [](uint8_t f) { return f != 0; })) {
    logged_eligible.clear();
  }
  reporter.Finish();
  return result;
}

Result<double> TruePolicyValue(const Dataset& dataset, const GroundTruth& truth,
                               const ArtworkPolicy& policy, uint64_t rounds, uint64_t seed,
                               SimulationReward reward, const std::vector<uint8_t>& eligible_mask) {
  MARQUEE_RETURN_IF_ERROR(CheckService(dataset, truth));
  MARQUEE_RETURN_IF_ERROR(CheckFeatures(policy.features(), truth, "the policy"));
  if (rounds == 0) return Status::InvalidArgument("rounds must be at least 1");
  SimulationOptions check;
  check.eligible = eligible_mask;
  MARQUEE_RETURN_IF_ERROR(CheckOptions(check, 1, truth));
  MARQUEE_ASSIGN_OR_RETURN(const RoundSampler sampler, RoundSampler::Create(truth));
  const EligibleSet eligible = MakeEligibleSet(truth, eligible_mask);
  const std::vector<float> contexts = MemberContexts(dataset, policy.features());
  const size_t dim = policy.features().member_dim();

  std::vector<double> sums(kSampleChunks, 0.0);
  std::vector<uint64_t> shown(kSampleChunks, 0);
  ForChunks(rounds, seed, [&](uint32_t chunk, uint64_t, uint64_t count, Rng& rng) {
    std::vector<double> probabilities;
    double sum = 0.0;
    uint64_t images = 0;
    for (uint64_t i = 0; i < count; ++i) {
      const uint32_t member = sampler.Member(rng);
      const uint32_t title = sampler.Title(member, rng);
      // A title card is no impression of the log: it is left out here too.
      if (eligible.gate[title] == Gate::kNone) continue;
      ++images;
      const ArtworkContext context{std::span<const float>(contexts.data() + member * dim, dim), title};
      probabilities.resize(truth.ArtworkCount(title));
      policy.Probabilities(context, probabilities);
      if (eligible.gate[title] == Gate::kSome) RenormaliseOver(probabilities, eligible.sets[title]);
      for (uint32_t v = 0; v < probabilities.size(); ++v) {
        sum += probabilities[v] * ExpectedReward(truth, reward, member, title, v);
      }
    }
    sums[chunk] = sum;
    shown[chunk] = images;
  });
  double total = 0.0;
  uint64_t images = 0;
  for (uint32_t c = 0; c < kSampleChunks; ++c) {
    total += sums[c];
    images += shown[c];
  }
  if (images == 0) {
    return Status::InvalidArgument("every draw of " + Count(rounds) +
                                   " showed a title card (no eligible variant): the policy has no value to compute");
  }
  return total / static_cast<double>(images);
}

std::string FormatRegretTable(const SimulationResult& result) {
  const PolicyCurve* oracle = nullptr;
  const PolicyCurve* uniform = nullptr;
  for (const PolicyCurve& c : result.policies) {
    if (c.name == kOracleName) oracle = &c;
    if (!uniform && c.name.rfind("uniform", 0) == 0) uniform = &c;
  }
  const bool misleading = result.misleading_variants > 0;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"policy", "start rate", "qualifying rate", "cum. regret",
                                     "regret % of oracle"};
  if (uniform) header.push_back("lift vs uniform");
  if (misleading) header.push_back("misleading shown");
  rows.push_back(header);
  for (const PolicyCurve& c : result.policies) {
    std::vector<std::string> row = {c.name, Percent(c.mean_start), Percent(c.mean_qualifying),
                                    Fixed1(Last(c.cumulative_regret))};
    const double oracle_reward = oracle ? Last(oracle->cumulative_reward) : 0.0;
    row.push_back(oracle_reward > 0.0 ? Percent(Last(c.cumulative_regret) / oracle_reward) : "-");
    if (uniform) {
      row.push_back(uniform->mean_reward > 0.0 ? Percent(c.mean_reward / uniform->mean_reward - 1.0, true)
                                               : "-");
    }
    if (misleading) row.push_back(Percent(c.misleading_share));
    rows.push_back(std::move(row));
  }
  std::vector<size_t> width(header.size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  // Names left-aligned, numbers right-aligned so that their digits line up.
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string pad(width[i] - row[i].size(), ' ');
      out += i == 0 ? row[i] + pad : "  " + pad + row[i];
    }
    out += '\n';
  }
  return out;
}

std::string RegretChartSvg(const SimulationResult& result, const std::string& title) {
  std::vector<LineSeries> series;
  for (const PolicyCurve& c : result.policies) {
    if (c.name == kOracleName) continue;  // zero by definition: the axis itself
    LineSeries s;
    s.name = c.name;
    s.xs.push_back(0.0);  // every curve starts at no regret
    s.ys.push_back(0.0);
    for (size_t i = 0; i < c.cumulative_regret.size() && i < result.checkpoints.size(); ++i) {
      s.xs.push_back(static_cast<double>(result.checkpoints[i]));
      s.ys.push_back(c.cumulative_regret[i]);
    }
    series.push_back(std::move(s));
  }
  ChartOptions options;
  options.title = title;
  options.x_label = "rounds";
  options.y_label = result.reward == SimulationReward::kStart
                        ? "cumulative regret (expected starts lost to the oracle)"
                        : "cumulative regret (expected qualifying plays lost to the oracle)";
  return LineChartSvg(series, options);
}

}  // namespace marquee
