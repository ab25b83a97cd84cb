// Off-policy evaluation: how a target policy would have done, estimated from a
// log that a different (behaviour) policy produced.
//
// With w_i = target(a_i | x_i) / propensity_i and a reward model q(x, a):
//   IPS     mean(w_i r_i)                                   unbiased, high variance
//   SNIPS   sum(w_i r_i) / sum(w_i)                         self-normalised
//   DM      mean(sum_a target(a|x_i) q(x_i, a))             biased by the model, low variance
//   DR      DM + mean(w_i (r_i - q(x_i, a_i)))              unbiased if either part is right
//   replay  over the records where a draw from the target equals a_i, the mean
//           of r_i weighted by 1/propensity_i (Li et al. 2011, unbiased when the
//           log is uniform; the weight -- K on a uniform log -- corrects for
//           records with few candidates being kept more often)
// A log that records eligible sets (LoggedBanditData::eligible) needs a
// target that is 0 outside each record's set, renormalised over it (what the
// target would have done behind the same gate): then w_i, DM's sum over a
// and replay's draw all run over the eligible set only, and the estimates
// stay unbiased for the gated target. EvaluateOffPolicy refuses a target
// with mass outside the set.
// Each comes with a percentile bootstrap confidence interval (resampling
// records), and the report carries the weight diagnostics: the sum and the
// largest of the weights and the effective sample size (sum w)^2 / sum w^2,
// with warnings when a few records dominate. The intervals hold the target's
// probabilities and the reward predictions fixed: DM's interval shows only
// the resampling of records, not the error of the model behind it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "marquee/data/logged_bandit_data.h"
#include "marquee/util/status.h"

namespace marquee {

enum class OpeEstimator : uint8_t { kIps, kSnips, kDm, kDr, kReplay };
std::string_view OpeEstimatorName(OpeEstimator estimator);  // "ips", "snips", "dm", "dr", "replay"
// Parses "ips,snips,dm,dr,replay" (any subset, any order); errors name the unknown one.
Result<std::vector<OpeEstimator>> ParseOpeEstimators(std::string_view list);

// What the target policy and the reward model say about each record, aligned
// with LoggedBanditData's candidates (one entry per candidate).
struct OpeTarget {
  std::vector<double> probability;  // target(a | x_i) for each candidate of each record
  std::vector<double> predicted;    // q(x_i, a) for each candidate; empty when no DM/DR is asked
};

struct OpeOptions {
  std::vector<OpeEstimator> estimators{OpeEstimator::kIps, OpeEstimator::kSnips, OpeEstimator::kDm,
                                       OpeEstimator::kDr, OpeEstimator::kReplay};
  uint32_t bootstrap = 200;        // resamples; 0 = no interval
  double confidence = 0.95;
  uint64_t seed = 1;               // bootstrap and replay draws
  // Warn when one record carries more than this share of the total weight.
  double dominant_weight_share = 0.05;
};

struct OpeEstimate {
  OpeEstimator estimator = OpeEstimator::kIps;
  double value = 0.0;
  double lower = 0.0, upper = 0.0;  // confidence interval (value when there is none)
  double standard_error = 0.0;      // bootstrap standard deviation (0 when no interval)
  uint64_t records_used = 0;        // replay: records kept; others: all
  // False when the estimator has no value on this log (SNIPS when every
  // weight is 0, replay when it keeps no record): value, interval and error
  // are 0 and `reason` says why; writers print the reason, never the 0.
  bool defined = true;
  // False when there is no bootstrap interval: none asked, a single record
  // (no spread to resample), fewer resamples than a percentile interval at
  // this confidence needs (one in each tail), or the estimate is undefined.
  // lower = upper = value, standard_error 0, and `reason` says why.
  bool has_interval = false;
  std::string reason;
};

// The smallest number of (defined) bootstrap resamples behind a percentile
// interval at `confidence`: enough that each tail holds at least one, i.e.
// ceil(2 / (1 - confidence)) -- 40 at 95%. Fewer give no interval.
uint32_t MinBootstrapResamples(double confidence);

struct OpeReport {
  std::string source;
  uint64_t records = 0;
  double on_policy_value = 0.0;     // mean logged reward (the behaviour policy's value)
  double weight_sum = 0.0;          // sum of w_i (about n when target and log agree in support)
  double weight_max = 0.0;
  uint64_t weight_max_record = 0;   // index of the record with the largest weight
  double effective_sample_size = 0.0;
  std::vector<OpeEstimate> estimates;
  std::vector<std::string> warnings;  // e.g. "record 4021: propensity 1e-06 gives weight 21739 (...)"
};

// InvalidArgument when the data does not validate (propensities below
// kMinPropensity, rewards outside [0, 1]), the target does not match its
// shape, a target row does not sum to 1 (within 1e-6) or gives a candidate
// outside the record's eligible set a probability, DM/DR are asked
// without predictions, or a record's terms are not finite (naming the
// record). Every number of a returned report is finite (CheckOpeReportFinite).
Result<OpeReport> EvaluateOffPolicy(const LoggedBanditData& data, const OpeTarget& target,
                                    const OpeOptions& options);

// InvalidArgument naming the estimator (or the report field) and the value
// when any number of the report is NaN or infinite.
Status CheckOpeReportFinite(const OpeReport& report);

// What `marquee ope --json` writes around a report.
struct OpeJsonHeader {
  std::string target;
  std::vector<std::string> notes;
  std::optional<double> true_value;  // a synthetic service's exact value
};

// The report as JSON (2-space indent). It cannot write NaN or infinity (JSON
// has neither; a writer would put null): CheckOpeReportFinite's error comes
// back instead. An undefined estimate is written as "defined": false with its
// "reason" and no numbers; one without an interval has "value" but no
// "lower", "upper" or "standard_error", and "no_interval" with the reason.
Result<std::string> OpeReportJson(const OpeReport& report, const OpeJsonHeader& header);

}  // namespace marquee
