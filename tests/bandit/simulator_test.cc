#include "marquee/bandit/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "marquee/synthetic/synthetic.h"

namespace marquee {
namespace {

// A small service shared by the tests (generation is the slow part).
const SyntheticService& Service() {
  static const SyntheticService* service = [] {
    SyntheticConfig config;
    config.members = 2000;
    config.titles = 300;
    config.plays = 60000;
    config.seed = 7;
    // Some titles with a single artwork, which the simulator must never draw.
    config.min_artwork = 1;
    config.max_artwork = 6;
    Result<SyntheticService> s = GenerateService(config);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return new SyntheticService(std::move(s).value());
  }();
  return *service;
}

std::shared_ptr<const ArtworkFeatures> Features() {
  static const auto features = std::make_shared<const ArtworkFeatures>(Service().dataset.catalog);
  return features;
}

// Shows every variant with the same probability; counts its updates.
class UniformPolicy : public ArtworkPolicy {
 public:
  explicit UniformPolicy(std::shared_ptr<const ArtworkFeatures> features = Features())
      : ArtworkPolicy(std::move(features)) {}
  std::string_view kind() const override { return "uniform"; }
  const Parameters& parameters() const override { return parameters_; }
  void Probabilities(const ArtworkContext&, std::span<double> out) const override {
    std::fill(out.begin(), out.end(), 1.0 / static_cast<double>(out.size()));
  }
  void Update(const ArtworkContext&, uint32_t, double) override {}
  void SaveState(ByteWriter&) const override {}
  Status LoadState(ByteReader&) override { return Status::OK(); }
  std::unique_ptr<ArtworkPolicy> Clone() const override { return std::make_unique<UniformPolicy>(*this); }

 private:
  Parameters parameters_;
};

// Uniform, and records when it learns: the number of choices made so far at
// each Update, and the rewards it was given.
class RecordingPolicy : public UniformPolicy {
 public:
  uint32_t Choose(const ArtworkContext& context, Rng& rng) const override {
    ++choices_;
    return UniformPolicy::Choose(context, rng);
  }
  void Update(const ArtworkContext&, uint32_t, double reward) override {
    update_at.push_back(choices_);
    reward_sum += reward;
  }
  std::unique_ptr<ArtworkPolicy> Clone() const override { return std::make_unique<RecordingPolicy>(*this); }

  std::vector<uint64_t> update_at;
  double reward_sum = 0.0;

 private:
  mutable uint64_t choices_ = 0;
};

// Cheats: knows the truth (the expected qualifying play of each variant, the
// simulator's default reward), and recognises the member from their context
// (the test service's contexts are all distinct, which the test checks).
class CheatingPolicy : public UniformPolicy {
 public:
  CheatingPolicy() {
    const size_t dim = features().member_dim();
    const std::vector<float> contexts = MemberContexts(Service().dataset, features());
    for (uint32_t m = 0; m < Service().dataset.members.size(); ++m) {
      members_.emplace(Key({contexts.data() + m * dim, dim}), m);
    }
  }
  size_t distinct_contexts() const { return members_.size(); }

  void Probabilities(const ArtworkContext& context, std::span<double> out) const override {
    const uint32_t member = members_.at(Key(context.member));
    const GroundTruth& truth = Service().truth;
    auto value = [&](uint32_t v) {
      return truth.PlayProbability(member, context.title, v) * truth.QualifyProbability(context.title, v);
    };
    uint32_t best = 0;
    for (uint32_t v = 1; v < out.size(); ++v) {
      if (value(v) > value(best)) best = v;
    }
    std::fill(out.begin(), out.end(), 0.0);
    out[best] = 1.0;
  }
  std::unique_ptr<ArtworkPolicy> Clone() const override { return std::make_unique<CheatingPolicy>(*this); }

 private:
  static std::string Key(std::span<const float> v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size_bytes());
  }
  std::map<std::string, uint32_t> members_;
};

struct Lineup {
  std::vector<std::unique_ptr<ArtworkPolicy>> policies;
  std::vector<std::string> names;
  void Add(std::unique_ptr<ArtworkPolicy> policy, std::string name) {
    policies.push_back(std::move(policy));
    names.push_back(std::move(name));
  }
  Result<SimulationResult> Simulate(const SimulationOptions& options) {
    return SimulateArtwork(Service().dataset, Service().truth, policies, names, options);
  }
};

SimulationOptions Options(uint64_t rounds, uint64_t seed = 1) {
  SimulationOptions options;
  options.rounds = rounds;
  options.seed = seed;
  options.checkpoints = 20;
  return options;
}

const PolicyCurve& Curve(const SimulationResult& r, const std::string& name) {
  for (const PolicyCurve& c : r.policies) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no curve " << name;
  return r.policies.front();
}

// The simulator's distribution computed the slow, obvious way: member m with
// probability activity / total, then title t among those with >= 2 variants
// in proportion to TrueAffinity(m, t).
struct Exact {
  std::vector<double> member;      // probability of each member
  std::vector<double> title;       // marginal probability of each title
  double uniform_value = 0.0;      // expected start probability of a uniform choice
  double uniform_qualifying = 0.0; // expected qualifying-play probability of a uniform choice
};

const Exact& ExactDistribution() {
  static const Exact exact = [] {
    const GroundTruth& truth = Service().truth;
    Exact e;
    e.title.assign(truth.title_count(), 0.0);
    double activity = 0.0;
    for (float a : truth.member_activity) activity += a;
    std::vector<float> affinity(truth.title_count());
    for (uint32_t m = 0; m < truth.member_count(); ++m) {
      const double pm = truth.member_activity[m] / activity;
      e.member.push_back(pm);
      truth.TrueAffinities(m, affinity);
      double eligible = 0.0;
      for (uint32_t t = 0; t < truth.title_count(); ++t) {
        if (truth.ArtworkCount(t) >= 2) eligible += affinity[t];
      }
      for (uint32_t t = 0; t < truth.title_count(); ++t) {
        const uint32_t k = truth.ArtworkCount(t);
        if (k < 2) continue;
        const double p = pm * affinity[t] / eligible;
        e.title[t] += p;
        double mean = 0.0, qualifying = 0.0;
        for (uint32_t v = 0; v < k; ++v) {
          mean += truth.PlayProbability(m, t, v) / k;
          qualifying += truth.PlayProbability(m, t, v) * truth.QualifyProbability(t, v) / k;
        }
        e.uniform_value += p * mean;
        e.uniform_qualifying += p * qualifying;
      }
    }
    return e;
  }();
  return exact;
}

// Pearson's chi-square of counts against probabilities (bins expected to hold
// fewer than 5 pooled), and its degrees of freedom.
std::pair<double, double> ChiSquare(const std::vector<double>& counts, const std::vector<double>& p, double n) {
  double stat = 0.0, pooled_count = 0.0, pooled_expected = 0.0;
  int bins = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double expected = n * p[i];
    if (expected < 5.0) {
      pooled_count += counts[i];
      pooled_expected += expected;
      continue;
    }
    stat += (counts[i] - expected) * (counts[i] - expected) / expected;
    ++bins;
  }
  if (pooled_expected >= 5.0) {
    stat += (pooled_count - pooled_expected) * (pooled_count - pooled_expected) / pooled_expected;
    ++bins;
  }
  return {stat, bins - 1.0};
}

TEST(SimulatorTest, SameSeedGivesTheSameResult) {
  auto run = [](uint64_t seed) {
    Lineup r;
    r.Add(std::make_unique<UniformPolicy>(), "uniform");
    r.Add(std::make_unique<UniformPolicy>(), "uniform again");
    SimulationOptions options = Options(20000, seed);
    options.log_policy = 1;
    Result<SimulationResult> result = r.Simulate(options);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return std::move(result).value();
  };
  const SimulationResult a = run(3), b = run(3), c = run(4);
  ASSERT_EQ(a.policies.size(), 4u);
  EXPECT_EQ(a.checkpoints, b.checkpoints);
  for (size_t i = 0; i < a.policies.size(); ++i) {
    EXPECT_EQ(a.policies[i].name, b.policies[i].name);
    EXPECT_EQ(a.policies[i].cumulative_reward, b.policies[i].cumulative_reward);
    EXPECT_EQ(a.policies[i].cumulative_regret, b.policies[i].cumulative_regret);
    EXPECT_EQ(a.policies[i].realised_reward, b.policies[i].realised_reward);
  }
  EXPECT_EQ(a.log.action, b.log.action);
  EXPECT_EQ(a.log.member, b.log.member);
  EXPECT_EQ(a.log.reward, b.log.reward);
  EXPECT_NE(a.log.member, c.log.member);
  EXPECT_NE(a.policies[0].cumulative_reward, c.policies[0].cumulative_reward);
}

TEST(SimulatorTest, ReferenceCurvesComeLastAndTheOracleHasNoRegret) {
  Lineup r;
  r.Add(std::make_unique<UniformPolicy>(), "uniform");
  Result<SimulationResult> result = r.Simulate(Options(20000));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->policies.size(), 3u);
  EXPECT_EQ(result->policies[0].name, "uniform");
  EXPECT_EQ(result->policies[1].name, "best fixed artwork");
  EXPECT_EQ(result->policies[2].name, "oracle");
  const PolicyCurve& oracle = result->policies[2];
  ASSERT_EQ(oracle.cumulative_regret.size(), result->checkpoints.size());
  for (double regret : oracle.cumulative_regret) EXPECT_EQ(regret, 0.0);
  for (const PolicyCurve& c : result->policies) {
    EXPECT_LE(c.mean_reward, oracle.mean_reward) << c.name;
    EXPECT_GE(c.cumulative_regret.back(), 0.0) << c.name;
    // Reward plus regret is the oracle's reward, at every checkpoint.
    for (size_t i = 0; i < c.cumulative_reward.size(); ++i) {
      EXPECT_NEAR(c.cumulative_reward[i] + c.cumulative_regret[i], oracle.cumulative_reward[i],
                  1e-6 * oracle.cumulative_reward[i]);
    }
  }
  EXPECT_GT(result->policies[0].cumulative_regret.back(), 0.0);
  EXPECT_NEAR(oracle.mean_reward, oracle.cumulative_reward.back() / 20000, 1e-12);
}

TEST(SimulatorTest, APolicyThatKnowsTheTruthMatchesTheOracle) {
  auto cheater = std::make_unique<CheatingPolicy>();
  ASSERT_EQ(cheater->distinct_contexts(), Service().dataset.members.size())
      << "members must be recognisable from their contexts for this test";
  Lineup r;
  r.Add(std::move(cheater), "cheater");
  Result<SimulationResult> result = r.Simulate(Options(20000));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const PolicyCurve& cheat = Curve(*result, "cheater");
  const PolicyCurve& oracle = Curve(*result, "oracle");
  EXPECT_EQ(cheat.cumulative_reward, oracle.cumulative_reward);
  for (double regret : cheat.cumulative_regret) EXPECT_EQ(regret, 0.0);
  EXPECT_EQ(cheat.realised_reward, oracle.realised_reward);  // same variants, same draws
}

TEST(SimulatorTest, UniformRegretGrowsLinearlyAndBestFixedBeatsIt) {
  Lineup r;
  r.Add(std::make_unique<UniformPolicy>(), "uniform");
  const uint64_t rounds = 200000;
  const auto start = std::chrono::steady_clock::now();
  Result<SimulationResult> result = r.Simulate(Options(rounds));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  std::printf("uniform: %.0f rounds/s (%.3f s for %llu rounds, best fixed artwork included)\n",
              rounds / seconds, seconds, static_cast<unsigned long long>(rounds));

  const PolicyCurve& uniform = Curve(*result, "uniform");
  const double rate = uniform.cumulative_regret.back() / rounds;
  ASSERT_GT(rate, 0.0);
  for (size_t i = result->checkpoints.size() / 5; i < result->checkpoints.size(); ++i) {
    EXPECT_NEAR(uniform.cumulative_regret[i] / result->checkpoints[i], rate, 0.05 * rate) << i;
  }
  const PolicyCurve& fixed = Curve(*result, "best fixed artwork");
  EXPECT_GT(fixed.mean_reward, uniform.mean_reward * 1.02);
  EXPECT_LT(fixed.cumulative_regret.back(), 0.8 * uniform.cumulative_regret.back());
  // Realised plays follow the expected ones.
  EXPECT_NEAR(uniform.realised_reward, uniform.mean_reward,
              4 * std::sqrt(uniform.mean_reward / rounds));
}

TEST(SimulatorTest, DrawSideSpeed) {
  Lineup r;  // no policies: only the draws and the two reference curves
  const uint64_t rounds = 400000;
  const auto start = std::chrono::steady_clock::now();
  Result<SimulationResult> result = r.Simulate(Options(rounds));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->policies.size(), 2u);
  std::printf("draw side: %.0f rounds/s (%.3f s for %llu rounds, best fixed artwork included)\n",
              rounds / seconds, seconds, static_cast<unsigned long long>(rounds));
}

TEST(SimulatorTest, AddingAPolicyChangesNoOtherPolicysDraws) {
  Lineup one, two;
  one.Add(std::make_unique<UniformPolicy>(), "uniform");
  two.Add(std::make_unique<UniformPolicy>(), "uniform");
  two.Add(std::make_unique<UniformPolicy>(), "uniform 2");
  Result<SimulationResult> a = one.Simulate(Options(10000));
  Result<SimulationResult> b = two.Simulate(Options(10000));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->policies[0].cumulative_reward, b->policies[0].cumulative_reward);
  EXPECT_EQ(a->policies[0].realised_reward, b->policies[0].realised_reward);
  // Its own stream: the second policy does not repeat the first's choices.
  EXPECT_NE(b->policies[0].cumulative_reward, b->policies[1].cumulative_reward);
}

TEST(SimulatorTest, FeedbackIsDelayedByTheUpdateBatch) {
  auto policy = std::make_unique<RecordingPolicy>();
  RecordingPolicy* recorder = policy.get();
  Lineup r;
  r.Add(std::move(policy), "recorder");
  SimulationOptions options = Options(95);
  options.update_batch = 10;
  Result<SimulationResult> result = r.Simulate(options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  // Nine batches of ten after choices 10, 20, ..., 90; the last five at the end.
  ASSERT_EQ(recorder->update_at.size(), 95u);
  for (size_t i = 0; i < 90; ++i) EXPECT_EQ(recorder->update_at[i], (i / 10 + 1) * 10) << i;
  for (size_t i = 90; i < 95; ++i) EXPECT_EQ(recorder->update_at[i], 95u) << i;
  // The rewards learned are the plays drawn.
  EXPECT_DOUBLE_EQ(recorder->reward_sum / 95, Curve(*result, "recorder").realised_reward);
}

TEST(SimulatorTest, MembersAndTitlesAreDrawnAsTheTruthSays) {
  Lineup r;
  r.Add(std::make_unique<UniformPolicy>(), "uniform");
  const uint64_t rounds = 200000;
  SimulationOptions options = Options(rounds);
  options.log_policy = 0;
  Result<SimulationResult> result = r.Simulate(options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const GroundTruth& truth = Service().truth;
  const LoggedBanditData& log = result->log;
  ASSERT_EQ(log.size(), rounds);
  std::vector<double> member_counts(truth.member_count(), 0.0), title_counts(truth.title_count(), 0.0);
  for (size_t i = 0; i < log.size(); ++i) {
    member_counts[log.member[i]] += 1;
    const uint32_t first = log.candidate_ids[log.offsets[i]];
    const uint32_t title = static_cast<uint32_t>(
        std::upper_bound(truth.artwork_offsets.begin(), truth.artwork_offsets.end(), first) -
        truth.artwork_offsets.begin() - 1);
    title_counts[title] += 1;
  }
  const Exact& exact = ExactDistribution();
  const auto [member_stat, member_df] = ChiSquare(member_counts, exact.member, rounds);
  const auto [title_stat, title_df] = ChiSquare(title_counts, exact.title, rounds);
  // Far beyond chance at these degrees of freedom: about 6 standard deviations.
  std::printf("chi-square: members %.0f (df %.0f), titles %.0f (df %.0f)\n", member_stat, member_df,
              title_stat, title_df);
  EXPECT_LT(member_stat, member_df + 6 * std::sqrt(2 * member_df));
  EXPECT_LT(title_stat, title_df + 6 * std::sqrt(2 * title_df));
  for (size_t t = 0; t < truth.title_count(); ++t) {
    if (truth.ArtworkCount(t) < 2) {
      EXPECT_EQ(title_counts[t], 0.0) << "title " << t;
    }
  }
}

TEST(SimulatorTest, TrueValueOfUniformMatchesTheExactExpectation) {
  UniformPolicy uniform;
  Result<double> value =
      TruePolicyValue(Service().dataset, Service().truth, uniform, 400000, 5, SimulationReward::kStart);
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_NEAR(*value, ExactDistribution().uniform_value, 0.01 * ExactDistribution().uniform_value);
  // The default is the simulator's: qualifying plays.
  Result<double> qualifying = TruePolicyValue(Service().dataset, Service().truth, uniform, 400000, 5);
  ASSERT_TRUE(qualifying.ok());
  EXPECT_NEAR(*qualifying, ExactDistribution().uniform_qualifying, 0.01 * ExactDistribution().uniform_qualifying);
  EXPECT_LT(*qualifying, *value);
  Result<double> again =
      TruePolicyValue(Service().dataset, Service().truth, uniform, 400000, 5, SimulationReward::kStart);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*value, *again);
}

TEST(SimulatorTest, TheLogOfAUniformPolicyHasItsPropensitiesAndValue) {
  Lineup r;
  r.Add(std::make_unique<UniformPolicy>(), "uniform");
  r.Add(std::make_unique<CheatingPolicy>(), "cheater");
  const uint64_t rounds = 100000;
  SimulationOptions options = Options(rounds);
  options.log_policy = 0;
  Result<SimulationResult> result = r.Simulate(options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const LoggedBanditData& log = result->log;
  // (LoggedBanditData::Validate lives elsewhere; the shape is checked here.)
  ASSERT_EQ(log.size(), rounds);
  ASSERT_EQ(log.offsets.size(), rounds + 1);
  ASSERT_EQ(log.offsets.back(), log.candidate_ids.size());
  ASSERT_EQ(log.propensity.size(), rounds);
  ASSERT_EQ(log.reward.size(), rounds);
  ASSERT_EQ(log.position.size(), rounds);
  ASSERT_EQ(log.member.size(), rounds);
  ASSERT_EQ(log.context_dim, Features()->member_dim());
  ASSERT_EQ(log.contexts.size(), rounds * log.context_dim);
  const std::vector<float> contexts = MemberContexts(Service().dataset, *Features());
  double reward = 0.0;
  for (size_t i = 0; i < log.size(); ++i) {
    const uint32_t k = log.candidate_count(i);
    ASSERT_GE(k, 2u);
    ASSERT_DOUBLE_EQ(log.propensity[i], 1.0 / k) << i;
    for (uint32_t v = 1; v < k; ++v) ASSERT_EQ(log.candidate_ids[log.offsets[i] + v], log.candidate_ids[log.offsets[i]] + v);
    ASSERT_EQ(log.position[i], 0u);
    ASSERT_TRUE(log.reward[i] == 0.0 || log.reward[i] == 1.0);
    ASSERT_EQ(std::memcmp(log.contexts.data() + i * log.context_dim,
                          contexts.data() + log.member[i] * log.context_dim, log.context_dim * sizeof(float)),
              0);
    reward += log.reward[i];
  }
  reward /= rounds;
  EXPECT_DOUBLE_EQ(reward, Curve(*result, "uniform").realised_reward);
  UniformPolicy uniform;
  Result<double> value = TruePolicyValue(Service().dataset, Service().truth, uniform, 400000, 9);
  ASSERT_TRUE(value.ok());
  EXPECT_NEAR(reward, *value, 4 * std::sqrt(*value * (1 - *value) / rounds));
}

TEST(SimulatorTest, CheckpointsAreEvenAndEndAtTheLastRound) {
  Lineup r;
  r.Add(std::make_unique<UniformPolicy>(), "uniform");
  SimulationOptions options = Options(1000);
  options.checkpoints = 4;
  Result<SimulationResult> result = r.Simulate(options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->checkpoints, (std::vector<uint64_t>{250, 500, 750, 1000}));
  for (const PolicyCurve& c : result->policies) {
    EXPECT_EQ(c.cumulative_reward.size(), 4u);
    EXPECT_EQ(c.cumulative_regret.size(), 4u);
  }
  options = Options(3);
  options.checkpoints = 50;  // more than rounds: one a round
  result = r.Simulate(options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->checkpoints, (std::vector<uint64_t>{1, 2, 3}));
}

TEST(SimulatorTest, ReportsProgress) {
  Lineup r;
  r.Add(std::make_unique<UniformPolicy>(), "uniform");
  uint64_t last_done = 0, reports = 0;
  bool finished = false;
  Result<SimulationResult> result =
      SimulateArtwork(Service().dataset, Service().truth, r.policies, r.names, Options(50000),
                      [&](const Progress& p) {
                        ++reports;
                        EXPECT_EQ(p.total, 50000u);
                        EXPECT_GE(p.done, last_done);
                        last_done = p.done;
                        finished = finished || p.finished;
                      });
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(finished);
  EXPECT_EQ(last_done, 50000u);
  EXPECT_GT(reports, 2u);
}

// ---------------------------------------------------------------------------
// Errors.

Status SimulateWith(const Dataset& dataset, const GroundTruth& truth,
                    std::shared_ptr<const ArtworkFeatures> features = Features()) {
  std::vector<std::unique_ptr<ArtworkPolicy>> policies;
  policies.push_back(std::make_unique<UniformPolicy>(std::move(features)));
  return SimulateArtwork(dataset, truth, policies, {"uniform"}, Options(100)).status();
}

void ExpectError(const Status& status, const std::string& words) {
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << status.ToString();
  EXPECT_NE(status.message().find(words), std::string::npos) << status.ToString();
}

TEST(SimulatorTest, RejectsATruthWithOtherMembers) {
  GroundTruth truth = Service().truth;
  truth.member_kind.pop_back();
  truth.member_activity.pop_back();
  truth.member_plays.pop_back();
  truth.member_taste.resize(truth.member_taste.size() - truth.genre_count);
  ExpectError(SimulateWith(Service().dataset, truth), "1999 members but the dataset has 2000");
  UniformPolicy uniform;
  ExpectError(TruePolicyValue(Service().dataset, truth, uniform, 10, 1).status(), "members");
}

TEST(SimulatorTest, RejectsACatalogOfOtherSize) {
  Dataset dataset = Service().dataset;
  dataset.catalog.Resize(dataset.catalog.size() - 1);
  ExpectError(SimulateWith(dataset, Service().truth), "the catalog has 299 titles but the dataset has 300");
}

TEST(SimulatorTest, RejectsOtherArtworkCounts) {
  Dataset dataset = Service().dataset;
  dataset.catalog.titles()[5].artwork.pop_back();
  const std::string id(dataset.titles.ExternalId(5));
  ExpectError(SimulateWith(dataset, Service().truth), "title '" + id + "' (index 5)");
  ExpectError(SimulateWith(dataset, Service().truth), "artwork variants in the catalog");
  // A policy built on that catalog does not fit the true service either.
  ExpectError(SimulateWith(Service().dataset, Service().truth, std::make_shared<const ArtworkFeatures>(dataset.catalog)),
              "policy 0 ('uniform')");
}

TEST(SimulatorTest, RejectsBadOptionsAndNames) {
  Lineup r;
  r.Add(std::make_unique<UniformPolicy>(), "uniform");
  ExpectError(r.Simulate(Options(0)).status(), "rounds");
  SimulationOptions options = Options(10);
  options.checkpoints = 0;
  ExpectError(r.Simulate(options).status(), "checkpoints");
  options = Options(10);
  options.update_batch = 0;
  ExpectError(r.Simulate(options).status(), "update_batch");
  options = Options(10);
  options.log_policy = 1;
  ExpectError(r.Simulate(options).status(), "log_policy 1");
  r.names.push_back("extra");
  ExpectError(r.Simulate(Options(10)).status(), "2 names were given for 1 policies");
  UniformPolicy uniform;
  ExpectError(TruePolicyValue(Service().dataset, Service().truth, uniform, 0, 1).status(), "rounds");
}

TEST(SimulatorTest, RejectsAServiceWithNothingToChoose) {
  // Every title keeps only its first artwork, in the catalog and the truth.
  Dataset dataset = Service().dataset;
  GroundTruth truth = Service().truth;
  std::vector<float> appeal;
  std::vector<uint32_t> offsets{0};
  for (uint32_t t = 0; t < truth.title_count(); ++t) {
    dataset.catalog.titles()[t].artwork.resize(1);
    const float* row = truth.artwork_appeal.data() + size_t{truth.ArtworkIndex(t, 0)} * truth.genre_count;
    appeal.insert(appeal.end(), row, row + truth.genre_count);
    offsets.push_back(t + 1);
  }
  truth.artwork_appeal = appeal;
  truth.artwork_offsets = offsets;
  truth.artwork_qualify.clear();  // a truth without the honesty section
  truth.artwork_misleading.clear();
  ExpectError(SimulateWith(dataset, truth, std::make_shared<const ArtworkFeatures>(dataset.catalog)),
              "no title has two or more artwork variants");
}

// ---------------------------------------------------------------------------
// Reports.

TEST(SimulatorTest, TableAndChartShowEveryPolicy) {
  Lineup r;
  r.Add(std::make_unique<UniformPolicy>(), "uniform");
  r.Add(std::make_unique<CheatingPolicy>(), "cheater <&>");
  Result<SimulationResult> result = r.Simulate(Options(5000));
  ASSERT_TRUE(result.ok());
  const std::string table = FormatRegretTable(*result);
  for (const char* word : {"policy", "start rate", "qualifying rate", "cum. regret", "regret % of oracle",
                           "lift vs uniform", "misleading shown", "uniform", "cheater <&>", "best fixed artwork",
                           "oracle"}) {
    EXPECT_NE(table.find(word), std::string::npos) << word << "\n" << table;
  }
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 5);
  // Rows align: every line is as long as the header.
  const size_t width = table.find('\n');
  for (size_t at = 0; at < table.size(); at = table.find('\n', at) + 1) {
    EXPECT_EQ(table.find('\n', at) - at, width) << table;
  }
  EXPECT_NE(table.find("+0.00%"), std::string::npos) << table;  // uniform's lift over itself

  // Without a uniform policy there is no lift column.
  SimulationResult no_uniform = *result;
  no_uniform.policies.erase(no_uniform.policies.begin());
  EXPECT_EQ(FormatRegretTable(no_uniform).find("lift"), std::string::npos);

  const std::string svg = RegretChartSvg(*result, "Regret");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  size_t polylines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++polylines;
  EXPECT_EQ(polylines, 3u);  // the oracle's zero line is left out
  EXPECT_NE(svg.find("cheater &lt;&amp;&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

}  // namespace
}  // namespace marquee
