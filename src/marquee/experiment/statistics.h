// The statistics of A/B experiment reports (issue 14 §2): comparisons of two
// cells (control, treatment), the checks a report runs before it is believed
// (sample ratio mismatch), corrections for reading many metrics at once, and
// the tests of interleaving preferences.
//
// Inputs are per member: one value per allocated member (the unit of
// randomization), never per impression or per play, so that members who play
// a lot do not count as many independent observations. Cells are independent
// samples (a member is in exactly one cell).
//
// Conventions shared by every function:
//   * differences are treatment - control; relative lifts are
//     difference / control value (0.05 = +5%);
//   * variances are sample variances with the n - 1 denominator;
//   * p-values are two-sided, in [0, 1];
//   * confidence intervals have level 1 - alpha, alpha in (0, 1);
//   * distributions (Student t, normal, chi-square, binomial) are Boost.Math's.
//
// Errors: degenerate input is refused with InvalidArgument naming the
// argument and what was expected ("control: expected at least 2 members,
// found 1"): fewer than 2 members in a cell, spans of unequal length, a value
// that is NaN or infinite, a variance of zero where it divides, shares that do
// not sum to 1, negative counts, and results that overflow a double (inputs
// near its limits). No function returns NaN silently.
//
// Thread safety: every function is pure (no shared state); call them from any
// thread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "marquee/util/status.h"

namespace marquee::experiment {

// A two-sided confidence interval [low, high].
struct Interval {
  double low = 0.0;
  double high = 0.0;
};

struct TestOptions {
  // 1 - alpha is the confidence level of the intervals. 0.05 (95%) is the
  // convention of experiment reports; a smaller alpha widens every interval.
  double alpha = 0.05;
};

// ---------------------------------------------------------------------------
// Welch's t-test for the difference of two means.
//
//   d = mean_T - mean_C,  SE = sqrt(s_T²/n_T + s_C²/n_C)
//   t = d / SE
//   df = (s_T²/n_T + s_C²/n_C)² / ((s_T²/n_T)²/(n_T-1) + (s_C²/n_C)²/(n_C-1))
//        (Welch-Satterthwaite: B. L. Welch, Biometrika 34, 1947;
//         F. E. Satterthwaite, Biometrics Bulletin 2, 1946)
//   p = 2·P(T_df > |t|),  CI = d ± t_{df, 1-alpha/2}·SE
//
// The relative lift L = d / mean_C has its interval by the delta method on
// the ratio of the two (independent) means, with a normal quantile:
//   Var(mean_T / mean_C) ≈ (s_T²/n_T)/mean_C² + mean_T²·(s_C²/n_C)/mean_C⁴
//   CI = L ± z_{1-alpha/2}·sqrt(Var)
// (the first-order Taylor expansion of a ratio; see Deng, Knoblich, Lu, KDD
// 2018, section 3). Both means are assumed approximately normal (the central
// limit theorem: tens of members per cell at least, more for skewed metrics).
//
// Errors: a cell with fewer than 2 members or a non-finite value; both
// variances zero (SE = 0); a control mean of zero (the lift divides by it).
struct MeanComparison {
  size_t control_n = 0;
  size_t treatment_n = 0;
  double control_mean = 0.0;
  double treatment_mean = 0.0;
  double control_variance = 0.0;  // sample variance, n - 1 denominator
  double treatment_variance = 0.0;
  double difference = 0.0;          // treatment_mean - control_mean
  double relative_lift = 0.0;       // difference / control_mean
  double standard_error = 0.0;      // of the difference
  double degrees_of_freedom = 0.0;  // Welch-Satterthwaite
  double t = 0.0;
  double p_value = 1.0;                       // two-sided, Student t with degrees_of_freedom
  Interval difference_interval;               // t quantile
  double relative_lift_standard_error = 0.0;  // delta method
  Interval relative_lift_interval;            // normal quantile
};

[[nodiscard]] Result<MeanComparison> WelchTTest(std::span<const double> control,
                                                std::span<const double> treatment,
                                                const TestOptions& options = {});

// ---------------------------------------------------------------------------
// Ratio metrics by the delta method (Deng, Knoblich, Lu, "Applying the Delta
// Method in Metric Analytics: A Practical Guide with Novel Ideas", KDD 2018).
//
// A ratio metric divides two sums over a cell's members, e.g. take rate =
// Σ qualifying plays / Σ impressions. Member i contributes numerator x_i and
// denominator y_i; impressions of one member are not independent, so the
// variance is computed over members:
//   R = Σx / Σy = x̄ / ȳ
//   Var(R) ≈ (1/n)·(1/ȳ²)·(s_x² - 2R·s_xy + R²·s_y²)
// with s_x², s_y², s_xy the sample variances and covariance (n - 1).
//
// Errors: fewer than 2 members, spans of unequal length, a non-finite value,
// a mean denominator of zero.
struct RatioEstimate {
  size_t n = 0;                   // members
  double numerator_mean = 0.0;    // x̄
  double denominator_mean = 0.0;  // ȳ
  double ratio = 0.0;             // R = Σx / Σy
  double variance = 0.0;          // Var(R) by the delta method, >= 0
  double standard_error = 0.0;    // sqrt(variance)
};

[[nodiscard]] Result<RatioEstimate> DeltaMethodRatio(std::span<const double> numerator,
                                                     std::span<const double> denominator);

// The difference of a ratio metric between two cells, with a normal (z)
// interval and p-value:
//   d = R_T - R_C,  SE = sqrt(Var(R_T) + Var(R_C)),  z = d / SE
//   p = 2·P(Z > |z|),  CI = d ± z_{1-alpha/2}·SE
// and the relative lift d / R_C with the delta method on R_T / R_C:
//   Var(R_T / R_C) ≈ Var(R_T)/R_C² + R_T²·Var(R_C)/R_C⁴.
// Errors: those of DeltaMethodRatio for either cell; SE = 0; R_C = 0.
struct RatioComparison {
  RatioEstimate control;
  RatioEstimate treatment;
  double difference = 0.0;     // treatment.ratio - control.ratio
  double relative_lift = 0.0;  // difference / control.ratio
  double standard_error = 0.0;
  double z = 0.0;
  double p_value = 1.0;  // two-sided, standard normal
  Interval difference_interval;
  double relative_lift_standard_error = 0.0;
  Interval relative_lift_interval;
};

[[nodiscard]] Result<RatioComparison> CompareRatios(std::span<const double> control_numerator,
                                                    std::span<const double> control_denominator,
                                                    std::span<const double> treatment_numerator,
                                                    std::span<const double> treatment_denominator,
                                                    const TestOptions& options = {});

// ---------------------------------------------------------------------------
// CUPED: variance reduction with a pre-experiment covariate (Deng, Xu,
// Kohavi, Walker, "Improving the Sensitivity of Online Controlled Experiments
// by Utilizing Pre-Experiment Data", WSDM 2013).
//
// Each member has the metric Y and a covariate X measured before the
// experiment began (e.g. the same metric over the previous weeks), so X is
// independent of the assignment. Over both cells pooled:
//   theta = cov(Y, X) / var(X)
//   Y_adj = Y - theta·(X - mean(X))
// then WelchTTest(control Y_adj, treatment Y_adj). Subtracting a pooled
// constant leaves the difference unbiased and shrinks its variance by the
// share of var(Y) that X explains:
//   variance_reduction = 1 - var(Y_adj) / var(Y)   (pooled; = corr(Y, X)²)
// The pooled variances include the spread between the cells' means (the
// effect), so a covariate equal to the metric reduces by a little less than 1
// when there is an effect.
// Errors: those of WelchTTest (with "the CUPED-adjusted metric: " in front);
// spans of unequal length; var(X) = 0 (theta divides by it); var(Y) = 0; a
// covariate that explains all but 1e-10 of var(Y) (an exact linear function of
// the metric: Y_adj would be constant but for rounding).
struct CupedComparison {
  double theta = 0.0;
  double variance_reduction = 0.0;  // in [0, 1] (up to rounding)
  MeanComparison adjusted;          // Welch on Y_adj; its means are the adjusted means
};

[[nodiscard]] Result<CupedComparison> CupedWelchTTest(std::span<const double> control_metric,
                                                      std::span<const double> control_covariate,
                                                      std::span<const double> treatment_metric,
                                                      std::span<const double> treatment_covariate,
                                                      const TestOptions& options = {});

// ---------------------------------------------------------------------------
// Sample ratio mismatch: do the members allocated per cell match the shares
// the experiment configured? Pearson's chi-square goodness of fit:
//   E_i = share_i · Σ counts,  X² = Σ (count_i - E_i)² / E_i,  df = cells - 1
//   p = P(χ²_df > X²)
// A mismatch (p below the threshold) means the allocation or the logging is
// broken and the experiment's other numbers are not to be trusted (Fabijan et
// al., "Diagnosing Sample Ratio Mismatch in Online Controlled Experiments",
// KDD 2019).
struct SampleRatioOptions {
  // p below this flags a mismatch. 0.001 is strict on purpose: the check runs
  // on every experiment, and a false alarm stops a report.
  double threshold = 0.001;
  // How far Σ shares may be from 1 (rounding of shares such as 1/3).
  double share_sum_tolerance = 1e-9;
};

struct SampleRatioCheck {
  double chi_square = 0.0;
  double degrees_of_freedom = 0.0;  // cells - 1
  double p_value = 1.0;
  bool mismatch = false;         // p_value < threshold
  std::vector<double> expected;  // E_i, in the order of the counts
};

// Errors: fewer than 2 cells; counts and shares of unequal length; a negative
// count; a total of zero; a share not in (0, 1] or non-finite; shares not
// summing to 1; a threshold not in (0, 1).
[[nodiscard]] Result<SampleRatioCheck> CheckSampleRatio(std::span<const int64_t> counts,
                                                        std::span<const double> shares,
                                                        const SampleRatioOptions& options = {});

// ---------------------------------------------------------------------------
// Multiple comparisons. Both take m p-values and return m adjusted values in
// the same order (compare each with the level, e.g. 0.05); both are monotone
// in the p-values and capped at 1. An empty input gives an empty output.
// Errors: a p-value that is NaN or outside [0, 1].
//
// Holm-Bonferroni (S. Holm, Scand. J. Statistics 6, 1979), controls the
// family-wise error rate; step-down over the sorted p_(1) <= ... <= p_(m):
//   adj_(i) = max_{j <= i} min(1, (m - j + 1)·p_(j))
[[nodiscard]] Result<std::vector<double>> HolmAdjust(std::span<const double> p_values);

// Benjamini-Hochberg (Benjamini, Hochberg, JRSS B 57, 1995), controls the
// false discovery rate under independence or positive dependence; step-up:
//   q_(i) = min_{j >= i} min(1, m·p_(j) / j)
[[nodiscard]] Result<std::vector<double>> BenjaminiHochbergAdjust(std::span<const double> p_values);

// ---------------------------------------------------------------------------
// Interleaving preferences (team-draft interleaving): each member prefers the
// treatment ranking (a win), the control ranking (a loss), or neither (a tie,
// excluded).
//
// The sign test: under the null hypothesis of no preference, wins ~
// Binomial(wins + losses, 1/2); the exact two-sided p-value is
//   p = min(1, 2·P(X <= min(wins, losses)))
// (the binomial is symmetric at 1/2, so this equals the sum of the
// probabilities of all outcomes no more likely than the observed one, SciPy's
// binomtest). Errors: a negative count; wins + losses = 0.
struct SignTestResult {
  int64_t wins = 0;
  int64_t losses = 0;
  double win_share = 0.0;  // wins / (wins + losses)
  double p_value = 1.0;
};

[[nodiscard]] Result<SignTestResult> SignTest(int64_t wins, int64_t losses);

struct BootstrapOptions {
  // Resamples drawn. The percentile interval's ends move by about
  // sqrt(alpha/2 · (1 - alpha/2) / resamples) / density between seeds; 10,000
  // keeps that well below the interval's width for shares.
  int resamples = 10000;
  double alpha = 0.05;
  // The interval is a function of the data and this seed only (marquee::Rng,
  // xoshiro256**, util/random.h): reports are reproducible.
  uint64_t seed = 20240514;
};

// A bootstrap percentile interval (Efron, Tibshirani, "An Introduction to the
// Bootstrap", 1993, ch. 13) on a share: the mean of per-member values in
// [0, 1] (1 prefers treatment, 0 prefers control; 0.5 may stand for a tie a
// caller keeps). Members are resampled with replacement `resamples` times; the
// interval is the alpha/2 and 1 - alpha/2 quantiles of the resampled means
// (linear interpolation between order statistics, NumPy's default "linear"
// method). Cost: resamples × n draws.
// Errors: fewer than 2 members, more than 2^32 - 1; a value outside [0, 1] or
// NaN; resamples < 1; alpha not in (0, 1).
[[nodiscard]] Result<Interval> BootstrapShareInterval(std::span<const double> values,
                                                      const BootstrapOptions& options = {});

// ---------------------------------------------------------------------------
// Always-valid p-values for a difference of means: the mixture sequential
// probability ratio test with a normal mixture (Johari, Koomen, Pekelis,
// Walsh, "Peeking at A/B Tests: Why it matters, and what to do about it", KDD
// 2017, section 4). Unlike Welch's p-value it may be looked at after every
// member without inflating the false positive rate.
//
// With n members per cell, the observed difference d = mean_T - mean_C, the
// per-member variance sigma² (assumed equal in both cells, so one pair's
// difference has variance V = 2·sigma²) and the mixing variance tau² of the
// normal prior on the true difference under the alternative:
//   Λ_n = sqrt(V / (V + n·tau²)) · exp(n²·tau²·d² / (2·V·(V + n·tau²)))
//   p_n = min(p_{n-1}, 1 / Λ_n),  p_0 = 1.
// Assumptions: the means are approximately normal (central limit theorem),
// sigma² is known or a plug-in estimate (the guarantee is then asymptotic),
// cells are balanced (n each). tau² should be of the order of the squared
// effects one expects; it changes power, never validity.
struct MsprtOptions {
  double mixing_variance = 0.0;  // tau², > 0; no default: it is the metric's scale
};

// One look: p_n given the previous look's p (1 on the first look).
// Errors: n < 1; variance <= 0 or non-finite; mixing_variance <= 0 or
// non-finite; difference non-finite; previous_p_value not in (0, 1].
[[nodiscard]] Result<double> MsprtPValue(int64_t n_per_cell, double difference, double variance,
                                         const MsprtOptions& options, double previous_p_value = 1.0);

}  // namespace marquee::experiment
