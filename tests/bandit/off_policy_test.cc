#include "marquee/bandit/off_policy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "marquee/bandit/tabular_reward_model.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

const OpeEstimate* Find(const OpeReport& report, OpeEstimator e) {
  for (const OpeEstimate& estimate : report.estimates) {
    if (estimate.estimator == e) return &estimate;
  }
  return nullptr;
}

double Value(const OpeReport& report, OpeEstimator e) {
  const OpeEstimate* estimate = Find(report, e);
  EXPECT_NE(estimate, nullptr) << OpeEstimatorName(e);
  return estimate == nullptr ? std::numeric_limits<double>::quiet_NaN() : estimate->value;
}

bool AnyWarningHas(const OpeReport& report, const std::string& text) {
  for (const std::string& w : report.warnings) {
    if (w.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string Warnings(const OpeReport& report) {
  std::string out;
  for (const std::string& w : report.warnings) out += w + "\n";
  return out;
}

// A log where every record offers the same `k` candidates 0..k-1 at position 0.
LoggedBanditData SameCandidates(size_t n, uint32_t k) {
  LoggedBanditData d;
  d.source = "test log";
  for (size_t i = 0; i < n; ++i) {
    for (uint32_t a = 0; a < k; ++a) d.candidate_ids.push_back(a);
    d.offsets.push_back(d.candidate_ids.size());
  }
  d.action.assign(n, 0);
  d.position.assign(n, 0);
  d.propensity.assign(n, 1.0 / k);
  d.reward.assign(n, 0.0);
  return d;
}

// The tiny log of the known-answer tests: four records, candidates {0, 1}.
//   record  action  propensity  reward  target      q
//   0       0       0.5         1       (0.8, 0.2)  (0.6, 0.3)
//   1       1       0.5         0       (0.8, 0.2)  (0.6, 0.3)
//   2       1       0.25        1       (0.5, 0.5)  (0.4, 0.5)
//   3       0       0.75        0       (1.0, 0.0)  (0.2, 0.1)
LoggedBanditData TinyLog() {
  LoggedBanditData d = SameCandidates(4, 2);
  d.action = {0, 1, 1, 0};
  d.propensity = {0.5, 0.5, 0.25, 0.75};
  d.reward = {1, 0, 1, 0};
  return d;
}

OpeTarget TinyTarget() {
  OpeTarget t;
  t.probability = {0.8, 0.2, 0.8, 0.2, 0.5, 0.5, 1.0, 0.0};
  t.predicted = {0.6, 0.3, 0.6, 0.3, 0.4, 0.5, 0.2, 0.1};
  return t;
}

OpeOptions NoBootstrap() {
  OpeOptions options;
  options.bootstrap = 0;
  return options;
}

TEST(OffPolicyTest, TinyLogKnownAnswers) {
  Result<OpeReport> r = EvaluateOffPolicy(TinyLog(), TinyTarget(), NoBootstrap());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Weights w = target(a_i) / p_i: 0.8/0.5 = 1.6, 0.2/0.5 = 0.4, 0.5/0.25 = 2, 1/0.75 = 4/3.
  // IPS   = (1.6*1 + 0.4*0 + 2*1 + 4/3*0) / 4 = 3.6 / 4 = 0.9
  EXPECT_NEAR(Value(*r, OpeEstimator::kIps), 0.9, 1e-12);
  // SNIPS = 3.6 / (1.6 + 0.4 + 2 + 4/3) = 3.6 / (16/3) = 0.675
  EXPECT_NEAR(Value(*r, OpeEstimator::kSnips), 0.675, 1e-12);
  // DM per record: 0.8*0.6 + 0.2*0.3 = 0.54, again 0.54, 0.5*0.4 + 0.5*0.5 = 0.45,
  // 1*0.2 + 0*0.1 = 0.2; mean = 1.73 / 4 = 0.4325
  EXPECT_NEAR(Value(*r, OpeEstimator::kDm), 0.4325, 1e-12);
  // DR per record: 0.54 + 1.6*(1-0.6) = 1.18; 0.54 + 0.4*(0-0.3) = 0.42;
  // 0.45 + 2*(1-0.5) = 1.45; 0.2 + 4/3*(0-0.2) = -0.0666...; mean = 2.98333.../4
  EXPECT_NEAR(Value(*r, OpeEstimator::kDr), (1.18 + 0.42 + 1.45 - 0.2 / 3) / 4, 1e-12);
  EXPECT_NEAR(Value(*r, OpeEstimator::kDr), 0.74583333333, 1e-9);
  // Diagnostics: sum 16/3, largest 2 (record 2), ESS = (16/3)^2 / (2.56 + 0.16 + 4 + 16/9).
  EXPECT_NEAR(r->weight_sum, 16.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(r->weight_max, 2.0);
  EXPECT_EQ(r->weight_max_record, 2u);
  EXPECT_NEAR(r->effective_sample_size, (256.0 / 9) / (6.72 + 16.0 / 9), 1e-12);
  EXPECT_NEAR(r->effective_sample_size, 3.34728, 1e-5);
  EXPECT_DOUBLE_EQ(r->on_policy_value, 0.5);
  EXPECT_EQ(r->records, 4u);
  // Without a bootstrap the interval is the point.
  const OpeEstimate* ips = Find(*r, OpeEstimator::kIps);
  ASSERT_NE(ips, nullptr);
  EXPECT_EQ(ips->lower, ips->value);
  EXPECT_EQ(ips->upper, ips->value);
  EXPECT_EQ(ips->standard_error, 0.0);
  EXPECT_EQ(ips->records_used, 4u);
  // Record 2 carries 2 / (16/3) = 37.5% of the weight: far over the default 5%.
  EXPECT_TRUE(AnyWarningHas(*r, "record 2: propensity 0.25 gives weight 2 (37.5%")) << Warnings(*r);
}

TEST(OffPolicyTest, ReplayWithDeterministicTargetKeepsMatchingRecords) {
  // The target always picks candidate 0: records 0 and 3 logged it, rewards 1 and 0.
  OpeTarget target;
  target.probability = {1, 0, 1, 0, 1, 0, 1, 0};
  OpeOptions options = NoBootstrap();
  options.estimators = {OpeEstimator::kReplay, OpeEstimator::kIps};
  Result<OpeReport> r = EvaluateOffPolicy(TinyLog(), target, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const OpeEstimate* replay = Find(*r, OpeEstimator::kReplay);
  ASSERT_NE(replay, nullptr);
  // Kept records weighted by 1/propensity: (2 * 1 + 4/3 * 0) / (2 + 4/3) = 0.6.
  EXPECT_DOUBLE_EQ(replay->value, 0.6);
  EXPECT_EQ(replay->records_used, 2u);
  // IPS: weights 1/0.5 = 2 (reward 1) and 1/0.75 (reward 0): 2 / 4 = 0.5.
  EXPECT_DOUBLE_EQ(Value(*r, OpeEstimator::kIps), 0.5);
  EXPECT_EQ(Find(*r, OpeEstimator::kIps)->records_used, 4u);
  // Records 0 and 1 are uniform (0.5 of 2); record 2 is the first that is not.
  EXPECT_TRUE(AnyWarningHas(*r, "replay is unbiased only on a uniformly logged log, and record 2 "
                                "has propensity 0.25 among 2 candidates"))
      << Warnings(*r);
}

TEST(OffPolicyTest, ReplayWithNoMatchingRecordIsZeroWithAWarning) {
  LoggedBanditData log = SameCandidates(3, 2);  // every record logged candidate 0
  log.reward = {1, 1, 1};
  OpeTarget target;
  target.probability = {0, 1, 0, 1, 0, 1};
  OpeOptions options;
  options.estimators = {OpeEstimator::kReplay, OpeEstimator::kSnips};
  options.bootstrap = 20;
  Result<OpeReport> r = EvaluateOffPolicy(log, target, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Value(*r, OpeEstimator::kReplay), 0.0);
  EXPECT_EQ(Find(*r, OpeEstimator::kReplay)->records_used, 0u);
  EXPECT_EQ(Value(*r, OpeEstimator::kSnips), 0.0);
  EXPECT_TRUE(AnyWarningHas(*r, "replay kept no records")) << Warnings(*r);
  EXPECT_TRUE(AnyWarningHas(*r, "probability 0 to every logged action")) << Warnings(*r);
  for (const OpeEstimate& e : r->estimates) {
    EXPECT_FALSE(std::isnan(e.lower) || std::isnan(e.upper) || std::isnan(e.standard_error));
  }
}

TEST(OffPolicyTest, ReplayDrawsFollowTheTarget) {
  // Target (0.3, 0.7), every record logged candidate 1: about 70% are kept.
  const size_t n = 10000;
  LoggedBanditData log = SameCandidates(n, 2);
  log.action.assign(n, 1);
  OpeTarget target;
  for (size_t i = 0; i < n; ++i) target.probability.insert(target.probability.end(), {0.3, 0.7});
  OpeOptions options = NoBootstrap();
  options.estimators = {OpeEstimator::kReplay};
  Result<OpeReport> r = EvaluateOffPolicy(log, target, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Binomial(10000, 0.7): sd 46; allow 4 sd.
  EXPECT_NEAR(static_cast<double>(Find(*r, OpeEstimator::kReplay)->records_used), 7000.0, 184.0);
  // A different seed draws differently.
  options.seed = 2;
  Result<OpeReport> other = EvaluateOffPolicy(log, target, options);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(Find(*other, OpeEstimator::kReplay)->records_used,
            Find(*r, OpeEstimator::kReplay)->records_used);
}

// A log drawn from a non-uniform behaviour policy, 3 candidates a record.
struct BehaviourLog {
  LoggedBanditData log;
  std::vector<double> behaviour;  // per candidate
};

BehaviourLog DrawBehaviourLog(size_t n, uint64_t seed) {
  BehaviourLog b{SameCandidates(n, 3), {}};
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    double p[3] = {0.2 + rng.Uniform(), 0.2 + rng.Uniform(), 0.2 + rng.Uniform()};
    const double sum = p[0] + p[1] + p[2];
    for (double& v : p) v /= sum;
    const double u = rng.Uniform();
    const uint32_t a = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
    b.log.action[i] = a;
    b.log.propensity[i] = p[a];
    b.log.reward[i] = rng.Bernoulli(0.2 + 0.2 * a) ? 1.0 : 0.0;
    b.behaviour.insert(b.behaviour.end(), p, p + 3);
  }
  return b;
}

TEST(OffPolicyTest, TargetEqualToBehaviourGivesUnitWeights) {
  BehaviourLog b = DrawBehaviourLog(500, 7);
  OpeTarget target;
  target.probability = b.behaviour;
  OpeOptions options = NoBootstrap();
  options.estimators = {OpeEstimator::kIps, OpeEstimator::kSnips};
  Result<OpeReport> r = EvaluateOffPolicy(b.log, target, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(r->weight_max, 1.0);
  EXPECT_NEAR(r->weight_sum, 500.0, 1e-9);
  EXPECT_NEAR(r->effective_sample_size, 500.0, 1e-9);
  EXPECT_NEAR(Value(*r, OpeEstimator::kIps), r->on_policy_value, 1e-12);
  EXPECT_NEAR(Value(*r, OpeEstimator::kSnips), r->on_policy_value, 1e-12);
  EXPECT_GT(r->on_policy_value, 0.1);  // the check means something
  EXPECT_TRUE(r->warnings.empty()) << Warnings(*r);
}

TEST(OffPolicyTest, DrWithZeroModelEqualsIps) {
  BehaviourLog b = DrawBehaviourLog(400, 8);
  OpeTarget target;
  for (size_t i = 0; i < 400; ++i) target.probability.insert(target.probability.end(), {0.1, 0.3, 0.6});
  target.predicted.assign(target.probability.size(), 0.0);
  OpeOptions options;
  options.bootstrap = 50;
  Result<OpeReport> r = EvaluateOffPolicy(b.log, target, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const OpeEstimate* ips = Find(*r, OpeEstimator::kIps);
  const OpeEstimate* dr = Find(*r, OpeEstimator::kDr);
  EXPECT_NEAR(dr->value, ips->value, 1e-12);
  // Same resamples, same per-record terms: the intervals agree too.
  EXPECT_NEAR(dr->lower, ips->lower, 1e-12);
  EXPECT_NEAR(dr->upper, ips->upper, 1e-12);
  EXPECT_EQ(Value(*r, OpeEstimator::kDm), 0.0);
}

// The synthetic contextual problem: C contexts (uniform), K actions, click
// probability mu(x, a). Candidate ids encode (x, a) as x * K + a, so the
// tabular reward model is a per-(context, action) model.
constexpr uint32_t kContexts = 10, kActions = 4;

double Mu(uint32_t x, uint32_t a) { return 0.05 + 0.9 * ((x * 3 + a * 5) % 7) / 6.0; }
uint32_t TargetAction(uint32_t x) { return (x * 7 + 1) % kActions; }

double TrueTargetValue() {
  double sum = 0.0;
  for (uint32_t x = 0; x < kContexts; ++x) sum += Mu(x, TargetAction(x));
  return sum / kContexts;
}

struct SyntheticLog {
  LoggedBanditData log;
  std::vector<uint32_t> context;
};

// Uniform logging: every action with probability 1/K.
SyntheticLog DrawUniformLog(size_t n, uint64_t seed) {
  SyntheticLog s;
  s.log.source = "synthetic";
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t x = rng.Below(kContexts);
    const uint32_t a = rng.Below(kActions);
    for (uint32_t c = 0; c < kActions; ++c) s.log.candidate_ids.push_back(x * kActions + c);
    s.log.offsets.push_back(s.log.candidate_ids.size());
    s.log.action.push_back(a);
    s.log.position.push_back(0);
    s.log.propensity.push_back(1.0 / kActions);
    s.log.reward.push_back(rng.Bernoulli(Mu(x, a)) ? 1.0 : 0.0);
    s.context.push_back(x);
  }
  return s;
}

std::vector<double> DeterministicTarget(const SyntheticLog& s) {
  std::vector<double> p;
  for (uint32_t x : s.context) {
    for (uint32_t a = 0; a < kActions; ++a) p.push_back(a == TargetAction(x) ? 1.0 : 0.0);
  }
  return p;
}

TEST(OffPolicyTest, DmWithTheTrueModelIsTheTrueValueOnTheLoggedContexts) {
  SyntheticLog s = DrawUniformLog(3000, 3);
  OpeTarget target;
  target.probability = DeterministicTarget(s);
  double truth = 0.0;
  for (size_t i = 0; i < s.context.size(); ++i) {
    const uint32_t x = s.context[i];
    for (uint32_t a = 0; a < kActions; ++a) target.predicted.push_back(Mu(x, a));
    truth += Mu(x, TargetAction(x));
  }
  truth /= s.context.size();
  Result<OpeReport> r = EvaluateOffPolicy(s.log, target, NoBootstrap());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NEAR(Value(*r, OpeEstimator::kDm), truth, 1e-12);
  EXPECT_NEAR(truth, TrueTargetValue(), 0.03);  // and the contexts are representative
}

// Uniform logging, a deterministic target, known truth: over repeated logs
// the estimators are centred on the truth, their 95% intervals cover it about
// 95% of the time, and DR (cross-fitted tabular model) beats IPS on error.
TEST(OffPolicyTest, SimulatedIpsAndDrAreUnbiasedAndDrHasLowerError) {
  const double truth = TrueTargetValue();
  const int runs = 40;
  const OpeEstimator checked[] = {OpeEstimator::kIps, OpeEstimator::kSnips, OpeEstimator::kDr,
                                  OpeEstimator::kReplay};
  std::vector<double> sum(5, 0.0), squared_error(5, 0.0);
  std::vector<int> covered(5, 0);
  for (int run = 0; run < runs; ++run) {
    SyntheticLog s = DrawUniformLog(2000, 100 + run);
    OpeTarget target;
    target.probability = DeterministicTarget(s);
    Result<std::vector<double>> q = PredictTabular(s.log, 5, 10.0);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    target.predicted = *q;
    OpeOptions options;
    options.seed = run;
    Result<OpeReport> r = EvaluateOffPolicy(s.log, target, options);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->warnings.empty()) << Warnings(*r);  // a uniform log: replay is fine
    for (OpeEstimator e : checked) {
      const OpeEstimate* est = Find(*r, e);
      const size_t k = static_cast<size_t>(e);
      sum[k] += est->value;
      squared_error[k] += (est->value - truth) * (est->value - truth);
      covered[k] += est->lower <= truth && truth <= est->upper;
    }
  }
  for (OpeEstimator e : checked) {
    const size_t k = static_cast<size_t>(e);
    const double rmse = std::sqrt(squared_error[k] / runs);
    // Centred: the mean of 40 runs is within 3 of its standard errors of the truth.
    EXPECT_NEAR(sum[k] / runs, truth, 3.0 * rmse / std::sqrt(runs)) << OpeEstimatorName(e);
    // Nominal 95% coverage; 40 runs at 95% fall below 32 with probability < 1e-3.
    EXPECT_GE(covered[k], 32) << OpeEstimatorName(e);
  }
  const double ips_rmse = std::sqrt(squared_error[static_cast<size_t>(OpeEstimator::kIps)] / runs);
  const double dr_rmse = std::sqrt(squared_error[static_cast<size_t>(OpeEstimator::kDr)] / runs);
  EXPECT_LT(dr_rmse, 0.8 * ips_rmse) << "dr " << dr_rmse << " ips " << ips_rmse;
}

TEST(OffPolicyTest, BootstrapIsDeterministicAndMatchesTheAnalyticError) {
  SyntheticLog s = DrawUniformLog(3000, 11);
  OpeTarget target;
  target.probability = DeterministicTarget(s);
  OpeOptions options;
  options.estimators = {OpeEstimator::kIps};
  options.bootstrap = 400;
  options.seed = 5;
  Result<OpeReport> a = EvaluateOffPolicy(s.log, target, options);
  Result<OpeReport> b = EvaluateOffPolicy(s.log, target, options);
  options.seed = 6;
  Result<OpeReport> c = EvaluateOffPolicy(s.log, target, options);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  const OpeEstimate& ea = a->estimates[0];
  const OpeEstimate& eb = b->estimates[0];
  const OpeEstimate& ec = c->estimates[0];
  EXPECT_EQ(ea.lower, eb.lower);
  EXPECT_EQ(ea.upper, eb.upper);
  EXPECT_EQ(ea.standard_error, eb.standard_error);
  EXPECT_TRUE(ea.lower != ec.lower || ea.upper != ec.upper);
  EXPECT_EQ(ea.value, ec.value);  // the point estimate does not depend on the seed
  EXPECT_LT(ea.lower, ea.value);
  EXPECT_GT(ea.upper, ea.value);
  // Analytic standard error of a mean of w_i r_i: sd / sqrt(n).
  double mean = 0.0, squares = 0.0;
  const size_t n = s.log.size();
  std::vector<double> terms(n);
  for (size_t i = 0; i < n; ++i) {
    const double w = target.probability[s.log.offsets[i] + s.log.action[i]] / s.log.propensity[i];
    terms[i] = w * s.log.reward[i];
    mean += terms[i] / n;
  }
  for (double t : terms) squares += (t - mean) * (t - mean);
  const double analytic = std::sqrt(squares / (n - 1)) / std::sqrt(static_cast<double>(n));
  EXPECT_NEAR(ea.standard_error, analytic, 0.15 * analytic);
  // A 95% interval is about +-1.96 standard errors wide.
  EXPECT_NEAR(ea.upper - ea.lower, 2 * 1.96 * analytic, 0.25 * 2 * 1.96 * analytic);
}

Status ErrorOf(const LoggedBanditData& log, const OpeTarget& target,
               const OpeOptions& options = OpeOptions()) {
  Result<OpeReport> r = EvaluateOffPolicy(log, target, options);
  return r.ok() ? Status::OK() : r.status();
}

TEST(OffPolicyTest, BadPropensitiesAreRefusedNamingTheRecord) {
  for (double bad : {0.0, -0.5, std::numeric_limits<double>::quiet_NaN(), 1.5,
                     std::numeric_limits<double>::infinity()}) {
    LoggedBanditData log = TinyLog();
    log.propensity[2] = bad;
    Status s = ErrorOf(log, TinyTarget());
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("record 2"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("propensity"), std::string::npos) << s.message();
    EXPECT_FALSE(log.Validate().ok());
  }
  LoggedBanditData log = TinyLog();
  log.propensity.pop_back();  // missing
  Status s = ErrorOf(log, TinyTarget());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("propensity"), std::string::npos) << s.message();
}

TEST(OffPolicyTest, ValidateChecksShapeActionsAndRewards) {
  EXPECT_TRUE(TinyLog().Validate().ok());
  LoggedBanditData log = TinyLog();
  log.action[1] = 2;
  Status s = log.Validate();
  EXPECT_NE(s.message().find("record 1: action 2 is not among its 2 candidates"), std::string::npos)
      << s.message();
  log = TinyLog();
  log.reward[3] = std::numeric_limits<double>::infinity();
  EXPECT_NE(log.Validate().message().find("record 3: reward"), std::string::npos);
  log = TinyLog();
  log.offsets[2] = log.offsets[1];
  EXPECT_NE(log.Validate().message().find("record 1: has no candidates"), std::string::npos)
      << log.Validate().message();
  log = TinyLog();
  log.candidate_ids.pop_back();
  EXPECT_NE(log.Validate().message().find("offsets must run from 0 to the 7 candidates"),
            std::string::npos)
      << log.Validate().message();
  log = TinyLog();
  log.context_dim = 2;
  EXPECT_FALSE(log.Validate().ok());
  log.contexts.assign(8, 0.0f);
  EXPECT_TRUE(log.Validate().ok());
  log.member = {1, 2};
  EXPECT_NE(log.Validate().message().find("member has 2 entries for 4 records"), std::string::npos);
  EXPECT_EQ(ErrorOf(SameCandidates(0, 2), OpeTarget()).code(), Status::Code::kInvalidArgument);
}

TEST(OffPolicyTest, TinyPropensitySurvivesWithDominantWeightWarning) {
  // 1000 records, uniform over 2 candidates, except record 17 logged with
  // propensity 1e-6: its weight is 0.5 / 1e-6 = 500000 against 999 elsewhere.
  LoggedBanditData log = SameCandidates(1000, 2);
  log.propensity.assign(1000, 0.5);
  log.propensity[17] = 1e-6;
  for (size_t i = 0; i < 1000; i += 10) log.reward[i] = 1.0;
  OpeTarget target;
  target.probability.assign(2000, 0.5);
  OpeOptions options;
  options.estimators = {OpeEstimator::kIps, OpeEstimator::kSnips};
  options.bootstrap = 20;
  Result<OpeReport> r = EvaluateOffPolicy(log, target, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->weight_max_record, 17u);
  EXPECT_NEAR(r->weight_max, 5e5, 1e-6);
  EXPECT_LT(r->effective_sample_size, 1.01);
  EXPECT_TRUE(AnyWarningHas(*r, "record 17: propensity 1e-06 gives weight 500000")) << Warnings(*r);
  EXPECT_TRUE(AnyWarningHas(*r, "IPS and DR are dominated by this one record")) << Warnings(*r);
  EXPECT_TRUE(AnyWarningHas(*r, "effective sample size 1")) << Warnings(*r);
  for (const OpeEstimate& e : r->estimates) EXPECT_TRUE(std::isfinite(e.value));
  // Without the tiny propensity there is nothing to warn about.
  log.propensity[17] = 0.5;
  r = EvaluateOffPolicy(log, target, options);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->warnings.empty()) << Warnings(*r);
}

TEST(OffPolicyTest, BadTargetsAreRefusedNamingTheRecord) {
  OpeTarget target = TinyTarget();
  target.probability[2] = 0.7;  // record 1 sums to 0.9
  Status s = ErrorOf(TinyLog(), target);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("record 1: target probabilities sum to 0.9"), std::string::npos)
      << s.message();
  target = TinyTarget();
  target.probability[6] = 1.2;  // record 3: (1.2, -0.2) sums to 1
  target.probability[7] = -0.2;
  s = ErrorOf(TinyLog(), target);
  EXPECT_NE(s.message().find("record 3: target probability 1.2"), std::string::npos) << s.message();
  target = TinyTarget();
  target.probability[0] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(ErrorOf(TinyLog(), target).message().find("record 0"), std::string::npos);
  target = TinyTarget();
  target.probability.pop_back();
  EXPECT_NE(ErrorOf(TinyLog(), target).message().find("7 probabilities for 8 candidates"),
            std::string::npos);
  // Within 1e-6 is accepted.
  target = TinyTarget();
  target.probability[0] += 5e-7;
  EXPECT_TRUE(ErrorOf(TinyLog(), target).ok());
}

TEST(OffPolicyTest, PredictionsAreRequiredForDmAndDrAndMustBeFinite) {
  OpeTarget target = TinyTarget();
  target.predicted.clear();
  Status s = ErrorOf(TinyLog(), target);
  EXPECT_NE(s.message().find("dm and dr need reward predictions"), std::string::npos) << s.message();
  OpeOptions options;
  options.estimators = {OpeEstimator::kIps, OpeEstimator::kReplay};
  EXPECT_TRUE(ErrorOf(TinyLog(), target, options).ok());
  target = TinyTarget();
  target.predicted[5] = std::numeric_limits<double>::infinity();
  s = ErrorOf(TinyLog(), target);
  EXPECT_NE(s.message().find("record 2: predicted reward of candidate 1 is not finite"),
            std::string::npos)
      << s.message();
  options = OpeOptions();
  options.confidence = 1.0;
  EXPECT_EQ(ErrorOf(TinyLog(), TinyTarget(), options).code(), Status::Code::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Boundaries: every estimator returns a finite number with an honest interval
// or says why it has none; nothing NaN or infinite reaches a report.

bool AllFinite(const OpeReport& r) {
  if (!std::isfinite(r.weight_sum) || !std::isfinite(r.weight_max) ||
      !std::isfinite(r.effective_sample_size) || !std::isfinite(r.on_policy_value)) {
    return false;
  }
  for (const OpeEstimate& e : r.estimates) {
    if (!std::isfinite(e.value) || !std::isfinite(e.lower) || !std::isfinite(e.upper) ||
        !std::isfinite(e.standard_error)) {
      return false;
    }
  }
  return true;
}

TEST(OffPolicyBoundaryTest, SubnormalAndTinyPropensitiesAreRefusedNamingTheRecord) {
  for (double tiny : {1e-320, std::numeric_limits<double>::denorm_min(), 1e-300, 1e-13,
                      std::nextafter(kMinPropensity, 0.0)}) {
    LoggedBanditData log = TinyLog();
    log.propensity[2] = tiny;
    Status s = ErrorOf(log, TinyTarget());
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << tiny;
    EXPECT_NE(s.message().find("record 2: propensity"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("below the smallest accepted propensity 1e-12"), std::string::npos)
        << s.message();
  }
  // kMinPropensity itself is accepted, and even a whole log of it keeps
  // every sum finite: weights 1e12, squares 1e24.
  LoggedBanditData log = SameCandidates(1000, 2);
  log.propensity.assign(1000, kMinPropensity);
  for (size_t i = 0; i < 1000; i += 3) log.reward[i] = 1.0;
  OpeTarget target;
  for (size_t i = 0; i < 1000; ++i) target.probability.insert(target.probability.end(), {1.0, 0.0});
  target.predicted.assign(2000, 0.5);
  OpeOptions options;
  options.bootstrap = 50;
  Result<OpeReport> r = EvaluateOffPolicy(log, target, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(AllFinite(*r));
  EXPECT_NEAR(r->weight_sum, 1e15, 1e3);
  EXPECT_NEAR(r->effective_sample_size, 1000.0, 1e-9);
  EXPECT_NEAR(Value(*r, OpeEstimator::kSnips), 334.0 / 1000, 1e-12);
}

TEST(OffPolicyBoundaryTest, RewardsOutsideTheUnitIntervalOrNanAreRefused) {
  for (double bad : {1.5, -0.1, std::numeric_limits<double>::quiet_NaN(),
                     -std::numeric_limits<double>::infinity()}) {
    LoggedBanditData log = TinyLog();
    log.reward[1] = bad;
    Status s = ErrorOf(log, TinyTarget());
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("record 1: reward"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("is not in [0, 1]"), std::string::npos) << s.message();
  }
  LoggedBanditData log = TinyLog();
  log.reward = {0.0, 1.0, 0.25, 1.0};  // the bounds and a watched fraction are fine
  EXPECT_TRUE(log.Validate().ok());
}

TEST(OffPolicyBoundaryTest, AllZeroRewardsGiveZeroIntervalsAndSayWhy) {
  LoggedBanditData log = SameCandidates(200, 2);
  for (size_t i = 0; i < 200; i += 2) log.action[i] = 1;
  OpeTarget target;
  target.probability.assign(400, 0.5);
  Result<std::vector<double>> predicted = PredictTabular(log, 5);
  ASSERT_TRUE(predicted.ok()) << predicted.status().ToString();
  for (double q : *predicted) EXPECT_EQ(q, 0.0);  // the reward model on no reward: 0, finite
  target.predicted = *predicted;
  Result<OpeReport> r = EvaluateOffPolicy(log, target, OpeOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->estimates.size(), 5u);
  for (const OpeEstimate& e : r->estimates) {
    EXPECT_TRUE(e.defined) << OpeEstimatorName(e.estimator);
    EXPECT_TRUE(e.has_interval) << OpeEstimatorName(e.estimator) << ": " << e.reason;
    EXPECT_EQ(e.value, 0.0);
    EXPECT_EQ(e.lower, 0.0);
    EXPECT_EQ(e.upper, 0.0);
    EXPECT_EQ(e.standard_error, 0.0);
  }
  EXPECT_TRUE(AnyWarningHas(*r, "every logged reward is 0")) << Warnings(*r);
  EXPECT_TRUE(AnyWarningHas(*r, "not that the value is certainly 0")) << Warnings(*r);
}

TEST(OffPolicyBoundaryTest, ASingleRecordHasNoIntervalAndSaysSo) {
  LoggedBanditData log = SameCandidates(1, 2);
  log.reward = {1.0};
  OpeTarget target;
  target.probability = {0.5, 0.5};
  target.predicted = {0.5, 0.5};
  Result<OpeReport> r = EvaluateOffPolicy(log, target, OpeOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(AllFinite(*r));
  for (const OpeEstimate& e : r->estimates) {
    EXPECT_FALSE(e.has_interval) << OpeEstimatorName(e.estimator);
    if (!e.defined) continue;  // replay may not keep the record
    EXPECT_EQ(e.lower, e.value);
    EXPECT_EQ(e.upper, e.value);
    EXPECT_EQ(e.standard_error, 0.0);
    EXPECT_NE(e.reason.find("a single record"), std::string::npos) << e.reason;
  }
  EXPECT_DOUBLE_EQ(Value(*r, OpeEstimator::kIps), 1.0);
}

TEST(OffPolicyBoundaryTest, TooFewResamplesGiveNoInterval) {
  EXPECT_EQ(MinBootstrapResamples(0.95), 40u);
  EXPECT_EQ(MinBootstrapResamples(0.9), 20u);
  EXPECT_EQ(MinBootstrapResamples(0.99), 200u);
  EXPECT_EQ(MinBootstrapResamples(1.0), 0u);
  LoggedBanditData log = TinyLog();
  OpeOptions options;
  options.bootstrap = 39;
  Result<OpeReport> r = EvaluateOffPolicy(log, TinyTarget(), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const OpeEstimate* ips = Find(*r, OpeEstimator::kIps);
  ASSERT_NE(ips, nullptr);
  EXPECT_FALSE(ips->has_interval);
  EXPECT_NE(ips->reason.find("39 of 39 resamples give a value; a 95% percentile interval needs at "
                             "least 40"),
            std::string::npos)
      << ips->reason;
  options.bootstrap = 40;
  r = EvaluateOffPolicy(log, TinyTarget(), options);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(Find(*r, OpeEstimator::kIps)->has_interval);
  EXPECT_LE(Find(*r, OpeEstimator::kIps)->lower, Find(*r, OpeEstimator::kIps)->upper);
  // No bootstrap at all: no interval, and the reason says none was asked.
  r = EvaluateOffPolicy(log, TinyTarget(), NoBootstrap());
  ASSERT_TRUE(r.ok());
  EXPECT_NE(Find(*r, OpeEstimator::kDr)->reason.find("no bootstrap resamples"), std::string::npos);
}

TEST(OffPolicyBoundaryTest, AllWeightsZeroLeaveSnipsUndefinedAndTheEffectiveSizeZero) {
  LoggedBanditData log = SameCandidates(50, 2);  // every record logged candidate 0
  for (size_t i = 0; i < 50; i += 2) log.reward[i] = 1.0;
  OpeTarget target;
  for (size_t i = 0; i < 50; ++i) target.probability.insert(target.probability.end(), {0.0, 1.0});
  target.predicted.assign(100, 0.5);
  Result<OpeReport> r = EvaluateOffPolicy(log, target, OpeOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(AllFinite(*r));
  EXPECT_EQ(r->weight_sum, 0.0);
  EXPECT_EQ(r->effective_sample_size, 0.0);
  const OpeEstimate* snips = Find(*r, OpeEstimator::kSnips);
  ASSERT_NE(snips, nullptr);
  EXPECT_FALSE(snips->defined);
  EXPECT_FALSE(snips->has_interval);
  EXPECT_NE(snips->reason.find("nothing to normalise by"), std::string::npos) << snips->reason;
  EXPECT_FALSE(Find(*r, OpeEstimator::kReplay)->defined);
  EXPECT_NE(Find(*r, OpeEstimator::kReplay)->reason.find("replay kept no record"), std::string::npos);
  // IPS is 0 by construction and DM / DR rest on the model: all defined.
  EXPECT_TRUE(Find(*r, OpeEstimator::kIps)->defined);
  EXPECT_EQ(Value(*r, OpeEstimator::kIps), 0.0);
  EXPECT_DOUBLE_EQ(Value(*r, OpeEstimator::kDm), 0.5);
  EXPECT_TRUE(AnyWarningHas(*r, "SNIPS is undefined")) << Warnings(*r);
}

TEST(OffPolicyBoundaryTest, ResamplesWhereSnipsIsUndefinedAreLeftOutOfItsInterval) {
  // One record of 50 has weight; a resample misses it with probability
  // (49/50)^50 = 36%, and then SNIPS has no value there.
  LoggedBanditData log = SameCandidates(50, 2);
  log.reward[7] = 1.0;
  OpeTarget target;
  for (size_t i = 0; i < 50; ++i) {
    target.probability.insert(target.probability.end(), {i == 7 ? 1.0 : 0.0, i == 7 ? 0.0 : 1.0});
  }
  OpeOptions options;
  options.estimators = {OpeEstimator::kSnips, OpeEstimator::kIps};
  Result<OpeReport> r = EvaluateOffPolicy(log, target, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const OpeEstimate* snips = Find(*r, OpeEstimator::kSnips);
  EXPECT_TRUE(snips->defined);
  EXPECT_DOUBLE_EQ(snips->value, 1.0);
  EXPECT_TRUE(snips->has_interval) << snips->reason;
  EXPECT_EQ(snips->lower, 1.0);  // every resample with the record reads 1; none reads 0
  EXPECT_TRUE(AnyWarningHas(*r, "snips: ")) << Warnings(*r);
  EXPECT_TRUE(AnyWarningHas(*r, "bootstrap resamples had no value")) << Warnings(*r);
  EXPECT_TRUE(AllFinite(*r));
}

TEST(OffPolicyBoundaryTest, EffectiveSampleSizeIsScaleFree) {
  // Weights of 2e-320 (subnormal target probabilities): their squares
  // underflow to 0, yet the weights are all equal, so the size is n.
  LoggedBanditData log = SameCandidates(100, 2);
  log.propensity.assign(100, 0.5);
  for (size_t i = 0; i < 100; i += 4) log.reward[i] = 1.0;
  OpeTarget target;
  for (size_t i = 0; i < 100; ++i) target.probability.insert(target.probability.end(), {1e-320, 1.0});
  Result<OpeReport> r = EvaluateOffPolicy(log, target, OpeOptions{.estimators = {OpeEstimator::kSnips}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->weight_sum, 0.0);
  EXPECT_NEAR(r->effective_sample_size, 100.0, 1e-9);
  EXPECT_NEAR(Value(*r, OpeEstimator::kSnips), 0.25, 1e-12);  // exact despite subnormal weights
  EXPECT_TRUE(AllFinite(*r));
}

TEST(OffPolicyBoundaryTest, NonFiniteTermsAreRefusedNamingTheRecordOrTheEstimator) {
  // A finite prediction so large that DR's term overflows on record 2:
  // 0.5 q + 2 (1 - q) with q = 1.7e308 is below -1.8e308.
  LoggedBanditData log = TinyLog();
  OpeTarget target = TinyTarget();
  target.predicted[5] = 1.7e308;
  Status s = ErrorOf(log, target);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("record 2: weight"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("not all finite"), std::string::npos) << s.message();
  // Every record's term finite, their sum not: the report check names DM.
  LoggedBanditData one = SameCandidates(4, 1);
  one.propensity.assign(4, 1.0);
  OpeTarget sure;
  sure.probability.assign(4, 1.0);
  sure.predicted.assign(4, 1e308);
  OpeOptions options = NoBootstrap();
  options.estimators = {OpeEstimator::kDm};
  s = ErrorOf(one, sure, options);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("estimator dm value is inf"), std::string::npos) << s.message();
}

TEST(OffPolicyBoundaryTest, JsonWriterRefusesNanAndInfinityNamingTheEstimator) {
  Result<OpeReport> r = EvaluateOffPolicy(TinyLog(), TinyTarget(), OpeOptions());
  ASSERT_TRUE(r.ok());
  Result<std::string> json = OpeReportJson(*r, {.target = "tiny", .notes = {}, .true_value = 0.5});
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(json->find("null"), std::string::npos) << *json;
  EXPECT_NE(json->find("\"lower\""), std::string::npos);

  OpeReport bad = *r;
  bad.estimates[1].value = std::numeric_limits<double>::quiet_NaN();  // snips
  Result<std::string> refused = OpeReportJson(bad, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("estimator snips value is nan"), std::string::npos)
      << refused.status().message();
  bad = *r;
  bad.estimates[3].upper = std::numeric_limits<double>::infinity();  // dr
  refused = OpeReportJson(bad, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("estimator dr upper bound is inf"), std::string::npos)
      << refused.status().message();
  bad = *r;
  bad.effective_sample_size = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(OpeReportJson(bad, {}).ok());
  EXPECT_FALSE(OpeReportJson(*r, {.true_value = std::numeric_limits<double>::infinity()}).ok());

  // Undefined estimates and missing intervals are written as such, not as
  // null or a made-up number.
  LoggedBanditData log = SameCandidates(3, 2);
  OpeTarget never;
  never.probability = {0, 1, 0, 1, 0, 1};
  OpeOptions options;
  options.estimators = {OpeEstimator::kSnips, OpeEstimator::kIps};
  options.bootstrap = 10;
  r = EvaluateOffPolicy(log, never, options);
  ASSERT_TRUE(r.ok());
  json = OpeReportJson(*r, {});
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(json->find("null"), std::string::npos) << *json;
  EXPECT_NE(json->find("\"defined\": false"), std::string::npos) << *json;
  EXPECT_NE(json->find("\"no_interval\""), std::string::npos) << *json;
}

TEST(OffPolicyTest, EstimatorNamesParseAndRoundTrip) {
  Result<std::vector<OpeEstimator>> all = ParseOpeEstimators("ips,snips,dm,dr,replay");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  std::string joined;
  for (OpeEstimator e : *all) joined += std::string(OpeEstimatorName(e)) + ";";
  EXPECT_EQ(joined, "ips;snips;dm;dr;replay;");
  Result<std::vector<OpeEstimator>> some = ParseOpeEstimators(" dr , ips,dr");
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(*some, (std::vector<OpeEstimator>{OpeEstimator::kDr, OpeEstimator::kIps}));
  Result<std::vector<OpeEstimator>> bad = ParseOpeEstimators("ips,switch");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("\"switch\""), std::string::npos)
      << bad.status().message();
  EXPECT_FALSE(ParseOpeEstimators("").ok());
  EXPECT_FALSE(ParseOpeEstimators("ips,,dr").ok());
}

}  // namespace
}  // namespace marquee
