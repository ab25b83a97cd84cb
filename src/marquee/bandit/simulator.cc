#include "marquee/bandit/simulator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

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

Status CheckOptions(const SimulationOptions& options, size_t policies) {
  if (options.rounds == 0) return Status::InvalidArgument("rounds must be at least 1");
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

// Per title the variant with the highest play probability averaged over the
// simulator's members for that title (ties: the lowest index).
std::vector<uint32_t> BestFixedArtwork(const GroundTruth& truth, const RoundSampler& sampler) {
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
        sum[first + v] += truth.PlayProbability(member, title, v);
      }
    }
  });
  for (uint32_t chunk = 1; chunk < kSampleChunks; ++chunk) {
    for (size_t a = 0; a < sums[0].size(); ++a) sums[0][a] += sums[chunk][a];
  }
  std::vector<uint32_t> best(truth.title_count(), 0);
  for (uint32_t t = 0; t < truth.title_count(); ++t) {
    const double* sum = sums[0].data() + truth.ArtworkIndex(t, 0);
    best[t] = static_cast<uint32_t>(std::max_element(sum, sum + truth.ArtworkCount(t)) - sum);
  }
  return best;
}

// ---------------------------------------------------------------------------
// Playing rounds.

// One round as every policy sees it.
struct Round {
  uint32_t member = 0;
  uint32_t title = 0;
  double u = 0.0;        // the play draw: a play when u < P(chosen variant)
  uint32_t first_p = 0;  // into Block::p: the play probability of each variant
};

struct Block {
  uint64_t first_round = 0;  // global index of rounds[0]
  std::vector<Round> rounds;
  std::vector<double> p;
};

// Builds one curve: expected reward and regret, realised plays, checkpoints.
class CurveBuilder {
 public:
  CurveBuilder(std::string_view name, const std::vector<uint64_t>& checkpoints)
      : checkpoints_(&checkpoints) {
    curve_.name = std::string(name);
  }

  // Round `round` (0-based): the chosen variant's play probability, the best
  // variant's, and whether it was played.
  void Add(uint64_t round, double expected, double best, bool played) {
    reward_ += expected;
    regret_ += best - expected;
    plays_ += played ? 1 : 0;
    if (next_ < checkpoints_->size() && round + 1 == (*checkpoints_)[next_]) {
      curve_.cumulative_reward.push_back(reward_);
      curve_.cumulative_regret.push_back(regret_);
      ++next_;
    }
  }

  PolicyCurve Finish(uint64_t rounds) {
    curve_.mean_reward = reward_ / static_cast<double>(rounds);
    curve_.realised_reward = static_cast<double>(plays_) / static_cast<double>(rounds);
    return std::move(curve_);
  }

 private:
  const std::vector<uint64_t>* checkpoints_;
  PolicyCurve curve_;
  double reward_ = 0.0;
  double regret_ = 0.0;
  uint64_t plays_ = 0;
  size_t next_ = 0;
};

struct Feedback {
  ArtworkContext context;
  uint32_t variant = 0;
  double reward = 0.0;
};

// A policy in the simulation: its generator, its curve, the feedback it has
// not learned from yet, and where its impressions are logged (if anywhere).
struct Lane {
  ArtworkPolicy* policy = nullptr;
  std::string name;
  Rng rng;
  CurveBuilder curve;
  std::vector<Feedback> pending;
  LoggedBanditData* log = nullptr;
  std::vector<double> probabilities;  // scratch for logging
  Status status;                      // a policy that misbehaves stops its lane

  void Flush() {
    for (const Feedback& f : pending) policy->Update(f.context, f.variant, f.reward);
    pending.clear();
  }
};

// What every lane reads.
struct World {
  const GroundTruth* truth = nullptr;
  const std::vector<float>* contexts = nullptr;  // MemberContexts
  size_t member_dim = 0;
  uint32_t update_batch = 1;

  ArtworkContext Context(const Round& r) const {
    return {std::span<const float>(contexts->data() + r.member * member_dim, member_dim), r.title};
  }
};

void LogImpression(Lane& lane, const World& world, const ArtworkContext& context, const Round& round,
                   uint32_t variant, bool played) {
  LoggedBanditData& log = *lane.log;
  const uint32_t variants = world.truth->ArtworkCount(round.title);
  lane.probabilities.resize(variants);
  lane.policy->Probabilities(context, lane.probabilities);
  for (uint32_t v = 0; v < variants; ++v) log.candidate_ids.push_back(world.truth->ArtworkIndex(round.title, v));
  log.offsets.push_back(log.candidate_ids.size());
  log.action.push_back(variant);
  log.position.push_back(0);
  log.propensity.push_back(lane.probabilities[variant]);
  log.reward.push_back(played ? 1.0 : 0.0);
  log.member.push_back(round.member);
  log.contexts.insert(log.contexts.end(), context.member.begin(), context.member.end());
}

void PlayBlock(Lane& lane, const World& world, const Block& block) {
  if (!lane.status.ok()) return;
  for (size_t i = 0; i < block.rounds.size(); ++i) {
    const Round& round = block.rounds[i];
    const ArtworkContext context = world.Context(round);
    const uint32_t variants = world.truth->ArtworkCount(round.title);
    const uint32_t variant = lane.policy->Choose(context, lane.rng);
    if (variant >= variants) {
      lane.status = Status::InvalidArgument("policy '" + lane.name + "' chose variant " + Count(variant) +
                                            " of a title with " + Count(variants));
      return;
    }
    const double* p = block.p.data() + round.first_p;
    const double best = *std::max_element(p, p + variants);
    const bool played = round.u < p[variant];
    lane.curve.Add(block.first_round + i, p[variant], best, played);
    if (lane.log) LogImpression(lane, world, context, round, variant, played);
    lane.pending.push_back({context, variant, played ? 1.0 : 0.0});
    if (lane.pending.size() >= world.update_batch) lane.Flush();
  }
}

// Draws the next block of rounds, and plays the two reference policies on it.
void DrawBlock(const GroundTruth& truth, const RoundSampler& sampler, const std::vector<uint32_t>& best_fixed,
               uint64_t first_round, uint64_t count, Rng& rng, Block& block, CurveBuilder& fixed,
               CurveBuilder& oracle) {
  block.first_round = first_round;
  block.rounds.resize(count);
  block.p.clear();
  for (uint64_t i = 0; i < count; ++i) {
    Round& r = block.rounds[i];
    r.member = sampler.Member(rng);
    r.title = sampler.Title(r.member, rng);
    r.u = rng.Uniform();
    r.first_p = static_cast<uint32_t>(block.p.size());
    double best = 0.0;
    for (uint32_t v = 0; v < truth.ArtworkCount(r.title); ++v) {
      block.p.push_back(truth.PlayProbability(r.member, r.title, v));
      best = std::max(best, block.p.back());
    }
    const double fixed_p = block.p[r.first_p + best_fixed[r.title]];
    fixed.Add(first_round + i, fixed_p, best, r.u < fixed_p);
    oracle.Add(first_round + i, best, best, r.u < best);
  }
}

std::vector<Lane> MakeLanes(std::vector<std::unique_ptr<ArtworkPolicy>>& policies,
                            const std::vector<std::string>& names, const SimulationOptions& options,
                            SimulationResult& result) {
  std::vector<Lane> lanes;
  lanes.reserve(policies.size());
  for (size_t i = 0; i < policies.size(); ++i) {
    lanes.push_back(Lane{policies[i].get(), names[i], Rng(DeriveSeed(options.seed, kPolicyStreamBase + i)),
                         CurveBuilder(names[i], result.checkpoints), {}, nullptr, {}, Status::OK()});
    lanes.back().pending.reserve(std::min<uint32_t>(options.update_batch, kBlockRounds));
  }
  if (options.log_policy) {
    result.log.source = "simulation: policy '" + names[*options.log_policy] + "' seed=" + Count(options.seed);
    lanes[*options.log_policy].log = &result.log;
  }
  return lanes;
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
  MARQUEE_RETURN_IF_ERROR(CheckOptions(options, policies.size()));
  MARQUEE_ASSIGN_OR_RETURN(const RoundSampler sampler, RoundSampler::Create(truth));

  SimulationResult result;
  result.checkpoints = CheckpointRounds(options.rounds, options.checkpoints);
  const std::vector<uint32_t> best_fixed = BestFixedArtwork(truth, sampler);

  // Contexts come from the first policy's features; all are built on the same
  // catalog (checked above), so they describe members alike.
  std::vector<float> contexts;
  World world;
  world.truth = &truth;
  world.contexts = &contexts;
  world.update_batch = options.update_batch;
  if (!policies.empty()) {
    contexts = MemberContexts(dataset, policies[0]->features());
    world.member_dim = policies[0]->features().member_dim();
  }

  std::vector<Lane> lanes = MakeLanes(policies, names, options, result);
  if (options.log_policy) result.log.context_dim = static_cast<uint32_t>(world.member_dim);

  CurveBuilder fixed(kBestFixedName, result.checkpoints);
  CurveBuilder oracle(kOracleName, result.checkpoints);
  Rng world_rng(DeriveSeed(options.seed, kWorldStream));
  ProgressReporter reporter(progress, "simulating artwork policies", options.rounds);
  Block block;
  const int threads = std::max(1, std::min<int>(ThreadCount(), static_cast<int>(lanes.size())));
  for (uint64_t first = 0; first < options.rounds; first += kBlockRounds) {
    const uint64_t count = std::min<uint64_t>(kBlockRounds, options.rounds - first);
    DrawBlock(truth, sampler, best_fixed, first, count, world_rng, block, fixed, oracle);
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
  reporter.Finish();
  return result;
}

Result<double> TruePolicyValue(const Dataset& dataset, const GroundTruth& truth,
                               const ArtworkPolicy& policy, uint64_t rounds, uint64_t seed) {
  MARQUEE_RETURN_IF_ERROR(CheckService(dataset, truth));
  MARQUEE_RETURN_IF_ERROR(CheckFeatures(policy.features(), truth, "the policy"));
  if (rounds == 0) return Status::InvalidArgument("rounds must be at least 1");
  MARQUEE_ASSIGN_OR_RETURN(const RoundSampler sampler, RoundSampler::Create(truth));
  const std::vector<float> contexts = MemberContexts(dataset, policy.features());
  const size_t dim = policy.features().member_dim();

  std::vector<double> sums(kSampleChunks, 0.0);
  ForChunks(rounds, seed, [&](uint32_t chunk, uint64_t, uint64_t count, Rng& rng) {
    std::vector<double> probabilities;
    double sum = 0.0;
    for (uint64_t i = 0; i < count; ++i) {
      const uint32_t member = sampler.Member(rng);
      const uint32_t title = sampler.Title(member, rng);
      const ArtworkContext context{std::span<const float>(contexts.data() + member * dim, dim), title};
      probabilities.resize(truth.ArtworkCount(title));
      policy.Probabilities(context, probabilities);
      for (uint32_t v = 0; v < probabilities.size(); ++v) {
        sum += probabilities[v] * truth.PlayProbability(member, title, v);
      }
    }
    sums[chunk] = sum;
  });
  double total = 0.0;
  for (double s : sums) total += s;
  return total / static_cast<double>(rounds);
}

std::string FormatRegretTable(const SimulationResult& result) {
  const PolicyCurve* oracle = nullptr;
  const PolicyCurve* uniform = nullptr;
  for (const PolicyCurve& c : result.policies) {
    if (c.name == kOracleName) oracle = &c;
    if (!uniform && c.name.rfind("uniform", 0) == 0) uniform = &c;
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"policy", "play rate", "cum. regret", "regret % of oracle"};
  if (uniform) header.push_back("lift vs uniform");
  rows.push_back(header);
  for (const PolicyCurve& c : result.policies) {
    std::vector<std::string> row = {c.name, Percent(c.mean_reward), Fixed1(Last(c.cumulative_regret))};
    const double oracle_reward = oracle ? Last(oracle->cumulative_reward) : 0.0;
    row.push_back(oracle_reward > 0.0 ? Percent(Last(c.cumulative_regret) / oracle_reward) : "-");
    if (uniform) {
      row.push_back(uniform->mean_reward > 0.0 ? Percent(c.mean_reward / uniform->mean_reward - 1.0, true)
                                               : "-");
    }
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
  options.y_label = "cumulative regret (expected plays lost to the oracle)";
  return LineChartSvg(series, options);
}

}  // namespace marquee
