// Off-policy evaluation of artwork policies on simulated logs, where the
// true value of every policy is known: the acceptance test of the OPE path
// the server uses (ArtworkTargetProbabilities, PredictArtworkRewards,
// EvaluateOffPolicy).
//
// A policy is trained in the simulator and frozen; a uniform policy then logs
// impressions with a different seed; the estimators read that log and are
// checked against TruePolicyValue, the target's exact expected play rate on
// the simulator's distribution. Two targets: the trained epsilon-greedy
// policy itself (stochastic, every variant keeps epsilon / K) and its greedy
// version (deterministic, the policy one would ship), which puts all weight
// on one variant and so gives IPS its largest weights.
//
// One log carries the headline table; R smaller independent logs carry what a
// single log cannot show: that DR's error is smaller than IPS's, and that the
// intervals cover the truth about as often as they claim. The tables printed
// here are the numbers quoted in reports.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "marquee/bandit/artwork_ope.h"
#include "marquee/bandit/off_policy.h"
#include "marquee/bandit/simulator.h"
#include "marquee/synthetic/synthetic.h"

namespace marquee {
namespace {

constexpr uint64_t kTrainRounds = 30000;
constexpr uint64_t kTrainSeed = 101;
constexpr uint64_t kTruthRounds = 1000000;
constexpr uint64_t kTruthSeed = 5;
// The headline log.
constexpr uint64_t kLogRounds = 40000;
constexpr uint64_t kLogSeed = 202;
// The repeated logs. With 0/1 rewards at a play rate near 0.2 most of the
// variance is Bernoulli noise that no reward model removes, so DR's advantage
// over IPS is modest (about 15-25% of the MSE), and the per-run difference of
// squared errors is noisy: its mean is about 0.2 sqrt(R) of its standard
// errors above zero, whatever the log size. R = 200 puts it about 3 standard
// errors clear (the test prints it); small logs keep R affordable, since the
// cost -- mostly the reward model's ridge updates and the bootstrap -- grows
// with R times the log size.
constexpr uint32_t kRuns = 200;
constexpr uint64_t kRunRecords = 1000;
constexpr uint64_t kRunsSeed = 303;
constexpr uint32_t kBootstrap = 200;
constexpr uint32_t kFolds = 2;

const SyntheticService& Service() {
  static const SyntheticService* service = [] {
    SyntheticConfig config;
    config.members = 3000;
    config.titles = 300;
    config.plays = 90000;
    config.seed = 11;
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

std::unique_ptr<ArtworkPolicy> MustCreate(std::string_view kind, const Parameters& parameters) {
  Result<std::unique_ptr<ArtworkPolicy>> policy = CreateArtworkPolicy(kind, parameters, Features());
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  return std::move(policy).value();
}

double MustTrueValue(const ArtworkPolicy& policy) {
  Result<double> value = TruePolicyValue(Service().dataset, Service().truth, policy, kTruthRounds, kTruthSeed);
  EXPECT_TRUE(value.ok()) << value.status().ToString();
  return value.ok() ? *value : 0.0;
}

// The uniform policy's impressions over `rounds` rounds.
LoggedBanditData UniformLog(uint64_t rounds, uint64_t seed) {
  std::vector<std::unique_ptr<ArtworkPolicy>> policies;
  policies.push_back(MustCreate("uniform", {}));
  SimulationOptions options;
  options.rounds = rounds;
  options.seed = seed;
  options.checkpoints = 1;
  options.log_policy = 0;
  Result<SimulationResult> result =
      SimulateArtwork(Service().dataset, Service().truth, policies, {"uniform"}, options);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return std::move(result->log);
}

struct Target {
  std::string name;
  std::unique_ptr<ArtworkPolicy> policy;  // frozen: only its const methods are used
  double truth = 0.0;
};

// Trained once, then frozen, with the true values computed once.
struct World {
  std::vector<Target> targets;
  double uniform_truth = 0.0;
};

const World& TheWorld() {
  static const World* world = [] {
    auto w = new World;
    std::vector<std::unique_ptr<ArtworkPolicy>> learners;
    learners.push_back(MustCreate("epsilon-greedy", {{"epsilon", "0.2"}}));
    SimulationOptions options;
    options.rounds = kTrainRounds;
    options.seed = kTrainSeed;
    options.checkpoints = 1;
    Result<SimulationResult> trained =
        SimulateArtwork(Service().dataset, Service().truth, learners, {"epsilon-greedy"}, options);
    EXPECT_TRUE(trained.ok()) << trained.status().ToString();

    // The greedy policy is the same learned model with no exploration: the
    // state moves across, the parameters do not.
    std::unique_ptr<ArtworkPolicy> greedy = MustCreate("epsilon-greedy", {{"epsilon", "0"}});
    ByteWriter state;
    learners[0]->SaveState(state);
    ByteReader reader(state.bytes(), "trained state");
    EXPECT_TRUE(greedy->LoadState(reader).ok());

    w->targets.push_back({"epsilon-greedy epsilon=0.2 (trained)", std::move(learners[0]), 0.0});
    w->targets.push_back({"greedy (the same model, epsilon=0)", std::move(greedy), 0.0});
    for (Target& t : w->targets) t.truth = MustTrueValue(*t.policy);
    w->uniform_truth = MustTrueValue(*MustCreate("uniform", {}));
    return w;
  }();
  return *world;
}

Result<OpeReport> Evaluate(const LoggedBanditData& log, const ArtworkPolicy& policy,
                           std::vector<double> predicted, uint32_t bootstrap, uint64_t seed) {
  const ArtworkRecords records{&log, log.contexts};
  OpeTarget target;
  MARQUEE_ASSIGN_OR_RETURN(target.probability, ArtworkTargetProbabilities(records, *Features(), &policy));
  target.predicted = std::move(predicted);
  OpeOptions options;
  options.bootstrap = bootstrap;
  options.seed = seed;
  return EvaluateOffPolicy(log, target, options);
}

Result<std::vector<double>> Predict(const LoggedBanditData& log) {
  return PredictArtworkRewards({&log, log.contexts}, *Features(), kFolds);
}

const OpeEstimate& Get(const OpeReport& report, OpeEstimator e) {
  for (const OpeEstimate& estimate : report.estimates) {
    if (estimate.estimator == e) return estimate;
  }
  ADD_FAILURE() << "no " << OpeEstimatorName(e) << " estimate";
  return report.estimates.front();
}

bool Covers(const OpeEstimate& e, double truth) { return e.lower <= truth && truth <= e.upper; }

// Records [begin, end) as a log of their own. The simulator's rounds are
// independent draws, so disjoint slices of one long log are independent logs
// -- and one simulation is far cheaper than R (each estimates the best fixed
// artwork afresh).
LoggedBanditData Slice(const LoggedBanditData& log, size_t begin, size_t end) {
  LoggedBanditData s;
  s.source = log.source + " records " + std::to_string(begin) + ".." + std::to_string(end);
  s.context_dim = log.context_dim;
  for (size_t i = begin; i < end; ++i) {
    s.candidate_ids.insert(s.candidate_ids.end(), log.candidate_ids.begin() + log.offsets[i],
                           log.candidate_ids.begin() + log.offsets[i + 1]);
    s.offsets.push_back(s.candidate_ids.size());
  }
  s.action.assign(log.action.begin() + begin, log.action.begin() + end);
  s.position.assign(log.position.begin() + begin, log.position.begin() + end);
  s.propensity.assign(log.propensity.begin() + begin, log.propensity.begin() + end);
  s.reward.assign(log.reward.begin() + begin, log.reward.begin() + end);
  s.member.assign(log.member.begin() + begin, log.member.begin() + end);
  if (!log.eligible.empty()) {
    s.eligible.assign(log.eligible.begin() + log.offsets[begin], log.eligible.begin() + log.offsets[end]);
  }
  s.contexts.assign(log.contexts.begin() + begin * log.context_dim, log.contexts.begin() + end * log.context_dim);
  return s;
}

void PrintTable(const Target& target, const OpeReport& r, double uniform_truth) {
  char line[256];
  std::cout << "\n" << target.name << ", estimated from a uniform log\n";
  std::snprintf(line, sizeof(line),
                "  %llu records, logged play rate %.5f; true value %.5f (uniform policy %.5f, %+.1f%%)\n",
                static_cast<unsigned long long>(r.records), r.on_policy_value, target.truth, uniform_truth,
                100.0 * (target.truth / uniform_truth - 1.0));
  std::cout << line;
  std::snprintf(line, sizeof(line), "  weight sum %.1f, max weight %.2f, ESS %.0f (%.1f%% of n)\n",
                r.weight_sum, r.weight_max, r.effective_sample_size,
                100.0 * r.effective_sample_size / r.records);
  std::cout << line;
  std::cout << "  estimator  estimate  95% CI                truth    rel.err  std.err      ESS  covers\n";
  for (const OpeEstimate& e : r.estimates) {
    // ESS is the weights' for the weighted estimators; DM uses no weights;
    // replay's effective sample is the records it keeps.
    std::string ess = "-";
    if (e.estimator == OpeEstimator::kReplay) ess = std::to_string(e.records_used) + "*";
    else if (e.estimator != OpeEstimator::kDm) ess = std::to_string(std::lround(r.effective_sample_size));
    std::snprintf(line, sizeof(line), "  %-9s %8.5f  [%7.5f, %7.5f]  %7.5f  %+7.2f%%  %7.5f  %7s  %s\n",
                  std::string(OpeEstimatorName(e.estimator)).c_str(), e.value, e.lower, e.upper,
                  target.truth, 100.0 * (e.value / target.truth - 1.0), e.standard_error, ess.c_str(),
                  Covers(e, target.truth) ? "yes" : "NO");
    std::cout << line;
  }
  std::cout << "  (* replay: records kept)\n";
  for (const std::string& w : r.warnings) std::cout << "  warning: " << w << "\n";
}

TEST(SimulatedOpeTest, TargetsAreOtherPoliciesThanTheLoggingOne) {
  const World& world = TheWorld();
  for (const Target& t : world.targets) {
    // Training taught the policy something: a real gap to evaluate, not the
    // logging policy again under another name.
    EXPECT_GT(t.truth, 1.05 * world.uniform_truth) << t.name;
    EXPECT_LT(t.truth, 1.0) << t.name;
  }
  // Exploration costs: the greedy version does better than the one that
  // explores (and they differ, so the two targets are two tests).
  EXPECT_GT(world.targets[1].truth, world.targets[0].truth);
}

TEST(SimulatedOpeTest, IntervalsCoverTheTrueValueOnOneLog) {
  const World& world = TheWorld();
  const LoggedBanditData log = UniformLog(kLogRounds, kLogSeed);
  ASSERT_EQ(log.size(), kLogRounds);
  ASSERT_TRUE(log.Validate().ok());
  Result<std::vector<double>> predicted = Predict(log);
  ASSERT_TRUE(predicted.ok()) << predicted.status().ToString();
  for (const Target& t : world.targets) {
    Result<OpeReport> r = Evaluate(log, *t.policy, *predicted, kBootstrap, 1);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    PrintTable(t, *r, world.uniform_truth);
    for (OpeEstimator e : {OpeEstimator::kIps, OpeEstimator::kSnips, OpeEstimator::kDr}) {
      const OpeEstimate& estimate = Get(*r, e);
      EXPECT_TRUE(Covers(estimate, t.truth))
          << t.name << ": " << OpeEstimatorName(e) << " " << estimate.value << " ["
          << estimate.lower << ", " << estimate.upper << "] misses " << t.truth;
    }
    // The estimate tells the target from the logging policy: the uniform
    // policy's value lies outside DR's interval.
    const OpeEstimate& dr = Get(*r, OpeEstimator::kDr);
    EXPECT_GT(dr.lower, world.uniform_truth) << t.name;
    // Against a uniform log every weight is K * target(a) <= K <= 8.
    EXPECT_LE(r->weight_max, 8.0 + 1e-9) << t.name;
  }
}

// A gate in front of the logging policy (issue 11 §3): on every title one
// variant is ruled out, on every seventh all are (a title card). The log
// records each impression's eligible set; the estimators evaluate the target
// behind the same gate (renormalised over the set), and their intervals
// cover TruePolicyValue under the same mask -- not the ungated value.
std::vector<uint8_t> GateMask() {
  std::vector<uint8_t> mask;
  const std::vector<Title>& titles = Service().dataset.catalog.titles();
  for (uint32_t t = 0; t < titles.size(); ++t) {
    const uint32_t n = static_cast<uint32_t>(titles[t].artwork.size());
    for (uint32_t v = 0; v < n; ++v) mask.push_back(t % 7 != 3 && (n < 2 || v != t % n) ? 1 : 0);
  }
  return mask;
}

TEST(SimulatedOpeTest, GatedLogsAreEvaluatedBehindTheSameGate) {
  const World& world = TheWorld();
  const std::vector<uint8_t> mask = GateMask();
  std::vector<std::unique_ptr<ArtworkPolicy>> policies;
  policies.push_back(MustCreate("uniform", {}));
  SimulationOptions options;
  options.rounds = kLogRounds;
  options.seed = kLogSeed;
  options.checkpoints = 1;
  options.log_policy = 0;
  options.eligible = mask;
  Result<SimulationResult> result = SimulateArtwork(Service().dataset, Service().truth, policies, {"uniform"}, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const LoggedBanditData& log = result->log;
  ASSERT_TRUE(log.Validate().ok()) << log.Validate().ToString();
  ASSERT_EQ(log.size() + result->title_card_rounds, kLogRounds);
  ASSERT_EQ(log.eligible.size(), log.candidate_ids.size());
  for (size_t i = 0; i < log.size(); ++i) {
    ASSERT_LT(log.eligible_count(i), log.candidate_count(i));
    ASSERT_NEAR(log.propensity[i], 1.0 / log.eligible_count(i), 1e-15);  // uniform over the set
  }
  Result<std::vector<double>> predicted = Predict(log);
  ASSERT_TRUE(predicted.ok()) << predicted.status().ToString();
  for (const Target& t : world.targets) {
    Result<double> gated = TruePolicyValue(Service().dataset, Service().truth, *t.policy, kTruthRounds, kTruthSeed,
                                           SimulationReward::kQualifyingPlay, mask);
    ASSERT_TRUE(gated.ok()) << gated.status().ToString();
    Result<OpeReport> r = Evaluate(log, *t.policy, *predicted, kBootstrap, 1);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::printf("gated %s: true value %.5f (ungated %.5f); ips %.5f, dr %.5f [%.5f, %.5f]\n", t.name.c_str(),
                *gated, t.truth, Get(*r, OpeEstimator::kIps).value, Get(*r, OpeEstimator::kDr).value,
                Get(*r, OpeEstimator::kDr).lower, Get(*r, OpeEstimator::kDr).upper);
    for (OpeEstimator e : {OpeEstimator::kIps, OpeEstimator::kSnips, OpeEstimator::kDr}) {
      const OpeEstimate& estimate = Get(*r, e);
      EXPECT_TRUE(Covers(estimate, *gated)) << t.name << ": " << OpeEstimatorName(e) << " " << estimate.value
                                             << " [" << estimate.lower << ", " << estimate.upper << "] misses "
                                             << *gated;
    }
    // The gate costs the target something the estimate sees.
    EXPECT_LT(*gated, t.truth) << t.name;
  }
}

// With every variant eligible, the mask changes nothing, bit for bit.
TEST(SimulatedOpeTest, TrueValueWithAFullMaskIsTheUngatedOne) {
  const World& world = TheWorld();
  const std::vector<uint8_t> all(Features()->artwork_count(), 1);
  Result<double> full = TruePolicyValue(Service().dataset, Service().truth, *world.targets[1].policy, 100000, 3,
                                        SimulationReward::kQualifyingPlay, all);
  Result<double> none = TruePolicyValue(Service().dataset, Service().truth, *world.targets[1].policy, 100000, 3);
  ASSERT_TRUE(full.ok() && none.ok());
  EXPECT_EQ(*full, *none);
  const std::vector<uint8_t> short_mask(3, 1);
  EXPECT_FALSE(TruePolicyValue(Service().dataset, Service().truth, *world.targets[1].policy, 1000, 3,
                               SimulationReward::kQualifyingPlay, short_mask)
                   .ok());
}

TEST(SimulatedOpeTest, DoublyRobustBeatsIpsOverIndependentLogs) {
  const World& world = TheWorld();
  const LoggedBanditData all = UniformLog(kRuns * kRunRecords, kRunsSeed);
  ASSERT_EQ(all.size(), kRuns * kRunRecords);

  constexpr OpeEstimator kEstimators[] = {OpeEstimator::kIps, OpeEstimator::kSnips, OpeEstimator::kDm,
                                          OpeEstimator::kDr, OpeEstimator::kReplay};
  constexpr size_t kCount = std::size(kEstimators);
  struct Tally {
    double squared_error[kCount] = {};
    double error[kCount] = {};
    uint32_t covered[kCount] = {};
    // Per run, IPS's squared error minus DR's: for the paired standard error
    // of the MSE difference.
    std::vector<double> gain;
  };
  std::vector<Tally> tallies(world.targets.size());
  for (uint32_t run = 0; run < kRuns; ++run) {
    const LoggedBanditData log = Slice(all, run * kRunRecords, (run + 1) * kRunRecords);
    // The reward model does not depend on the target: fitted once a log.
    Result<std::vector<double>> predicted = Predict(log);
    ASSERT_TRUE(predicted.ok()) << predicted.status().ToString();
    for (size_t k = 0; k < world.targets.size(); ++k) {
      const Target& t = world.targets[k];
      Result<OpeReport> r = Evaluate(log, *t.policy, *predicted, kBootstrap, run + 1);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      for (size_t e = 0; e < kCount; ++e) {
        const OpeEstimate& estimate = Get(*r, kEstimators[e]);
        const double error = estimate.value - t.truth;
        tallies[k].squared_error[e] += error * error;
        tallies[k].error[e] += error;
        tallies[k].covered[e] += Covers(estimate, t.truth);
      }
      const double ips = Get(*r, OpeEstimator::kIps).value - t.truth;
      const double dr = Get(*r, OpeEstimator::kDr).value - t.truth;
      tallies[k].gain.push_back(ips * ips - dr * dr);
    }
  }

  char line[256];
  std::snprintf(line, sizeof(line), "\n%u independent uniform logs of %llu records each:\n", kRuns,
                static_cast<unsigned long long>(kRunRecords));
  std::cout << line;
  for (size_t k = 0; k < world.targets.size(); ++k) {
    const Target& t = world.targets[k];
    const Tally& tally = tallies[k];
    std::cout << "  " << t.name << " (true value " << t.truth << ")\n";
    std::cout << "    estimator       MSE      RMSE      bias   95% CI coverage\n";
    for (size_t e = 0; e < kCount; ++e) {
      const double mse = tally.squared_error[e] / kRuns;
      std::snprintf(line, sizeof(line), "    %-9s %9.3g  %8.5f  %+8.5f   %5.1f%%\n",
                    std::string(OpeEstimatorName(kEstimators[e])).c_str(), mse, std::sqrt(mse),
                    tally.error[e] / kRuns, 100.0 * tally.covered[e] / kRuns);
      std::cout << line;
    }
    const double ips_mse = tally.squared_error[0] / kRuns, dr_mse = tally.squared_error[3] / kRuns;
    double gain_squares = 0.0;
    for (double g : tally.gain) gain_squares += (g - (ips_mse - dr_mse)) * (g - (ips_mse - dr_mse));
    const double gain_se = std::sqrt(gain_squares / (kRuns - 1) / kRuns);
    std::snprintf(line, sizeof(line),
                  "    MSE(DR) / MSE(IPS) = %.3f; MSE(IPS) - MSE(DR) = %.3g +- %.2g (%.1f standard errors)\n",
                  dr_mse / ips_mse, ips_mse - dr_mse, gain_se, (ips_mse - dr_mse) / gain_se);
    std::cout << line;

    EXPECT_LT(dr_mse, ips_mse) << t.name;
    // Calibration: the percentile bootstrap on 1,000 records covers about
    // 90-94% here (a little short of 95%, as small samples make it). 80% is
    // about 5 binomial standard deviations below that, yet catches a broken
    // interval: one half as wide covers about 65%, and DM's, which leaves out
    // the model's error, about 30%.
    for (size_t e : {size_t{0}, size_t{1}, size_t{3}}) {
      EXPECT_GE(tally.covered[e], 0.80 * kRuns)
          << t.name << ": " << OpeEstimatorName(kEstimators[e]) << " covers in " << tally.covered[e]
          << " of " << kRuns << " runs";
    }
  }
}

}  // namespace
}  // namespace marquee
