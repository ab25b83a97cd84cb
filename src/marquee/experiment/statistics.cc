#include "marquee/experiment/statistics.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>

#include "marquee/util/random.h"

namespace marquee::experiment {
namespace {

// Boost.Math throws on domain errors by default; the library never throws.
// Inputs are checked before any distribution is called, and a result that is
// still not finite is refused by Finite() below.
using Policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::errno_on_error>,
    boost::math::policies::pole_error<boost::math::policies::errno_on_error>,
    boost::math::policies::overflow_error<boost::math::policies::errno_on_error>,
    boost::math::policies::evaluation_error<boost::math::policies::errno_on_error>,
    boost::math::policies::rounding_error<boost::math::policies::errno_on_error>>;
using StudentT = boost::math::students_t_distribution<double, Policy>;
using Normal = boost::math::normal_distribution<double, Policy>;
using ChiSquared = boost::math::chi_squared_distribution<double, Policy>;
using Binomial = boost::math::binomial_distribution<double, Policy>;

// CUPED with a covariate that is an exact linear function of the metric leaves
// Y_adj constant up to rounding (a variance some 1e-30 of var(Y)); Welch on
// that rounding noise would be meaningless. Real covariates explain far less.
constexpr double kCovariateExplainsAll = 1.0 - 1e-10;

Status Invalid(std::string_view argument, std::string_view expected, std::string_view found) {
  return Status::InvalidArgument(fmt::format("{}: expected {}, found {}", argument, expected, found));
}

Status CheckFinite(std::string_view name, std::span<const double> values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return Invalid(fmt::format("{}[{}]", name, i), "a finite number", fmt::format("{}", values[i]));
    }
  }
  return Status::OK();
}

// A cell of per-member values: at least 2 members, every value finite.
Status CheckCell(std::string_view name, std::span<const double> values) {
  if (values.size() < 2) {
    return Invalid(name, "at least 2 members", fmt::format("{}", values.size()));
  }
  return CheckFinite(name, values);
}

Status CheckSameLength(std::string_view a, std::span<const double> x, std::string_view b,
                       std::span<const double> y) {
  if (x.size() == y.size()) return Status::OK();
  return Invalid(b, fmt::format("one value per member of {} ({})", a, x.size()), fmt::format("{}", y.size()));
}

Status CheckAlpha(double alpha) {
  if (alpha > 0.0 && alpha < 1.0) return Status::OK();
  return Invalid("alpha", "a number in (0, 1)", fmt::format("{}", alpha));
}

// A computed quantity that must be finite (a guard against overflow in
// extreme inputs: a NaN is never returned silently).
Status Finite(std::string_view what, double value) {
  if (std::isfinite(value)) return Status::OK();
  return Invalid(what, "a finite result", fmt::format("{} (the inputs are too extreme)", value));
}

double Mean(std::span<const double> x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

// Sample covariance (n - 1) of two equally long spans; Covariance(x, x) is the variance.
double Covariance(std::span<const double> x, std::span<const double> y) {
  const double mx = Mean(x);
  const double my = Mean(y);
  double sum = 0.0;
  for (size_t i = 0; i < x.size(); ++i) sum += (x[i] - mx) * (y[i] - my);
  return sum / static_cast<double>(x.size() - 1);
}

double Variance(std::span<const double> x) {
  return Covariance(x, x);
}

double NormalQuantile(double alpha) {
  return boost::math::quantile(Normal(), 1.0 - alpha / 2.0);
}

double TwoSidedNormalP(double z) {
  return 2.0 * boost::math::cdf(boost::math::complement(Normal(), std::fabs(z)));
}

Interval Around(double center, double half_width) {
  return {center - half_width, center + half_width};
}

// Var(a / b) for independent estimates a and b by the delta method.
double RatioOfMeansVariance(double a, double var_a, double b, double var_b) {
  return var_a / (b * b) + a * a * var_b / (b * b * b * b);
}

Status CheckPValues(std::span<const double> p_values) {
  for (size_t i = 0; i < p_values.size(); ++i) {
    const double p = p_values[i];
    if (!(p >= 0.0 && p <= 1.0)) {
      return Invalid(fmt::format("p_values[{}]", i), "a probability in [0, 1]", fmt::format("{}", p));
    }
  }
  return Status::OK();
}

// The indices of p_values in ascending order of p (ties in input order).
std::vector<size_t> AscendingOrder(std::span<const double> p_values) {
  std::vector<size_t> order(p_values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  return order;
}

// The q-quantile of sorted values, linear between order statistics (NumPy's
// "linear", Hyndman-Fan type 7): position q·(n - 1).
double SortedQuantile(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

Result<MeanComparison> WelchTTest(std::span<const double> control, std::span<const double> treatment,
                                  const TestOptions& options) {
  MARQUEE_RETURN_IF_ERROR(CheckCell("control", control));
  MARQUEE_RETURN_IF_ERROR(CheckCell("treatment", treatment));
  MARQUEE_RETURN_IF_ERROR(CheckAlpha(options.alpha));
  MeanComparison r;
  r.control_n = control.size();
  r.treatment_n = treatment.size();
  r.control_mean = Mean(control);
  r.treatment_mean = Mean(treatment);
  r.control_variance = Variance(control);
  r.treatment_variance = Variance(treatment);
  const double vc = r.control_variance / static_cast<double>(r.control_n);  // Var(mean_C)
  const double vt = r.treatment_variance / static_cast<double>(r.treatment_n);
  if (!(vc + vt > 0.0)) {
    return Invalid("control, treatment",
                   "a nonzero variance in at least one cell (the standard error divides t)", "both constant");
  }
  if (r.control_mean == 0.0) {
    return Invalid("control", "a nonzero mean (the relative lift divides by it)", "mean 0");
  }
  r.difference = r.treatment_mean - r.control_mean;
  r.relative_lift = r.difference / r.control_mean;
  r.standard_error = std::sqrt(vc + vt);
  r.degrees_of_freedom =
      (vc + vt) * (vc + vt) /
      (vc * vc / static_cast<double>(r.control_n - 1) + vt * vt / static_cast<double>(r.treatment_n - 1));
  r.t = r.difference / r.standard_error;
  MARQUEE_RETURN_IF_ERROR(Finite("Welch's t", r.t));
  MARQUEE_RETURN_IF_ERROR(Finite("the Welch-Satterthwaite degrees of freedom", r.degrees_of_freedom));
  const StudentT t_dist(r.degrees_of_freedom);
  r.p_value = 2.0 * boost::math::cdf(boost::math::complement(t_dist, std::fabs(r.t)));
  MARQUEE_RETURN_IF_ERROR(Finite("Welch's p-value", r.p_value));
  const double t_quantile = boost::math::quantile(t_dist, 1.0 - options.alpha / 2.0);
  r.difference_interval = Around(r.difference, t_quantile * r.standard_error);
  r.relative_lift_standard_error = std::sqrt(RatioOfMeansVariance(r.treatment_mean, vt, r.control_mean, vc));
  MARQUEE_RETURN_IF_ERROR(Finite("the relative lift", r.relative_lift));
  MARQUEE_RETURN_IF_ERROR(Finite("the relative lift's standard error", r.relative_lift_standard_error));
  r.relative_lift_interval =
      Around(r.relative_lift, NormalQuantile(options.alpha) * r.relative_lift_standard_error);
  return r;
}

namespace {

// DeltaMethodRatio with the arguments' names as the caller spells them.
Result<RatioEstimate> NamedRatio(std::string_view numerator_name, std::span<const double> numerator,
                                 std::string_view denominator_name, std::span<const double> denominator) {
  MARQUEE_RETURN_IF_ERROR(CheckCell(numerator_name, numerator));
  MARQUEE_RETURN_IF_ERROR(CheckSameLength(numerator_name, numerator, denominator_name, denominator));
  MARQUEE_RETURN_IF_ERROR(CheckFinite(denominator_name, denominator));
  RatioEstimate r;
  r.n = numerator.size();
  r.numerator_mean = Mean(numerator);
  r.denominator_mean = Mean(denominator);
  if (r.denominator_mean == 0.0) {
    return Invalid(denominator_name, "a nonzero mean (the ratio divides by it)", "mean 0");
  }
  r.ratio = r.numerator_mean / r.denominator_mean;
  const double sxx = Variance(numerator);
  const double syy = Variance(denominator);
  const double sxy = Covariance(numerator, denominator);
  const double ybar2 = r.denominator_mean * r.denominator_mean;
  const double variance =
      (sxx - 2.0 * r.ratio * sxy + r.ratio * r.ratio * syy) / (static_cast<double>(r.n) * ybar2);
  MARQUEE_RETURN_IF_ERROR(Finite("the ratio", r.ratio));
  MARQUEE_RETURN_IF_ERROR(Finite("the ratio's variance", variance));
  // The quadratic form is Var(x - R·y) >= 0; rounding can leave -1e-17.
  r.variance = std::max(0.0, variance);
  r.standard_error = std::sqrt(r.variance);
  return r;
}

}  // namespace

Result<RatioEstimate> DeltaMethodRatio(std::span<const double> numerator,
                                       std::span<const double> denominator) {
  return NamedRatio("numerator", numerator, "denominator", denominator);
}

Result<RatioComparison> CompareRatios(std::span<const double> control_numerator,
                                      std::span<const double> control_denominator,
                                      std::span<const double> treatment_numerator,
                                      std::span<const double> treatment_denominator,
                                      const TestOptions& options) {
  MARQUEE_RETURN_IF_ERROR(CheckAlpha(options.alpha));
  RatioComparison r;
  MARQUEE_ASSIGN_OR_RETURN(r.control, NamedRatio("control_numerator", control_numerator,
                                                 "control_denominator", control_denominator));
  MARQUEE_ASSIGN_OR_RETURN(r.treatment, NamedRatio("treatment_numerator", treatment_numerator,
                                                   "treatment_denominator", treatment_denominator));
  r.standard_error = std::sqrt(r.control.variance + r.treatment.variance);
  if (!(r.standard_error > 0.0)) {
    return Invalid("control, treatment", "a nonzero delta-method variance in at least one cell", "both 0");
  }
  if (r.control.ratio == 0.0) {
    return Invalid("control_numerator", "a nonzero ratio (the relative lift divides by it)", "ratio 0");
  }
  r.difference = r.treatment.ratio - r.control.ratio;
  r.relative_lift = r.difference / r.control.ratio;
  r.z = r.difference / r.standard_error;
  MARQUEE_RETURN_IF_ERROR(Finite("z", r.z));
  r.p_value = TwoSidedNormalP(r.z);
  const double z_quantile = NormalQuantile(options.alpha);
  r.difference_interval = Around(r.difference, z_quantile * r.standard_error);
  r.relative_lift_standard_error = std::sqrt(
      RatioOfMeansVariance(r.treatment.ratio, r.treatment.variance, r.control.ratio, r.control.variance));
  MARQUEE_RETURN_IF_ERROR(Finite("the relative lift", r.relative_lift));
  MARQUEE_RETURN_IF_ERROR(Finite("the relative lift's standard error", r.relative_lift_standard_error));
  r.relative_lift_interval = Around(r.relative_lift, z_quantile * r.relative_lift_standard_error);
  return r;
}

Result<CupedComparison> CupedWelchTTest(std::span<const double> control_metric,
                                        std::span<const double> control_covariate,
                                        std::span<const double> treatment_metric,
                                        std::span<const double> treatment_covariate,
                                        const TestOptions& options) {
  MARQUEE_RETURN_IF_ERROR(CheckCell("control_metric", control_metric));
  MARQUEE_RETURN_IF_ERROR(CheckCell("treatment_metric", treatment_metric));
  MARQUEE_RETURN_IF_ERROR(
      CheckSameLength("control_metric", control_metric, "control_covariate", control_covariate));
  MARQUEE_RETURN_IF_ERROR(
      CheckSameLength("treatment_metric", treatment_metric, "treatment_covariate", treatment_covariate));
  MARQUEE_RETURN_IF_ERROR(CheckFinite("control_covariate", control_covariate));
  MARQUEE_RETURN_IF_ERROR(CheckFinite("treatment_covariate", treatment_covariate));
  std::vector<double> y(control_metric.begin(), control_metric.end());
  y.insert(y.end(), treatment_metric.begin(), treatment_metric.end());
  std::vector<double> x(control_covariate.begin(), control_covariate.end());
  x.insert(x.end(), treatment_covariate.begin(), treatment_covariate.end());
  const double var_x = Variance(x);
  const double var_y = Variance(y);
  if (!(var_x > 0.0)) {
    return Invalid("control_covariate, treatment_covariate",
                   "a nonzero pooled variance (theta divides by it)", "constant");
  }
  if (!(var_y > 0.0)) {
    return Invalid("control_metric, treatment_metric",
                   "a nonzero pooled variance (the variance reduction divides by it)", "constant");
  }
  CupedComparison r;
  r.theta = Covariance(y, x) / var_x;
  const double mean_x = Mean(x);
  for (size_t i = 0; i < y.size(); ++i) y[i] -= r.theta * (x[i] - mean_x);
  r.variance_reduction = 1.0 - Variance(y) / var_y;
  if (r.variance_reduction > kCovariateExplainsAll) {
    return Invalid("control_covariate, treatment_covariate",
                   "a covariate that is not a linear function of the metric",
                   fmt::format("one explaining {} of its variance (nothing would be left to compare)",
                               r.variance_reduction));
  }
  MARQUEE_RETURN_IF_ERROR(Finite("theta", r.theta));
  const std::span<const double> adjusted(y);
  auto welch =
      WelchTTest(adjusted.first(control_metric.size()), adjusted.subspan(control_metric.size()), options);
  // X = Y (or an exact linear function of it) leaves Y_adj constant: refused by Welch.
  if (!welch.ok()) return welch.status().WithContext("the CUPED-adjusted metric");
  r.adjusted = std::move(welch).value();
  return r;
}

Result<SampleRatioCheck> CheckSampleRatio(std::span<const int64_t> counts, std::span<const double> shares,
                                          const SampleRatioOptions& options) {
  if (counts.size() < 2) return Invalid("counts", "at least 2 cells", fmt::format("{}", counts.size()));
  if (shares.size() != counts.size()) {
    return Invalid("shares", fmt::format("one share per cell ({})", counts.size()),
                   fmt::format("{}", shares.size()));
  }
  if (!(options.threshold > 0.0 && options.threshold < 1.0)) {
    return Invalid("threshold", "a number in (0, 1)", fmt::format("{}", options.threshold));
  }
  double total = 0.0;
  double share_sum = 0.0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] < 0)
      return Invalid(fmt::format("counts[{}]", i), "a count >= 0", fmt::format("{}", counts[i]));
    if (!(shares[i] > 0.0 && shares[i] <= 1.0)) {
      return Invalid(fmt::format("shares[{}]", i), "a share in (0, 1]", fmt::format("{}", shares[i]));
    }
    total += static_cast<double>(counts[i]);
    share_sum += shares[i];
  }
  if (total == 0.0) return Invalid("counts", "at least one allocated member", "0 in every cell");
  if (std::fabs(share_sum - 1.0) > options.share_sum_tolerance) {
    return Invalid("shares", "shares summing to 1", fmt::format("a sum of {}", share_sum));
  }
  SampleRatioCheck r;
  r.expected.resize(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    r.expected[i] = shares[i] * total;
    const double deviation = static_cast<double>(counts[i]) - r.expected[i];
    r.chi_square += deviation * deviation / r.expected[i];
  }
  r.degrees_of_freedom = static_cast<double>(counts.size() - 1);
  r.p_value = boost::math::cdf(boost::math::complement(ChiSquared(r.degrees_of_freedom), r.chi_square));
  MARQUEE_RETURN_IF_ERROR(Finite("the chi-square p-value", r.p_value));
  r.mismatch = r.p_value < options.threshold;
  return r;
}

Result<std::vector<double>> HolmAdjust(std::span<const double> p_values) {
  MARQUEE_RETURN_IF_ERROR(CheckPValues(p_values));
  const size_t m = p_values.size();
  std::vector<double> adjusted(m);
  double running_max = 0.0;  // step-down: an adjusted value never falls below an earlier one
  const std::vector<size_t> order = AscendingOrder(p_values);
  for (size_t rank = 0; rank < m; ++rank) {
    const size_t i = order[rank];
    running_max = std::max(running_max, std::min(1.0, static_cast<double>(m - rank) * p_values[i]));
    adjusted[i] = running_max;
  }
  return adjusted;
}

Result<std::vector<double>> BenjaminiHochbergAdjust(std::span<const double> p_values) {
  MARQUEE_RETURN_IF_ERROR(CheckPValues(p_values));
  const size_t m = p_values.size();
  std::vector<double> adjusted(m);
  double running_min = 1.0;  // step-up: from the largest p down, a q never exceeds a later one
  const std::vector<size_t> order = AscendingOrder(p_values);
  for (size_t rank = m; rank-- > 0;) {
    const size_t i = order[rank];
    // p·(m/j), not m·p/j: the factor is >= 1, so rounding never leaves q below p.
    running_min =
        std::min(running_min, p_values[i] * (static_cast<double>(m) / static_cast<double>(rank + 1)));
    adjusted[i] = running_min;
  }
  return adjusted;
}

Result<SignTestResult> SignTest(int64_t wins, int64_t losses) {
  if (wins < 0) return Invalid("wins", "a count >= 0", fmt::format("{}", wins));
  if (losses < 0) return Invalid("losses", "a count >= 0", fmt::format("{}", losses));
  if (wins > std::numeric_limits<int64_t>::max() - losses) {
    return Invalid("wins, losses", "a total below 2^63", fmt::format("{} and {}", wins, losses));
  }
  if (wins + losses == 0) return Invalid("wins, losses", "at least one member with a preference", "0 and 0");
  SignTestResult r;
  r.wins = wins;
  r.losses = losses;
  const double n = static_cast<double>(wins) + static_cast<double>(losses);
  r.win_share = static_cast<double>(wins) / n;
  const double tail = boost::math::cdf(Binomial(n, 0.5), static_cast<double>(std::min(wins, losses)));
  r.p_value = std::min(1.0, 2.0 * tail);
  MARQUEE_RETURN_IF_ERROR(Finite("the sign test's p-value", r.p_value));
  return r;
}

Result<Interval> BootstrapShareInterval(std::span<const double> values, const BootstrapOptions& options) {
  if (values.size() < 2) return Invalid("values", "at least 2 members", fmt::format("{}", values.size()));
  if (values.size() > std::numeric_limits<uint32_t>::max()) {
    return Invalid("values", "at most 2^32 - 1 members", fmt::format("{}", values.size()));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (!(values[i] >= 0.0 && values[i] <= 1.0)) {
      return Invalid(fmt::format("values[{}]", i), "a share in [0, 1]", fmt::format("{}", values[i]));
    }
  }
  if (options.resamples < 1) return Invalid("resamples", "at least 1", fmt::format("{}", options.resamples));
  MARQUEE_RETURN_IF_ERROR(CheckAlpha(options.alpha));
  Rng rng(options.seed);
  const auto n = static_cast<uint32_t>(values.size());
  std::vector<double> means(static_cast<size_t>(options.resamples));
  for (double& mean : means) {
    double sum = 0.0;
    for (uint32_t k = 0; k < n; ++k) sum += values[rng.Below(n)];
    mean = sum / n;
  }
  std::sort(means.begin(), means.end());
  return Interval{SortedQuantile(means, options.alpha / 2.0),
                  SortedQuantile(means, 1.0 - options.alpha / 2.0)};
}

Result<double> MsprtPValue(int64_t n_per_cell, double difference, double variance,
                           const MsprtOptions& options, double previous_p_value) {
  if (n_per_cell < 1) return Invalid("n_per_cell", "at least 1", fmt::format("{}", n_per_cell));
  if (!std::isfinite(difference))
    return Invalid("difference", "a finite number", fmt::format("{}", difference));
  if (!(variance > 0.0 && std::isfinite(variance))) {
    return Invalid("variance", "a finite number > 0", fmt::format("{}", variance));
  }
  const double tau2 = options.mixing_variance;
  if (!(tau2 > 0.0 && std::isfinite(tau2))) {
    return Invalid("mixing_variance", "a finite number > 0", fmt::format("{}", tau2));
  }
  if (!(previous_p_value > 0.0 && previous_p_value <= 1.0)) {
    return Invalid("previous_p_value", "a p-value in (0, 1]", fmt::format("{}", previous_p_value));
  }
  const double n = static_cast<double>(n_per_cell);
  const double v = 2.0 * variance;  // one pair's difference
  const double spread = v + n * tau2;
  // 1/Λ in logs: exp of the quadratic term overflows for decisive data.
  const double log_lambda =
      0.5 * std::log(v / spread) + n * n * tau2 * difference * difference / (2.0 * v * spread);
  const double p = log_lambda <= 0.0 ? 1.0 : std::exp(-log_lambda);
  return std::min(previous_p_value, p);
}

}  // namespace marquee::experiment
