// Off-policy evaluation on the Open Bandit Dataset (the 10,000-record sample
// of each campaign). Each campaign was logged twice, by a uniform random
// policy and by Bernoulli Thompson sampling, so each policy's value can be
// estimated from the other's log and checked against its own click rate.
// The tables printed here are the numbers quoted in reports.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "marquee/bandit/bts_simulation.h"
#include "marquee/io/obd_log.h"
#include "marquee/bandit/off_policy.h"
#include "marquee/bandit/tabular_reward_model.h"
#include "marquee/util/file.h"

namespace marquee {
namespace {

const std::string kObdDir = std::string(MARQUEE_SHARED_DATA_DIR) + "/obd";
constexpr uint32_t kPositions = 3;
constexpr uint32_t kFolds = 5;
constexpr double kPriorStrength = 10.0;
constexpr uint32_t kBtsSamples = 100000;

struct CampaignCase {
  const char* name;
  uint32_t items;
  // The record of the bts log logged with propensity 1e-6, if any.
  int64_t tiny_propensity_record;
};

void PrintTo(const CampaignCase& c, std::ostream* os) { *os << c.name; }

struct Campaign {
  LoggedBanditData bts, random;
  BtsPriors priors;
};

Result<Campaign> LoadCampaign(const std::string& name) {
  Campaign c;
  MARQUEE_ASSIGN_OR_RETURN(c.bts, ReadObdLog(kObdDir + "/bts/" + name + "/" + name + ".csv"));
  MARQUEE_ASSIGN_OR_RETURN(c.random, ReadObdLog(kObdDir + "/random/" + name + "/" + name + ".csv"));
  MARQUEE_ASSIGN_OR_RETURN(c.priors, ReadBtsPriors(kObdDir + "/prior_bts.yaml", name));
  return c;
}

double MeanReward(const LoggedBanditData& log) {
  double sum = 0.0;
  for (double r : log.reward) sum += r;
  return sum / static_cast<double>(log.size());
}

// 1/K for every item at every position.
OpeTarget UniformTarget(const LoggedBanditData& log) {
  OpeTarget target;
  target.probability.assign(log.candidate_ids.size(), 1.0 / log.candidate_count(0));
  return target;
}

// The BTS policy's probability of each item at the record's position.
OpeTarget BtsTarget(const LoggedBanditData& log, const std::vector<double>& distribution) {
  OpeTarget target;
  target.probability.resize(log.candidate_ids.size());
  for (size_t i = 0; i < log.size(); ++i) {
    for (uint64_t c = log.offsets[i]; c < log.offsets[i + 1]; ++c) {
      target.probability[c] = distribution[log.candidate_ids[c] * kPositions + log.position[i]];
    }
  }
  return target;
}

Result<OpeReport> Evaluate(const LoggedBanditData& log, OpeTarget target) {
  MARQUEE_ASSIGN_OR_RETURN(target.predicted, PredictTabular(log, kFolds, kPriorStrength));
  OpeOptions options;
  options.bootstrap = 500;
  return EvaluateOffPolicy(log, target, options);
}

const OpeEstimate& Get(const OpeReport& report, OpeEstimator e) {
  for (const OpeEstimate& estimate : report.estimates) {
    if (estimate.estimator == e) return estimate;
  }
  ADD_FAILURE() << "no " << OpeEstimatorName(e) << " estimate";
  return report.estimates.front();
}

bool AnyWarningHas(const OpeReport& report, const std::string& text) {
  for (const std::string& w : report.warnings) {
    if (w.find(text) != std::string::npos) return true;
  }
  return false;
}

void PrintTable(const std::string& title, const OpeReport& r, double reference) {
  char line[256];
  std::cout << "\n" << title << "\n";
  std::snprintf(line, sizeof(line),
                "  log %s: %llu records, logged click rate %.5f; reference (on-policy) %.5f\n",
                r.source.c_str(), static_cast<unsigned long long>(r.records), r.on_policy_value,
                reference);
  std::cout << line;
  std::snprintf(line, sizeof(line),
                "  weight sum %.1f, max weight %.1f (record %llu), ESS %.1f (%.2f%% of n)\n",
                r.weight_sum, r.weight_max, static_cast<unsigned long long>(r.weight_max_record),
                r.effective_sample_size, 100.0 * r.effective_sample_size / r.records);
  std::cout << line;
  std::cout << "  estimator  estimate  95% CI                 rel.err   std.err   records\n";
  for (const OpeEstimate& e : r.estimates) {
    std::snprintf(line, sizeof(line), "  %-9s %8.5f  [%8.5f, %8.5f]  %+7.1f%%  %8.5f  %7llu\n",
                  std::string(OpeEstimatorName(e.estimator)).c_str(), e.value, e.lower, e.upper,
                  100.0 * (e.value / reference - 1.0), e.standard_error,
                  static_cast<unsigned long long>(e.records_used));
    std::cout << line;
  }
  for (const std::string& w : r.warnings) std::cout << "  warning: " << w << "\n";
}

class ObdOpeTest : public ::testing::TestWithParam<CampaignCase> {
 protected:
  void SetUp() override {
    if (!IsDirectory(kObdDir)) GTEST_SKIP() << kObdDir << " not present";
    Result<Campaign> c = LoadCampaign(GetParam().name);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    campaign_ = std::move(*c);
    ASSERT_EQ(campaign_.bts.size(), 10000u);
    ASSERT_EQ(campaign_.random.size(), 10000u);
    ASSERT_EQ(campaign_.bts.candidate_count(0), GetParam().items);  // from item_context.csv
    ASSERT_EQ(campaign_.priors.alpha.size(), GetParam().items);
  }

  Campaign campaign_;
};

// (a) The random policy's value from the bts log, against the random log's
// click rate.
TEST_P(ObdOpeTest, RandomPolicyFromTheBtsLog) {
  const CampaignCase& param = GetParam();
  const double reference = MeanReward(campaign_.random);
  Result<OpeReport> r = Evaluate(campaign_.bts, UniformTarget(campaign_.bts));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  PrintTable(std::string(param.name) + " (a): uniform random policy estimated from the bts log",
             *r, reference);
  for (const OpeEstimate& e : r->estimates) {
    EXPECT_TRUE(std::isfinite(e.value) && std::isfinite(e.lower) && std::isfinite(e.upper));
  }
  // IPS is unbiased when the logged propensities are right; on 10,000
  // records with a 0.5% click rate it lands within a factor 2.
  const double ips = Get(*r, OpeEstimator::kIps).value;
  EXPECT_GT(ips, reference / 2);
  EXPECT_LT(ips, reference * 2);
  // Replay assumes a uniform log, which this is not.
  EXPECT_TRUE(AnyWarningHas(*r, "replay is unbiased only on a uniformly logged log"));
  const double n = static_cast<double>(r->records);
  if (param.tiny_propensity_record >= 0) {
    // The 1e-6 propensity: weight (1/K) / 1e-6, most of the total weight.
    const size_t record = static_cast<size_t>(param.tiny_propensity_record);
    EXPECT_EQ(campaign_.bts.propensity[record], 1e-6);
    EXPECT_EQ(r->weight_max_record, record);
    EXPECT_NEAR(r->weight_max, 1.0 / param.items / 1e-6, 1e-6);
    EXPECT_GT(r->weight_max, 0.5 * r->weight_sum);
    EXPECT_TRUE(AnyWarningHas(*r, "record " + std::to_string(record) +
                                      ": propensity 1e-06 gives weight 21739.1"));
    EXPECT_TRUE(AnyWarningHas(*r, "effective sample size"));
    EXPECT_LT(r->effective_sample_size, 0.01 * n);
  } else {
    // No record dominates: the diagnostics stay quiet about weights.
    EXPECT_FALSE(AnyWarningHas(*r, "IPS and DR are dominated"));
    EXPECT_GT(r->effective_sample_size, 0.01 * n);
    EXPECT_NEAR(r->weight_sum / n, 1.0, 0.1);  // E[w] = 1 when the propensities are right
  }
}

// (b) The BTS policy (simulated from its priors) from the random log, against
// the bts log's click rate.
TEST_P(ObdOpeTest, BtsPolicyFromTheRandomLog) {
  const CampaignCase& param = GetParam();
  const double reference = MeanReward(campaign_.bts);
  const std::vector<double> distribution =
      BtsActionDistribution(campaign_.priors, kPositions, kBtsSamples, 1);
  const LoggedBanditData& log = campaign_.random;
  Result<OpeReport> r = Evaluate(log, BtsTarget(log, distribution));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  PrintTable(std::string(param.name) + " (b): BTS policy (prior_bts.yaml) estimated from the "
                                       "random log",
             *r, reference);
  // How close the simulated BTS is to the one that logged the bts file:
  // the geometric mean of simulated / logged propensity of the logged items.
  double log_ratio = 0.0;
  for (size_t i = 0; i < campaign_.bts.size(); ++i) {
    const double simulated =
        distribution[campaign_.bts.action[i] * kPositions + campaign_.bts.position[i]];
    log_ratio += std::log(std::max(simulated, 1.0 / kBtsSamples) / campaign_.bts.propensity[i]);
  }
  std::cout << "  simulated / logged bts propensity of the logged items, geometric mean: "
            << std::exp(log_ratio / campaign_.bts.size()) << "\n";

  // Uniform logging covers every item, so E[w] = 1, and E[w^2] follows from
  // the target: K * sum_j target(j | p)^2 at the record's position p.
  const double n = static_cast<double>(r->records);
  EXPECT_NEAR(r->weight_sum / n, 1.0, 0.06);
  double second_moment = 0.0;
  for (size_t i = 0; i < log.size(); ++i) {
    for (uint32_t j = 0; j < param.items; ++j) {
      const double p = distribution[j * kPositions + log.position[i]];
      second_moment += param.items * p * p / n;
    }
  }
  EXPECT_NEAR(r->effective_sample_size, n / second_moment, 0.15 * n / second_moment);
  EXPECT_FALSE(AnyWarningHas(*r, "IPS and DR are dominated"));
  EXPECT_FALSE(AnyWarningHas(*r, "replay is unbiased only"));  // the log is uniform
  // Replay keeps a record with probability 1/K: Binomial(n, 1/K), 4 sd.
  const double kept = static_cast<double>(Get(*r, OpeEstimator::kReplay).records_used);
  EXPECT_NEAR(kept, n / param.items, 4 * std::sqrt(n / param.items));
  // The estimates land within a factor 2 of the bts log's own click rate,
  // and the self-normalised and doubly robust intervals cover it.
  for (OpeEstimator e : {OpeEstimator::kIps, OpeEstimator::kSnips, OpeEstimator::kDr}) {
    const OpeEstimate& estimate = Get(*r, e);
    EXPECT_GT(estimate.value, reference / 2) << OpeEstimatorName(e);
    EXPECT_LT(estimate.value, reference * 2) << OpeEstimatorName(e);
  }
  for (OpeEstimator e : {OpeEstimator::kSnips, OpeEstimator::kDr}) {
    const OpeEstimate& estimate = Get(*r, e);
    EXPECT_LE(estimate.lower, reference) << OpeEstimatorName(e);
    EXPECT_GE(estimate.upper, reference) << OpeEstimatorName(e);
  }
}

// The random policy on its own log: every weight is exactly 1, so the
// estimators reduce to the logged click rate and ESS to the log's size.
TEST_P(ObdOpeTest, UniformTargetOnTheRandomLogIsOnPolicy) {
  const LoggedBanditData& log = campaign_.random;
  Result<OpeReport> r = Evaluate(log, UniformTarget(log));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NEAR(r->weight_max, 1.0, 1e-12);
  EXPECT_NEAR(r->weight_sum, static_cast<double>(log.size()), 1e-6);
  EXPECT_NEAR(r->effective_sample_size, static_cast<double>(log.size()), 1e-6);
  EXPECT_NEAR(Get(*r, OpeEstimator::kIps).value, MeanReward(log), 1e-12);
  EXPECT_NEAR(Get(*r, OpeEstimator::kSnips).value, MeanReward(log), 1e-12);
  EXPECT_TRUE(r->warnings.empty());
}

TEST_P(ObdOpeTest, ReadsALogWellUnderASecond) {
  const std::string path =
      kObdDir + "/bts/" + GetParam().name + "/" + GetParam().name + ".csv";
  const auto start = std::chrono::steady_clock::now();
  Result<LoggedBanditData> log = ReadObdLog(path);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::cout << "  read " << path << " in " << seconds * 1000 << " ms\n";
  EXPECT_LT(seconds, 0.5);  // typically a few tens of milliseconds
}

INSTANTIATE_TEST_SUITE_P(Campaigns, ObdOpeTest,
                         ::testing::Values(CampaignCase{"men", 34, -1},
                                           CampaignCase{"women", 46, 8409}),
                         [](const ::testing::TestParamInfo<CampaignCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace marquee
