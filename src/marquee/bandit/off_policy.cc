#include "marquee/bandit/off_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <span>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "marquee/util/json_fields.h"
#include "marquee/util/strings.h"
#include "marquee/util/random.h"

namespace marquee {

namespace {

constexpr OpeEstimator kAllEstimators[] = {OpeEstimator::kIps, OpeEstimator::kSnips,
                                           OpeEstimator::kDm, OpeEstimator::kDr,
                                           OpeEstimator::kReplay};
// Keeps the bootstrap's streams apart from the replay draws, which use the
// record index as their stream under the plain seed.
constexpr uint64_t kBootstrapSalt = 0x6f70652d626f6f74ULL;
constexpr size_t kMaxDominantWarnings = 5;

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3g%%", 100.0 * share);
  return buf;
}

bool UsesModel(const std::vector<OpeEstimator>& estimators) {
  return std::any_of(estimators.begin(), estimators.end(), [](OpeEstimator e) {
    return e == OpeEstimator::kDm || e == OpeEstimator::kDr;
  });
}

Status CheckOptions(const OpeOptions& options) {
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    return Status::InvalidArgument("confidence " + Number(options.confidence) +
                                   " is not in (0, 1)");
  }
  if (!(options.dominant_weight_share > 0.0 && options.dominant_weight_share <= 1.0)) {
    return Status::InvalidArgument("dominant_weight_share " +
                                   Number(options.dominant_weight_share) + " is not in (0, 1]");
  }
  return Status::OK();
}

// One row of target probabilities: entries in [0, 1] that sum to 1, so that
// DM's expectation and replay's draw are over a real distribution, and 0
// outside the record's eligible set: the target is evaluated on the choice
// the behaviour policy faced, so a weight, DM's expectation and replay's draw
// never reach a candidate the gate ruled out (ArtworkTargetProbabilities
// renormalises over the set as DecideAmong does).
Status CheckTargetRow(const LoggedBanditData& data, std::span<const double> row, size_t i) {
  double sum = 0.0;
  for (size_t a = 0; a < row.size(); ++a) {
    if (!(row[a] >= 0.0 && row[a] <= 1.0)) {
      return Status::InvalidArgument(data.source + ": record " + std::to_string(i) +
                                     ": target probability " + Number(row[a]) + " of candidate " +
                                     std::to_string(a) + " is not in [0, 1]");
    }
    if (row[a] != 0.0 && !data.is_eligible(i, static_cast<uint32_t>(a))) {
      return Status::InvalidArgument(data.source + ": record " + std::to_string(i) +
                                     ": target probability " + Number(row[a]) + " of candidate " +
                                     std::to_string(a) +
                                     ", which is not in the record's eligible set (renormalise the "
                                     "target over the set)");
    }
    sum += row[a];
  }
  if (std::abs(sum - 1.0) > 1e-6) {
    return Status::InvalidArgument(data.source + ": record " + std::to_string(i) +
                                   ": target probabilities sum to " + Number(sum) + ", not 1");
  }
  return Status::OK();
}

Status CheckTarget(const LoggedBanditData& data, const OpeTarget& target, bool needs_model) {
  const size_t candidates = data.candidate_ids.size();
  if (target.probability.size() != candidates) {
    return Status::InvalidArgument(data.source + ": the target has " +
                                   std::to_string(target.probability.size()) +
                                   " probabilities for " + std::to_string(candidates) +
                                   " candidates (one per candidate of every record)");
  }
  for (size_t i = 0; i < data.size(); ++i) {
    std::span<const double> row(target.probability.data() + data.offsets[i], data.candidate_count(i));
    MARQUEE_RETURN_IF_ERROR(CheckTargetRow(data, row, i));
  }
  if (target.predicted.empty()) {
    if (!needs_model) return Status::OK();
    return Status::InvalidArgument(data.source +
                                   ": dm and dr need reward predictions (OpeTarget::predicted)");
  }
  if (target.predicted.size() != candidates) {
    return Status::InvalidArgument(data.source + ": the reward model has " +
                                   std::to_string(target.predicted.size()) + " predictions for " +
                                   std::to_string(candidates) + " candidates");
  }
  for (size_t i = 0; i < data.size(); ++i) {
    for (uint64_t c = data.offsets[i]; c < data.offsets[i + 1]; ++c) {
      if (!std::isfinite(target.predicted[c])) {
        return Status::InvalidArgument(data.source + ": record " + std::to_string(i) +
                                       ": predicted reward of candidate " +
                                       std::to_string(c - data.offsets[i]) + " is not finite");
      }
    }
  }
  return Status::OK();
}

// A draw from one record's target distribution. Falls back to the last
// candidate with positive probability when rounding leaves u above the total.
uint32_t DrawFromTarget(std::span<const double> row, Rng& rng) {
  const double u = rng.Uniform();
  double cumulative = 0.0;
  uint32_t last_positive = 0;
  for (uint32_t a = 0; a < row.size(); ++a) {
    if (row[a] <= 0.0) continue;
    cumulative += row[a];
    last_positive = a;
    if (u < cumulative) return a;
  }
  return last_positive;
}

// What each record contributes; every estimator is a mean or a ratio of
// means of these, which is what lets the bootstrap resample records cheaply.
struct RecordTerms {
  std::vector<double> weight;  // target(a_i) / propensity_i
  std::vector<double> scaled;  // weight / the largest weight (all 0 when every weight is)
  std::vector<double> dm;      // sum_a target(a) q(a); empty without a model
  std::vector<double> dr;      // dm + w (r - q(a_i)); empty without a model
  std::vector<uint8_t> kept;   // replay: the target's draw equals the logged action
};

// Each record's terms, refusing (naming the record) any that is not finite:
// weights are at most 1 / kMinPropensity, but a reward model's finite
// predictions can still be large enough to overflow DM's expectation or DR's
// correction.
Result<RecordTerms> ComputeTerms(const LoggedBanditData& data, const OpeTarget& target,
                                 uint64_t seed) {
  const size_t n = data.size();
  const bool model = !target.predicted.empty();
  RecordTerms t;
  t.weight.resize(n);
  t.kept.resize(n);
  if (model) {
    t.dm.resize(n);
    t.dr.resize(n);
  }
  for (size_t i = 0; i < n; ++i) {
    const uint64_t begin = data.offsets[i];
    std::span<const double> row(target.probability.data() + begin, data.candidate_count(i));
    t.weight[i] = row[data.action[i]] / data.propensity[i];
    Rng rng(DeriveSeed(seed, i));
    t.kept[i] = DrawFromTarget(row, rng) == data.action[i];
    if (!model) continue;
    const double* q = target.predicted.data() + begin;
    double expected = 0.0;
    for (size_t a = 0; a < row.size(); ++a) expected += row[a] * q[a];
    t.dm[i] = expected;
    t.dr[i] = expected + t.weight[i] * (data.reward[i] - q[data.action[i]]);
  }
  double largest = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(t.weight[i]) || (model && !(std::isfinite(t.dm[i]) && std::isfinite(t.dr[i])))) {
      return Status::InvalidArgument(fmt::format(
          "{}: record {}: weight {:g}, DM term {:g}, DR term {:g}: not all finite (propensity {:g}, "
          "reward {:g})",
          data.source, i, t.weight[i], model ? t.dm[i] : 0.0, model ? t.dr[i] : 0.0,
          data.propensity[i], data.reward[i]));
    }
    largest = std::max(largest, t.weight[i]);
  }
  // SNIPS and the effective sample size are ratios of weights: computed on
  // weights scaled by the largest, they neither overflow (squares of large
  // weights) nor underflow (squares of subnormal ones read as 0).
  t.scaled.resize(n, 0.0);
  if (largest > 0.0) {
    for (size_t i = 0; i < n; ++i) t.scaled[i] = t.weight[i] / largest;
  }
  return t;
}

// Sufficient statistics of a sample of records (the log or a resample).
struct Sums {
  double count = 0, weighted_reward = 0, weight = 0, scaled = 0, scaled_reward = 0, dm = 0, dr = 0,
         kept = 0, kept_weight = 0, kept_reward = 0;

  void Add(const RecordTerms& t, const std::vector<double>& reward, const std::vector<double>& propensity,
           size_t i) {
    count += 1;
    weighted_reward += t.weight[i] * reward[i];
    weight += t.weight[i];
    scaled += t.scaled[i];
    scaled_reward += t.scaled[i] * reward[i];
    if (!t.dm.empty()) {
      dm += t.dm[i];
      dr += t.dr[i];
    }
    if (t.kept[i]) {
      // A record is kept with probability sum_a logged(a) target(a), which
      // is 1/K on a uniform log: weighting by 1/propensity (= K) undoes the
      // pull towards records with few candidates.
      kept += 1;
      kept_weight += 1.0 / propensity[i];
      kept_reward += reward[i] / propensity[i];
    }
  }

  // Ratios with an empty denominator (no weight, no kept record) have no
  // value: nullopt, never a NaN or a stand-in 0.
  std::optional<double> Value(OpeEstimator e) const {
    switch (e) {
      case OpeEstimator::kIps: return weighted_reward / count;
      case OpeEstimator::kSnips:
        if (!(scaled > 0)) return std::nullopt;
        return scaled_reward / scaled;
      case OpeEstimator::kDm: return dm / count;
      case OpeEstimator::kDr: return dr / count;
      case OpeEstimator::kReplay:
        if (!(kept_weight > 0)) return std::nullopt;
        return kept_reward / kept_weight;
    }
    return std::nullopt;
  }
};

std::vector<Sums> BootstrapSums(const RecordTerms& t, const std::vector<double>& reward,
                                const std::vector<double>& propensity,
                                uint32_t resamples, uint64_t seed) {
  const size_t n = reward.size();
  std::vector<Sums> sums(resamples);
  // One generator per resample: the result does not depend on the threads.
#pragma omp parallel for schedule(dynamic)
  for (int64_t b = 0; b < static_cast<int64_t>(resamples); ++b) {
    Rng rng(DeriveSeed(seed ^ kBootstrapSalt, static_cast<uint64_t>(b)));
    Sums s;
    for (size_t k = 0; k < n; ++k) s.Add(t, reward, propensity, rng.Below(static_cast<uint32_t>(n)));
    sums[b] = s;
  }
  return sums;
}

// Linear interpolation between order statistics of sorted values.
double Quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Why an estimator has no value on the whole log.
std::string UndefinedReason(OpeEstimator e) {
  if (e == OpeEstimator::kSnips) {
    return "undefined: the target gives probability 0 to every logged action, so the weights sum "
           "to 0 and SNIPS has nothing to normalise by";
  }
  return "undefined: replay kept no record (the target never chose the logged action)";
}

// The percentile interval from the resamples where the estimator is defined;
// no interval (with the reason) when the log or the resamples cannot carry
// one. Returns the resamples left out as undefined.
size_t SetInterval(const std::vector<Sums>& boot, uint64_t records, double confidence,
                   OpeEstimate* e) {
  e->lower = e->upper = e->value;
  e->standard_error = 0.0;
  e->has_interval = false;
  if (!e->defined) return 0;
  if (boot.empty()) {
    e->reason = "no interval: no bootstrap resamples were asked for";
    return 0;
  }
  if (records < 2) {
    e->reason = "no interval: a single record gives every resample the same value, so the "
                "bootstrap has no spread to show (this is not certainty)";
    return 0;
  }
  std::vector<double> values;
  values.reserve(boot.size());
  for (const Sums& b : boot) {
    if (std::optional<double> v = b.Value(e->estimator)) values.push_back(*v);
  }
  const size_t left_out = boot.size() - values.size();
  const uint32_t needed = MinBootstrapResamples(confidence);
  if (values.size() < needed) {
    e->reason = fmt::format(
        "no interval: {} of {} resamples give a value; a {:g}% percentile interval needs at least "
        "{} (one in each tail)",
        values.size(), boot.size(), 100 * confidence, needed);
    return left_out;
  }
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  double squares = 0.0;
  for (double v : values) squares += (v - mean) * (v - mean);
  e->standard_error = values.size() > 1 ? std::sqrt(squares / (values.size() - 1)) : 0.0;
  std::sort(values.begin(), values.end());
  e->lower = Quantile(values, (1.0 - confidence) / 2.0);
  e->upper = Quantile(values, (1.0 + confidence) / 2.0);
  e->has_interval = true;
  return left_out;
}

// The effective sample size (sum w)^2 / sum w^2 on the scaled weights (the
// same ratio): no square overflows or underflows to 0. Every weight 0: no
// record counts, and the size is 0 (the warnings say why).
void SetWeightDiagnostics(const RecordTerms& t, OpeReport* report) {
  double sum = 0.0, scaled_sum = 0.0, scaled_squares = 0.0;
  for (size_t i = 0; i < t.weight.size(); ++i) {
    const double w = t.weight[i];
    sum += w;
    scaled_sum += t.scaled[i];
    scaled_squares += t.scaled[i] * t.scaled[i];
    if (w > report->weight_max) {
      report->weight_max = w;
      report->weight_max_record = i;
    }
  }
  report->weight_sum = sum;
  report->effective_sample_size =
      scaled_squares > 0 ? scaled_sum * scaled_sum / scaled_squares : 0.0;
}

// Records whose weight alone is a large share of the total: one such record
// moves IPS and DR by w_i r_i / n, which no amount of other data averages out.
void WarnDominantWeights(const LoggedBanditData& data, const RecordTerms& t, double share,
                         OpeReport* report) {
  if (report->weight_sum <= 0) return;
  std::vector<size_t> dominant;
  for (size_t i = 0; i < t.weight.size(); ++i) {
    if (t.weight[i] > share * report->weight_sum) dominant.push_back(i);
  }
  std::sort(dominant.begin(), dominant.end(),
            [&](size_t a, size_t b) { return t.weight[a] > t.weight[b]; });
  for (size_t k = 0; k < dominant.size() && k < kMaxDominantWarnings; ++k) {
    const size_t i = dominant[k];
    report->warnings.push_back(
        "record " + std::to_string(i) + ": propensity " + Number(data.propensity[i]) +
        " gives weight " + Number(t.weight[i]) + " (" + Percent(t.weight[i] / report->weight_sum) +
        " of the total weight " + Number(report->weight_sum) +
        "); IPS and DR are dominated by this one record");
  }
  if (dominant.size() > kMaxDominantWarnings) {
    report->warnings.push_back(std::to_string(dominant.size() - kMaxDominantWarnings) +
                               " more records each carry over " + Percent(share) +
                               " of the total weight");
  }
}

void WarnAboutWeights(const LoggedBanditData& data, const RecordTerms& t, const OpeOptions& options,
                      OpeReport* report) {
  WarnDominantWeights(data, t, options.dominant_weight_share, report);
  const double n = static_cast<double>(report->records);
  if (report->weight_sum > 0 && report->effective_sample_size < 0.01 * n) {
    report->warnings.push_back(
        "effective sample size " + Number(report->effective_sample_size) + " of " +
        std::to_string(report->records) + " records (" +
        Percent(report->effective_sample_size / n) +
        "): the weights are so uneven that IPS, SNIPS and DR rest on a handful of records");
  }
  if (report->weight_sum <= 0) {
    report->warnings.push_back(
        "the target gives probability 0 to every logged action: IPS is 0 by construction, "
        "SNIPS is undefined (nothing to normalise by) and the effective sample size is 0");
  }
}

// Replay's guarantee needs a uniform log; on any other log it is the mean
// reward of records where two policies happened to agree, which is biased.
void WarnAboutReplay(const LoggedBanditData& data, const Sums& all, OpeReport* report) {
  if (all.kept == 0) {
    report->warnings.push_back(
        "replay kept no records (the target never chose the logged action); it is undefined");
  }
  // Uniform over what the behaviour policy could choose: the eligible set.
  for (size_t i = 0; i < data.size(); ++i) {
    const uint32_t k = data.eligible_count(i);
    const double uniform = 1.0 / k;
    if (std::abs(data.propensity[i] - uniform) > 1e-9 * uniform) {
      report->warnings.push_back("replay is unbiased only on a uniformly logged log, and record " +
                                 std::to_string(i) + " has propensity " +
                                 Number(data.propensity[i]) + " among " + std::to_string(k) +
                                 (k < data.candidate_count(i) ? " eligible" : "") + " candidates");
      return;
    }
  }
}

}  // namespace

std::string_view OpeEstimatorName(OpeEstimator estimator) {
  switch (estimator) {
    case OpeEstimator::kIps: return "ips";
    case OpeEstimator::kSnips: return "snips";
    case OpeEstimator::kDm: return "dm";
    case OpeEstimator::kDr: return "dr";
    case OpeEstimator::kReplay: return "replay";
  }
  return "?";
}

Result<std::vector<OpeEstimator>> ParseOpeEstimators(std::string_view list) {
  std::vector<OpeEstimator> out;
  std::vector<std::string_view> names;
  SplitPlain(list, ',', &names);
  for (std::string_view raw : names) {
    const std::string_view name = TrimSpaces(raw);
    const auto* found = std::find_if(std::begin(kAllEstimators), std::end(kAllEstimators),
                                     [&](OpeEstimator e) { return OpeEstimatorName(e) == name; });
    if (found == std::end(kAllEstimators)) {
      return Status::InvalidArgument("unknown off-policy estimator " + QuoteForError(name) +
                                     " in " + QuoteForError(list) +
                                     " (expected a comma-separated list of ips, snips, dm, dr, "
                                     "replay)");
    }
    // A repeated name asks for nothing new; keep the first.
    if (std::find(out.begin(), out.end(), *found) == out.end()) out.push_back(*found);
  }
  return out;
}

uint32_t MinBootstrapResamples(double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) return 0;
  // A hair under the ratio so that 2 / 0.05 = 40.000000000000007 reads 40.
  return static_cast<uint32_t>(std::ceil(2.0 / (1.0 - confidence) - 1e-9));
}

Result<OpeReport> EvaluateOffPolicy(const LoggedBanditData& data, const OpeTarget& target,
                                    const OpeOptions& options) {
  MARQUEE_RETURN_IF_ERROR(data.Validate());
  if (data.size() == 0) return Status::InvalidArgument(data.source + ": the log has no records");
  MARQUEE_RETURN_IF_ERROR(CheckOptions(options));
  MARQUEE_RETURN_IF_ERROR(CheckTarget(data, target, UsesModel(options.estimators)));

  MARQUEE_ASSIGN_OR_RETURN(const RecordTerms terms, ComputeTerms(data, target, options.seed));
  Sums all;
  for (size_t i = 0; i < data.size(); ++i) all.Add(terms, data.reward, data.propensity, i);
  const std::vector<Sums> boot = BootstrapSums(terms, data.reward, data.propensity, options.bootstrap, options.seed);

  OpeReport report;
  report.source = data.source;
  report.records = data.size();
  report.on_policy_value =
      std::accumulate(data.reward.begin(), data.reward.end(), 0.0) / static_cast<double>(data.size());
  SetWeightDiagnostics(terms, &report);
  WarnAboutWeights(data, terms, options, &report);
  for (OpeEstimator e : options.estimators) {
    OpeEstimate estimate;
    estimate.estimator = e;
    if (std::optional<double> value = all.Value(e)) {
      estimate.value = *value;
    } else {
      estimate.defined = false;
      estimate.reason = UndefinedReason(e);
    }
    estimate.records_used =
        e == OpeEstimator::kReplay ? static_cast<uint64_t>(all.kept) : report.records;
    const size_t left_out = SetInterval(boot, report.records, options.confidence, &estimate);
    if (left_out > 0 && estimate.has_interval) {
      report.warnings.push_back(fmt::format(
          "{}: {} of {} bootstrap resamples had no value (no weight or no kept record) and are "
          "left out of its interval",
          OpeEstimatorName(e), left_out, boot.size()));
    }
    report.estimates.push_back(estimate);
    if (e == OpeEstimator::kReplay) WarnAboutReplay(data, all, &report);
  }
  if (std::all_of(data.reward.begin(), data.reward.end(), [](double r) { return r == 0.0; })) {
    report.warnings.push_back(fmt::format(
        "every logged reward is 0: the reward-weighted estimates are 0 and their intervals "
        "[0, 0] only say that no resample saw a reward, not that the value is certainly 0 (a "
        "value near 3/n = {:.3g} would often show no reward in {} records either)",
        3.0 / static_cast<double>(report.records), report.records));
  }
  MARQUEE_RETURN_IF_ERROR(CheckOpeReportFinite(report));
  return report;
}

Status CheckOpeReportFinite(const OpeReport& report) {
  auto check = [&](std::string_view what, double v) -> Status {
    if (std::isfinite(v)) return Status::OK();
    return Status::InvalidArgument(fmt::format("{}: {} is {}, which no report may carry",
                                               report.source, what, v));
  };
  MARQUEE_RETURN_IF_ERROR(check("on_policy_value", report.on_policy_value));
  MARQUEE_RETURN_IF_ERROR(check("weight_sum", report.weight_sum));
  MARQUEE_RETURN_IF_ERROR(check("weight_max", report.weight_max));
  MARQUEE_RETURN_IF_ERROR(check("effective_sample_size", report.effective_sample_size));
  for (const OpeEstimate& e : report.estimates) {
    const std::string name(OpeEstimatorName(e.estimator));
    MARQUEE_RETURN_IF_ERROR(check("estimator " + name + " value", e.value));
    MARQUEE_RETURN_IF_ERROR(check("estimator " + name + " lower bound", e.lower));
    MARQUEE_RETURN_IF_ERROR(check("estimator " + name + " upper bound", e.upper));
    MARQUEE_RETURN_IF_ERROR(check("estimator " + name + " standard error", e.standard_error));
  }
  return Status::OK();
}

Result<std::string> OpeReportJson(const OpeReport& report, const OpeJsonHeader& header) {
  MARQUEE_RETURN_IF_ERROR(CheckOpeReportFinite(report));
  if (header.true_value && !std::isfinite(*header.true_value)) {
    return Status::InvalidArgument(
        fmt::format("{}: true_value is {}, which no report may carry", report.source, *header.true_value));
  }
  nlohmann::json estimates = nlohmann::json::array();
  for (const OpeEstimate& e : report.estimates) {
    nlohmann::json j = {{"estimator", std::string(OpeEstimatorName(e.estimator))},
                        {"defined", e.defined},
                        {"records_used", e.records_used}};
    if (!e.defined) {
      j["reason"] = e.reason;
    } else {
      j["value"] = e.value;
      if (e.has_interval) {
        j["lower"] = e.lower;
        j["upper"] = e.upper;
        j["standard_error"] = e.standard_error;
      } else {
        j["no_interval"] = e.reason;
      }
    }
    estimates.push_back(std::move(j));
  }
  nlohmann::json j = {{"target", header.target},
                      {"log", report.source},
                      {"records", report.records},
                      {"on_policy_value", report.on_policy_value},
                      {"weight_sum", report.weight_sum},
                      {"weight_max", report.weight_max},
                      {"weight_max_record", report.weight_max_record},
                      {"effective_sample_size", report.effective_sample_size},
                      {"estimates", estimates},
                      {"notes", header.notes},
                      {"warnings", report.warnings}};
  if (header.true_value) j["true_value"] = *header.true_value;
  return json_fields::Dump(j, 2);
}

}  // namespace marquee
