#include "marquee/experiment/statistics.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "marquee/util/random.h"

namespace marquee::experiment {
namespace {

// ---------------------------------------------------------------------------
// SciPy as the reference (issue 14 requires it). The first python3 on PATH
// may lack SciPy (a pyenv one), so the system interpreter is tried first.

// The interpreter that imports scipy, or "" when none does.
const std::string& PythonWithScipy() {
  static const std::string found = [] {
    for (const char* python : {"/usr/bin/python3", "python3"}) {
      const std::string probe = fmt::format("{} -c 'import scipy, numpy' >/dev/null 2>&1", python);
      if (std::system(probe.c_str()) == 0) return std::string(python);
    }
    return std::string();
  }();
  return found;
}

#define REQUIRE_SCIPY()                                                              \
  if (PythonWithScipy().empty()) {                                                   \
    GTEST_SKIP() << "SciPy not found (tried /usr/bin/python3 and python3): install " \
                    "python3-scipy to compare these statistics with SciPy";          \
  }

// A Python list literal; 17 significant digits survive the round trip exactly.
std::string PyList(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += fmt::format("{}{:.17g}", i ? ", " : "", values[i]);
  return out + "]";
}

// Runs `code` (which prints numbers separated by whitespace) and returns them.
std::vector<double> RunPython(const std::string& code) {
  std::string path = testing::TempDir() + "/marquee_statistics_XXXXXX";
  const int fd = ::mkstemp(path.data());
  EXPECT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << "import numpy as np\nimport scipy.stats as st\n" << code << "\n";
  const std::string command = fmt::format("{} {} 2>&1", PythonWithScipy(), path);
  std::string output;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while (pipe != nullptr && (n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
    output.append(buf.data(), n);
  const int status = pipe != nullptr ? ::pclose(pipe) : -1;
  std::remove(path.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "python failed:\n" << output;
  std::vector<double> numbers;
  std::istringstream in(output);
  std::string word;
  while (in >> word) numbers.push_back(std::strtod(word.c_str(), nullptr));
  return numbers;
}

// |actual - expected| <= rel * |expected| (or an absolute 1e-15 near zero).
#define EXPECT_REL(actual, expected, rel) \
  EXPECT_NEAR((actual), (expected), std::max(1e-15, (rel)*std::fabs(expected))) << #actual

constexpr double kClosedForm = 1e-9;  // closed forms: SciPy and we must agree to rounding

// Hand-typed cells: minutes watched per member, control and treatment.
const std::vector<double> kControl = {12.5, 7.0, 30.25, 0.0, 18.0, 22.5, 5.75, 14.0, 9.5, 26.0, 3.25, 16.0};
const std::vector<double> kTreatment = {15.0, 21.5, 8.25,  33.0, 19.75, 27.0, 11.0, 24.5,
                                        40.0, 6.5,  17.25, 29.0, 13.5,  22.0, 31.75};

void ExpectInvalid(const Status& status, const std::string& names) {
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << status.ToString();
  EXPECT_NE(status.message().find(names), std::string::npos) << status.message() << " should name " << names;
  EXPECT_NE(status.message().find("expected"), std::string::npos) << status.message();
}

// ---------------------------------------------------------------------------
// Welch's t-test

TEST(StatisticsWelchTest, MatchesScipyTtestInd) {
  REQUIRE_SCIPY();
  for (double alpha : {0.05, 0.1}) {
    auto r = WelchTTest(kControl, kTreatment, {.alpha = alpha});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const auto py = RunPython(fmt::format(R"(
c = np.array({}); t = np.array({}); alpha = {}
res = st.ttest_ind(t, c, equal_var=False)
vc = c.var(ddof=1) / len(c); vt = t.var(ddof=1) / len(t)
df = (vc + vt)**2 / (vc**2 / (len(c) - 1) + vt**2 / (len(t) - 1))
se = np.sqrt(vc + vt); d = t.mean() - c.mean()
h = st.t.ppf(1 - alpha / 2, df) * se
lift = d / c.mean()
lift_se = np.sqrt(vt / c.mean()**2 + t.mean()**2 * vc / c.mean()**4)
hz = st.norm.ppf(1 - alpha / 2) * lift_se
print(repr(res.statistic), repr(res.pvalue), repr(df), repr(se), repr(d), repr(d - h), repr(d + h),
      repr(lift), repr(lift_se), repr(lift - hz), repr(lift + hz))
)",
                                          PyList(kControl), PyList(kTreatment), alpha));
    ASSERT_EQ(py.size(), 11u);
    EXPECT_REL(r->t, py[0], kClosedForm);
    EXPECT_REL(r->p_value, py[1], kClosedForm);
    EXPECT_REL(r->degrees_of_freedom, py[2], kClosedForm);
    EXPECT_REL(r->standard_error, py[3], kClosedForm);
    EXPECT_REL(r->difference, py[4], kClosedForm);
    EXPECT_REL(r->difference_interval.low, py[5], kClosedForm);
    EXPECT_REL(r->difference_interval.high, py[6], kClosedForm);
    EXPECT_REL(r->relative_lift, py[7], kClosedForm);
    EXPECT_REL(r->relative_lift_standard_error, py[8], kClosedForm);
    EXPECT_REL(r->relative_lift_interval.low, py[9], kClosedForm);
    EXPECT_REL(r->relative_lift_interval.high, py[10], kClosedForm);
  }
}

TEST(StatisticsWelchTest, IsAntisymmetricAndReportsTheCells) {
  auto forward = WelchTTest(kControl, kTreatment);
  auto backward = WelchTTest(kTreatment, kControl);
  ASSERT_TRUE(forward.ok() && backward.ok());
  EXPECT_EQ(forward->control_n, kControl.size());
  EXPECT_EQ(forward->treatment_n, kTreatment.size());
  EXPECT_DOUBLE_EQ(forward->t, -backward->t);
  EXPECT_DOUBLE_EQ(forward->p_value, backward->p_value);
  EXPECT_DOUBLE_EQ(forward->degrees_of_freedom, backward->degrees_of_freedom);
  EXPECT_LT(forward->difference_interval.low, forward->difference);
  EXPECT_GT(forward->difference_interval.high, forward->difference);
}

TEST(StatisticsWelchTest, OneConstantCellIsFineAndDfIsThatOfTheOther) {
  // Var(control) = 0: SE and df come from the treatment alone (df = n_T - 1).
  const std::vector<double> constant = {4.0, 4.0, 4.0};
  auto r = WelchTTest(constant, kTreatment);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NEAR(r->degrees_of_freedom, kTreatment.size() - 1.0, 1e-9);
}

TEST(StatisticsWelchTest, RefusesDegenerateInput) {
  const std::vector<double> one = {1.0};
  const std::vector<double> with_nan = {1.0, std::nan(""), 3.0};
  const std::vector<double> with_inf = {1.0, INFINITY, 3.0};
  const std::vector<double> constant = {2.0, 2.0, 2.0};
  const std::vector<double> zero_mean = {-1.0, 1.0, 0.0};
  ExpectInvalid(WelchTTest(one, kTreatment).status(), "control");
  ExpectInvalid(WelchTTest(kControl, one).status(), "treatment");
  ExpectInvalid(WelchTTest({}, kTreatment).status(), "control");
  ExpectInvalid(WelchTTest(with_nan, kTreatment).status(), "control[1]");
  ExpectInvalid(WelchTTest(kControl, with_inf).status(), "treatment[1]");
  ExpectInvalid(WelchTTest(constant, constant).status(), "variance");
  ExpectInvalid(WelchTTest(zero_mean, kTreatment).status(), "control");
  // Finite values whose squares overflow: refused, never a NaN.
  const std::vector<double> huge = {1e308, -1e308, 1e308};
  ExpectInvalid(WelchTTest(huge, kTreatment).status(), "finite result");
  ExpectInvalid(WelchTTest(kControl, kTreatment, {.alpha = 0.0}).status(), "alpha");
  ExpectInvalid(WelchTTest(kControl, kTreatment, {.alpha = 1.0}).status(), "alpha");
  ExpectInvalid(WelchTTest(kControl, kTreatment, {.alpha = std::nan("")}).status(), "alpha");
}

// ---------------------------------------------------------------------------
// Ratio metrics by the delta method

// Per member: qualifying plays (numerator) and impressions (denominator).
const std::vector<double> kControlPlays = {2, 0, 5, 1, 3, 0, 7, 2, 1, 4, 0, 3, 6, 1};
const std::vector<double> kControlImpressions = {10, 4, 22, 9, 15, 3, 30, 12, 8, 18, 5, 11, 25, 7};
const std::vector<double> kTreatmentPlays = {3, 1, 6, 2, 0, 5, 8, 2, 4, 1, 7, 3};
const std::vector<double> kTreatmentImpressions = {11, 6, 20, 9, 4, 17, 28, 10, 13, 5, 24, 12};

TEST(StatisticsRatioTest, MatchesTheDeltaMethodFormulaAndScipyNormal) {
  REQUIRE_SCIPY();
  auto r = CompareRatios(kControlPlays, kControlImpressions, kTreatmentPlays, kTreatmentImpressions);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto py = RunPython(fmt::format(R"(
def delta(x, y):
    x = np.array(x); y = np.array(y); n = len(x)
    R = x.sum() / y.sum(); c = np.cov(x, y, ddof=1)
    return R, (c[0, 0] - 2 * R * c[0, 1] + R**2 * c[1, 1]) / (n * y.mean()**2)
rc, vc = delta({}, {}); rt, vt = delta({}, {})
d = rt - rc; se = np.sqrt(vc + vt); z = d / se; h = st.norm.ppf(0.975) * se
lift = d / rc; lift_se = np.sqrt(vt / rc**2 + rt**2 * vc / rc**4)
print(repr(rc), repr(vc), repr(rt), repr(vt), repr(d), repr(z), repr(2 * st.norm.sf(abs(z))),
      repr(d - h), repr(d + h), repr(lift), repr(lift_se))
)",
                                        PyList(kControlPlays), PyList(kControlImpressions),
                                        PyList(kTreatmentPlays), PyList(kTreatmentImpressions)));
  ASSERT_EQ(py.size(), 11u);
  EXPECT_REL(r->control.ratio, py[0], kClosedForm);
  EXPECT_REL(r->control.variance, py[1], kClosedForm);
  EXPECT_REL(r->treatment.ratio, py[2], kClosedForm);
  EXPECT_REL(r->treatment.variance, py[3], kClosedForm);
  EXPECT_REL(r->difference, py[4], kClosedForm);
  EXPECT_REL(r->z, py[5], kClosedForm);
  EXPECT_REL(r->p_value, py[6], kClosedForm);
  EXPECT_REL(r->difference_interval.low, py[7], kClosedForm);
  EXPECT_REL(r->difference_interval.high, py[8], kClosedForm);
  EXPECT_REL(r->relative_lift, py[9], kClosedForm);
  EXPECT_REL(r->relative_lift_standard_error, py[10], kClosedForm);
  EXPECT_EQ(r->control.n, kControlPlays.size());
  EXPECT_DOUBLE_EQ(r->control.standard_error, std::sqrt(r->control.variance));
}

// One simulated cell: members with their own play rate and a heavy spread of
// impressions, so a member's impressions are correlated (the case the delta
// method exists for).
void SimulateCell(Rng& rng, size_t members, std::vector<double>& plays, std::vector<double>& impressions) {
  plays.assign(members, 0.0);
  impressions.assign(members, 0.0);
  for (size_t i = 0; i < members; ++i) {
    const double rate = rng.Beta(2.0, 6.0);
    const uint32_t shown = 1 + rng.Below(3) * rng.Below(12);
    impressions[i] = shown;
    for (uint32_t k = 0; k < shown; ++k) plays[i] += rng.Bernoulli(rate) ? 1.0 : 0.0;
  }
}

TEST(StatisticsRatioTest, DeltaMethodVarianceMatchesSimulation) {
  constexpr int kCells = 5000;
  constexpr size_t kMembers = 200;
  Rng rng(14);
  std::vector<double> plays, impressions, ratios;
  double formula_variance = 0.0;
  double naive_variance = 0.0;  // impressions as if independent: R(1 - R) / Σ impressions
  for (int c = 0; c < kCells; ++c) {
    SimulateCell(rng, kMembers, plays, impressions);
    auto r = DeltaMethodRatio(plays, impressions);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ratios.push_back(r->ratio);
    formula_variance += r->variance / kCells;
    naive_variance += r->ratio * (1 - r->ratio) / (r->denominator_mean * kMembers) / kCells;
  }
  double mean = 0.0;
  for (double x : ratios) mean += x / kCells;
  double empirical = 0.0;
  for (double x : ratios) empirical += (x - mean) * (x - mean) / (kCells - 1);
  RecordProperty("formula_over_empirical", fmt::format("{:.4f}", formula_variance / empirical));
  RecordProperty("naive_over_empirical", fmt::format("{:.4f}", naive_variance / empirical));
  // The empirical variance of 5000 cells is itself uncertain by sqrt(2/5000) = 2%.
  EXPECT_NEAR(formula_variance / empirical, 1.0, 0.06) << formula_variance << " vs " << empirical;
  // Treating impressions as independent understates the variance badly here.
  EXPECT_LT(naive_variance / empirical, 0.8);
}

TEST(StatisticsRatioTest, RefusesDegenerateInput) {
  const std::vector<double> two = {1.0, 2.0};
  const std::vector<double> three = {1.0, 2.0, 3.0};
  const std::vector<double> zeros = {0.0, 0.0, 0.0};
  const std::vector<double> with_nan = {1.0, std::nan(""), 3.0};
  ExpectInvalid(DeltaMethodRatio(std::vector<double>{1.0}, std::vector<double>{1.0}).status(), "numerator");
  ExpectInvalid(DeltaMethodRatio(three, two).status(), "denominator");
  ExpectInvalid(DeltaMethodRatio(three, zeros).status(), "denominator");
  ExpectInvalid(DeltaMethodRatio(with_nan, three).status(), "numerator[1]");
  ExpectInvalid(DeltaMethodRatio(three, with_nan).status(), "denominator[1]");
  ExpectInvalid(
      DeltaMethodRatio(std::vector<double>{1e308, 1e308}, std::vector<double>{1e-300, 1e-300}).status(),
      "finite result");
  // CompareRatios names the argument as the caller spells it.
  ExpectInvalid(CompareRatios(three, two, three, three).status(), "control_denominator");
  ExpectInvalid(CompareRatios(three, three, with_nan, three).status(), "treatment_numerator[1]");
  ExpectInvalid(CompareRatios(three, three, three, zeros).status(), "treatment_denominator");
  // Every member's ratio equal to R in both cells: Var(R) = 0 in both, SE = 0.
  ExpectInvalid(CompareRatios(three, three, three, three).status(), "variance");
  // A control ratio of 0: the lift divides by it.
  ExpectInvalid(CompareRatios(zeros, three, kTreatmentPlays, kTreatmentImpressions).status(),
                "control_numerator");
  ExpectInvalid(CompareRatios(kControlPlays, kControlImpressions, kTreatmentPlays, kTreatmentImpressions,
                              {.alpha = 2.0})
                    .status(),
                "alpha");
}

// ---------------------------------------------------------------------------
// CUPED

// Pre-experiment minutes (covariate) for the members of kControl and kTreatment.
const std::vector<double> kControlPre = {10.0, 8.5, 25.0, 2.0, 15.5, 20.0, 4.0, 13.0, 11.0, 22.0, 1.5, 17.0};
const std::vector<double> kTreatmentPre = {12.0, 16.5, 9.0,  27.5, 14.0, 21.0, 10.5, 18.0,
                                           33.0, 5.0,  15.0, 23.5, 12.5, 16.0, 26.0};

TEST(StatisticsCupedTest, MatchesTheFormulaWithNumpyAndScipyWelch) {
  REQUIRE_SCIPY();
  auto r = CupedWelchTTest(kControl, kControlPre, kTreatment, kTreatmentPre);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto py = RunPython(fmt::format(R"(
yc = np.array({}); xc = np.array({}); yt = np.array({}); xt = np.array({})
y = np.concatenate([yc, yt]); x = np.concatenate([xc, xt])
theta = np.cov(y, x, ddof=1)[0, 1] / x.var(ddof=1)
ac = yc - theta * (xc - x.mean()); at = yt - theta * (xt - x.mean())
adj = np.concatenate([ac, at])
res = st.ttest_ind(at, ac, equal_var=False)
print(repr(theta), repr(1 - adj.var(ddof=1) / y.var(ddof=1)), repr(ac.mean()), repr(at.mean()),
      repr(res.statistic), repr(res.pvalue), repr(np.corrcoef(y, x)[0, 1]**2))
)",
                                        PyList(kControl), PyList(kControlPre), PyList(kTreatment),
                                        PyList(kTreatmentPre)));
  ASSERT_EQ(py.size(), 7u);
  EXPECT_REL(r->theta, py[0], kClosedForm);
  EXPECT_REL(r->variance_reduction, py[1], kClosedForm);
  EXPECT_REL(r->adjusted.control_mean, py[2], kClosedForm);
  EXPECT_REL(r->adjusted.treatment_mean, py[3], kClosedForm);
  EXPECT_REL(r->adjusted.t, py[4], kClosedForm);
  EXPECT_REL(r->adjusted.p_value, py[5], kClosedForm);
  // The reduction is the pooled squared correlation (var(Y - theta X) = var(Y)(1 - rho^2)).
  EXPECT_REL(r->variance_reduction, py[6], kClosedForm);
  // A covariate this correlated narrows the interval against plain Welch.
  auto plain = WelchTTest(kControl, kTreatment);
  ASSERT_TRUE(plain.ok());
  EXPECT_LT(r->adjusted.standard_error, plain->standard_error);
}

TEST(StatisticsCupedTest, UncorrelatedCovariateBarelyChangesTheVariance) {
  Rng rng(7);
  std::vector<double> yc(2000), xc(2000), yt(2000), xt(2000);
  for (size_t i = 0; i < yc.size(); ++i) {
    yc[i] = rng.Normal(10.0, 3.0);
    xc[i] = rng.Normal(5.0, 2.0);
    yt[i] = rng.Normal(10.5, 3.0);
    xt[i] = rng.Normal(5.0, 2.0);
  }
  auto r = CupedWelchTTest(yc, xc, yt, xt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->variance_reduction, 0.0);
  EXPECT_LT(r->variance_reduction, 0.005);  // E[rho^2] = 1/4000 for independent samples
  auto plain = WelchTTest(yc, yt);
  ASSERT_TRUE(plain.ok());
  EXPECT_NEAR(r->adjusted.standard_error / plain->standard_error, 1.0, 0.005);
}

TEST(StatisticsCupedTest, CovariateNearlyEqualToTheMetricRemovesNearlyAllVariance) {
  Rng rng(8);
  std::vector<double> yc(500), xc(500), yt(500), xt(500);
  for (size_t i = 0; i < yc.size(); ++i) {
    xc[i] = rng.Normal(10.0, 3.0);
    yc[i] = xc[i] + rng.Normal(0.0, 0.01);
    xt[i] = rng.Normal(10.0, 3.0);
    yt[i] = xt[i] + 0.2 + rng.Normal(0.0, 0.01);
  }
  auto r = CupedWelchTTest(yc, xc, yt, xt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Pooled var(Y_adj) keeps the effect's between-cell spread (0.2²/4 against var(Y) ≈ 9).
  EXPECT_GT(r->variance_reduction, 0.998);
  EXPECT_NEAR(r->theta, 1.0, 0.01);
  // What is left is the effect: 0.2 against noise of 0.01 per member.
  EXPECT_NEAR(r->adjusted.difference, 0.2, 0.01);
  EXPECT_LT(r->adjusted.p_value, 1e-12);
}

TEST(StatisticsCupedTest, RefusesDegenerateInput) {
  const std::vector<double> three = {1.0, 2.0, 3.0};
  const std::vector<double> two = {1.0, 2.0};
  const std::vector<double> constant = {5.0, 5.0, 5.0};
  const std::vector<double> with_nan = {1.0, std::nan(""), 3.0};
  EXPECT_TRUE(CupedWelchTTest(three, std::vector<double>{1.0, 3.0, 2.0}, three, three).ok());
  ExpectInvalid(CupedWelchTTest(std::vector<double>{1.0}, std::vector<double>{1.0}, three, three).status(),
                "control_metric");
  ExpectInvalid(CupedWelchTTest(three, two, three, three).status(), "control_covariate");
  ExpectInvalid(CupedWelchTTest(three, three, three, two).status(), "treatment_covariate");
  ExpectInvalid(CupedWelchTTest(three, with_nan, three, three).status(), "control_covariate[1]");
  ExpectInvalid(CupedWelchTTest(three, three, with_nan, three).status(), "treatment_metric[1]");
  ExpectInvalid(CupedWelchTTest(three, constant, three, constant).status(), "covariate");
  ExpectInvalid(CupedWelchTTest(constant, three, constant, three).status(), "metric");
  // X = Y exactly (or any linear function of it): Y_adj is constant up to
  // rounding, nothing is left to test.
  ExpectInvalid(CupedWelchTTest(kControl, kControl, kTreatment, kTreatment).status(), "linear function");
  std::vector<double> scaled_c = kControl, scaled_t = kTreatment;
  for (double& x : scaled_c) x = 3.0 * x - 1.0;
  for (double& x : scaled_t) x = 3.0 * x - 1.0;
  ExpectInvalid(CupedWelchTTest(kControl, scaled_c, kTreatment, scaled_t).status(), "linear function");
  // Y_adj constant within each cell but not across: Welch's zero variance, named as CUPED's.
  const std::vector<double> yc = {1.0, 2.0, 3.0}, yt = {11.0, 12.0, 13.0}, xc = {1.0, 2.0, 3.0},
                            xt = {1.0, 2.0, 3.0};
  const Status within = CupedWelchTTest(yc, xc, yt, xt).status();
  ExpectInvalid(within, "variance");
  EXPECT_NE(within.message().find("CUPED-adjusted"), std::string::npos) << within.message();
}

// ---------------------------------------------------------------------------
// Sample ratio mismatch

TEST(StatisticsSampleRatioTest, MatchesScipyChisquare) {
  REQUIRE_SCIPY();
  struct Case {
    std::vector<int64_t> counts;
    std::vector<double> shares;
  };
  const std::vector<Case> cases = {
      {{5021, 4979}, {0.5, 0.5}},
      {{5210, 4790}, {0.5, 0.5}},
      {{3401, 3299, 3300}, {1.0 / 3, 1.0 / 3, 1.0 / 3}},
      {{9120, 880}, {0.9, 0.1}},
      {{812, 1004, 2050, 0}, {0.2, 0.25, 0.5, 0.05}},
  };
  for (const Case& c : cases) {
    auto r = CheckSampleRatio(c.counts, c.shares);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::vector<double> counts(c.counts.begin(), c.counts.end());
    const auto py = RunPython(fmt::format(R"(
counts = np.array({}); shares = np.array({})
res = st.chisquare(counts, shares * counts.sum())
print(repr(res.statistic), repr(res.pvalue))
)",
                                          PyList(counts), PyList(c.shares)));
    ASSERT_EQ(py.size(), 2u);
    EXPECT_REL(r->chi_square, py[0], kClosedForm);
    EXPECT_REL(r->p_value, py[1], kClosedForm);
    EXPECT_EQ(r->degrees_of_freedom, c.counts.size() - 1.0);
    EXPECT_EQ(r->mismatch, py[1] < 0.001);
  }
}

TEST(StatisticsSampleRatioTest, FlagsBelowTheThreshold) {
  // 5210 / 4790 of 10000 on 50/50: X² = 17.64, p ≈ 2.7e-5.
  const std::vector<int64_t> counts = {5210, 4790};
  const std::vector<double> halves = {0.5, 0.5};
  auto r = CheckSampleRatio(counts, halves);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->chi_square, 17.64, 1e-9);
  EXPECT_TRUE(r->mismatch);
  EXPECT_EQ(r->expected, (std::vector<double>{5000.0, 5000.0}));
  auto lenient = CheckSampleRatio(counts, halves, {.threshold = 1e-6});
  ASSERT_TRUE(lenient.ok());
  EXPECT_FALSE(lenient->mismatch);
  auto balanced = CheckSampleRatio(std::vector<int64_t>{5000, 5000}, halves);
  ASSERT_TRUE(balanced.ok());
  EXPECT_EQ(balanced->chi_square, 0.0);
  EXPECT_EQ(balanced->p_value, 1.0);
  EXPECT_FALSE(balanced->mismatch);
}

TEST(StatisticsSampleRatioTest, RefusesDegenerateInput) {
  const std::vector<double> halves = {0.5, 0.5};
  ExpectInvalid(CheckSampleRatio(std::vector<int64_t>{10}, std::vector<double>{1.0}).status(), "counts");
  ExpectInvalid(CheckSampleRatio(std::vector<int64_t>{10, 12}, std::vector<double>{1.0}).status(), "shares");
  ExpectInvalid(CheckSampleRatio(std::vector<int64_t>{10, -1}, halves).status(), "counts[1]");
  ExpectInvalid(CheckSampleRatio(std::vector<int64_t>{0, 0}, halves).status(), "counts");
  ExpectInvalid(CheckSampleRatio(std::vector<int64_t>{10, 12}, std::vector<double>{0.5, 0.6}).status(),
                "shares");
  ExpectInvalid(CheckSampleRatio(std::vector<int64_t>{10, 12}, std::vector<double>{1.0, 0.0}).status(),
                "shares[1]");
  ExpectInvalid(
      CheckSampleRatio(std::vector<int64_t>{10, 12}, std::vector<double>{std::nan(""), 0.5}).status(),
      "shares[0]");
  ExpectInvalid(CheckSampleRatio(std::vector<int64_t>{10, 12}, halves, {.threshold = 0.0}).status(),
                "threshold");
}

// ---------------------------------------------------------------------------
// Multiple comparisons

TEST(StatisticsMultipleComparisonsTest, HolmKnownAnswers) {
  auto holm = HolmAdjust(std::vector<double>{0.01, 0.04, 0.03});
  ASSERT_TRUE(holm.ok());
  ASSERT_EQ(holm->size(), 3u);
  // Sorted 0.01, 0.03, 0.04: 3·0.01, max(0.03, 2·0.03), max(0.06, 1·0.04).
  EXPECT_NEAR((*holm)[0], 0.03, 1e-15);
  EXPECT_NEAR((*holm)[1], 0.06, 1e-15);
  EXPECT_NEAR((*holm)[2], 0.06, 1e-15);
  // Capped at 1.
  auto capped = HolmAdjust(std::vector<double>{0.5, 0.9});
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(*capped, (std::vector<double>{1.0, 1.0}));
}

TEST(StatisticsMultipleComparisonsTest, BenjaminiHochbergKnownAnswers) {
  // Sorted 0.005, 0.01, 0.03, 0.04 (m = 4): m·p/j = 0.02, 0.02, 0.04, 0.04.
  auto bh = BenjaminiHochbergAdjust(std::vector<double>{0.01, 0.04, 0.03, 0.005});
  ASSERT_TRUE(bh.ok());
  const std::vector<double> expected = {0.02, 0.04, 0.04, 0.02};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR((*bh)[i], expected[i], 1e-15) << i;
  // Step-up: a larger p with a smaller m·p/j pulls the earlier ones down.
  // Sorted 0.02, 0.03 (m = 2): 0.04, 0.03 -> q = 0.03, 0.03.
  auto pulled = BenjaminiHochbergAdjust(std::vector<double>{0.03, 0.02});
  ASSERT_TRUE(pulled.ok());
  EXPECT_NEAR((*pulled)[0], 0.03, 1e-15);
  EXPECT_NEAR((*pulled)[1], 0.03, 1e-15);
}

TEST(StatisticsMultipleComparisonsTest, MatchesScipyOrTheDefinitionsInPython) {
  REQUIRE_SCIPY();
  const std::vector<double> p = {0.001, 0.2, 0.013, 0.04, 0.5, 0.0311, 0.9, 0.008, 0.04, 0.07, 0.0125, 0.3};
  // SciPy has Benjamini-Hochberg from 1.11 (false_discovery_control) and no
  // Holm; otherwise both are computed from their definitions, written as
  // max/min over all j rather than as our running max/min.
  const auto py = RunPython(fmt::format(R"(
p = {}; m = len(p); order = sorted(range(m), key=lambda i: p[i]); ps = [p[i] for i in order]
holm = [0.0] * m; bh = [0.0] * m
for r, i in enumerate(order):
    holm[i] = min(1.0, max((m - j) * ps[j] for j in range(r + 1)))
    bh[i] = min(1.0, min(m * ps[j] / (j + 1) for j in range(r, m)))
if hasattr(st, 'false_discovery_control'):
    bh = list(st.false_discovery_control(p, method='bh'))
print(*map(repr, holm + bh))
)",
                                        PyList(p)));
  ASSERT_EQ(py.size(), 2 * p.size());
  auto holm = HolmAdjust(p);
  auto bh = BenjaminiHochbergAdjust(p);
  ASSERT_TRUE(holm.ok() && bh.ok());
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_REL((*holm)[i], py[i], kClosedForm) << i;
    EXPECT_REL((*bh)[i], py[p.size() + i], kClosedForm) << i;
  }
}

TEST(StatisticsMultipleComparisonsTest, AdjustedValuesAreMonotoneAtLeastPAndInOrder) {
  Rng rng(3);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> p(1 + rng.Below(30));
    for (double& x : p) x = rng.Bernoulli(0.2) ? 0.04 : std::pow(rng.Uniform(), 3.0);  // ties too
    auto holm = HolmAdjust(p);
    auto bh = BenjaminiHochbergAdjust(p);
    ASSERT_TRUE(holm.ok() && bh.ok());
    for (size_t i = 0; i < p.size(); ++i) {
      EXPECT_GE((*holm)[i], p[i]);
      EXPECT_GE((*bh)[i], p[i]);
      EXPECT_LE((*holm)[i], 1.0);
      EXPECT_LE((*bh)[i], (*holm)[i]);  // FDR control is never stricter than FWER control
      for (size_t j = 0; j < p.size(); ++j) {
        if (p[i] <= p[j]) {
          EXPECT_LE((*holm)[i], (*holm)[j]);
          EXPECT_LE((*bh)[i], (*bh)[j]);
        }
      }
    }
    // The same p-values in another order give the same values, moved with them.
    std::vector<double> reversed(p.rbegin(), p.rend());
    auto holm_reversed = HolmAdjust(reversed);
    ASSERT_TRUE(holm_reversed.ok());
    for (size_t i = 0; i < p.size(); ++i) EXPECT_EQ((*holm_reversed)[i], (*holm)[p.size() - 1 - i]);
  }
}

TEST(StatisticsMultipleComparisonsTest, RefusesInvalidPValuesAndAcceptsNone) {
  ExpectInvalid(HolmAdjust(std::vector<double>{0.1, 1.5}).status(), "p_values[1]");
  ExpectInvalid(HolmAdjust(std::vector<double>{-0.1}).status(), "p_values[0]");
  ExpectInvalid(BenjaminiHochbergAdjust(std::vector<double>{0.1, std::nan("")}).status(), "p_values[1]");
  auto empty = HolmAdjust({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto empty_bh = BenjaminiHochbergAdjust({});
  ASSERT_TRUE(empty_bh.ok());
  EXPECT_TRUE(empty_bh->empty());
}

// ---------------------------------------------------------------------------
// Sign test and bootstrap

TEST(StatisticsSignTest, MatchesScipyBinomtest) {
  REQUIRE_SCIPY();
  const std::vector<std::pair<int64_t, int64_t>> cases = {{5, 5},     {0, 7},  {9, 1}, {60, 40},
                                                          {510, 470}, {3, 12}, {1, 0}, {2500, 2360}};
  std::string code = "for k, n in [";
  for (const auto& [w, l] : cases) code += fmt::format("({}, {}), ", w, w + l);
  code += "]:\n    print(repr(st.binomtest(k, n, 0.5).pvalue))\n";
  const auto py = RunPython(code);
  ASSERT_EQ(py.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    auto r = SignTest(cases[i].first, cases[i].second);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_REL(r->p_value, py[i], kClosedForm) << cases[i].first << " vs " << cases[i].second;
    EXPECT_DOUBLE_EQ(r->win_share, static_cast<double>(cases[i].first) / (cases[i].first + cases[i].second));
  }
}

TEST(StatisticsSignTest, KnownAnswersAndErrors) {
  auto even = SignTest(5, 5);
  ASSERT_TRUE(even.ok());
  EXPECT_EQ(even->p_value, 1.0);
  auto sweep = SignTest(0, 7);  // 2 · 2^-7
  ASSERT_TRUE(sweep.ok());
  EXPECT_NEAR(sweep->p_value, 2.0 / 128.0, 1e-15);
  ExpectInvalid(SignTest(-1, 3).status(), "wins");
  ExpectInvalid(SignTest(3, -1).status(), "losses");
  ExpectInvalid(SignTest(0, 0).status(), "wins, losses");
  ExpectInvalid(SignTest(std::numeric_limits<int64_t>::max(), 1).status(), "wins, losses");
}

TEST(StatisticsBootstrapTest, IsDeterministicForASeedAndCoversTheShare) {
  // 140 of 240 members prefer the treatment ranking: share 0.5833.
  std::vector<double> prefers(240, 0.0);
  std::fill(prefers.begin(), prefers.begin() + 140, 1.0);
  auto a = BootstrapShareInterval(prefers);
  auto b = BootstrapShareInterval(prefers);
  auto other_seed = BootstrapShareInterval(prefers, {.seed = 99});
  ASSERT_TRUE(a.ok() && b.ok() && other_seed.ok());
  EXPECT_EQ(a->low, b->low);
  EXPECT_EQ(a->high, b->high);
  // The seed is used: on a small sample with few resamples the ends move between seeds.
  const std::vector<double> few = {1, 0, 1, 1, 0.5, 0, 1, 1, 0, 1, 0.5, 1};
  auto first = BootstrapShareInterval(few, {.resamples = 50, .seed = 1});
  ASSERT_TRUE(first.ok());
  bool moved = false;
  for (uint64_t seed = 2; seed < 10; ++seed) {
    auto next = BootstrapShareInterval(few, {.resamples = 50, .seed = seed});
    ASSERT_TRUE(next.ok());
    moved = moved || next->low != first->low || next->high != first->high;
  }
  EXPECT_TRUE(moved);
  const double share = 140.0 / 240.0;
  EXPECT_LT(a->low, share);
  EXPECT_GT(a->high, share);
  // The percentile interval of a mean is close to the normal one, share ± 1.96·sqrt(s(1-s)/n).
  const double half = 1.959964 * std::sqrt(share * (1 - share) / 240.0);
  EXPECT_NEAR(a->low, share - half, 0.01);
  EXPECT_NEAR(a->high, share + half, 0.01);
  EXPECT_NEAR(other_seed->low, a->low, 0.01);
  // A wider level gives a wider interval.
  auto wide = BootstrapShareInterval(prefers, {.alpha = 0.01});
  ASSERT_TRUE(wide.ok());
  EXPECT_LT(wide->low, a->low);
  EXPECT_GT(wide->high, a->high);
}

TEST(StatisticsBootstrapTest, RefusesDegenerateInput) {
  const std::vector<double> ok = {0.0, 1.0, 1.0};
  ExpectInvalid(BootstrapShareInterval(std::vector<double>{1.0}).status(), "values");
  ExpectInvalid(BootstrapShareInterval(std::vector<double>{0.0, 1.5}).status(), "values[1]");
  ExpectInvalid(BootstrapShareInterval(std::vector<double>{std::nan(""), 1.0}).status(), "values[0]");
  ExpectInvalid(BootstrapShareInterval(ok, {.resamples = 0}).status(), "resamples");
  ExpectInvalid(BootstrapShareInterval(ok, {.alpha = -0.5}).status(), "alpha");
}

// ---------------------------------------------------------------------------
// mSPRT

TEST(StatisticsMsprtTest, MatchesTheMixtureLikelihoodRatio) {
  REQUIRE_SCIPY();
  struct Case {
    int64_t n;
    double difference, variance, tau2;
  };
  const std::vector<Case> cases = {
      {100, 0.3, 4.0, 0.25}, {1000, 0.05, 1.0, 0.01}, {50, 0.0, 2.0, 1.0}, {5000, 0.2, 9.0, 0.04}};
  std::string code = "import math\nfor n, d, s2, tau2 in [";
  for (const Case& c : cases)
    code += fmt::format("({}, {:.17g}, {:.17g}, {:.17g}), ", c.n, c.difference, c.variance, c.tau2);
  code += R"(]:
    V = 2 * s2
    lam = math.sqrt(V / (V + n * tau2)) * math.exp(n * n * tau2 * d * d / (2 * V * (V + n * tau2)))
    print(repr(min(1.0, 1.0 / lam)))
)";
  const auto py = RunPython(code);
  ASSERT_EQ(py.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    auto p =
        MsprtPValue(cases[i].n, cases[i].difference, cases[i].variance, {.mixing_variance = cases[i].tau2});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_REL(*p, py[i], kClosedForm) << i;
  }
}

TEST(StatisticsMsprtTest, PeekingAtEveryLookKeepsTheFalsePositiveRate) {
  // A/A experiments (no effect), looked at after every 10 members per cell up
  // to 2000: the always-valid p-value falls below 0.05 in at most ~5% of them,
  // where a fixed-horizon z-test read at every look would in far more.
  constexpr int kExperiments = 400;
  constexpr int kLooks = 200;
  constexpr int kStep = 10;
  const double sigma = 1.0;
  Rng rng(2017);
  int msprt_rejections = 0;
  int peeking_z_rejections = 0;
  for (int e = 0; e < kExperiments; ++e) {
    double sum_c = 0.0, sum_t = 0.0, p = 1.0;
    bool z_rejected = false;
    for (int look = 1; look <= kLooks; ++look) {
      for (int k = 0; k < kStep; ++k) {
        sum_c += rng.Normal(0.0, sigma);
        sum_t += rng.Normal(0.0, sigma);
      }
      const int64_t n = static_cast<int64_t>(look) * kStep;
      const double d = (sum_t - sum_c) / n;
      auto next = MsprtPValue(n, d, sigma * sigma, {.mixing_variance = 0.01}, p);
      ASSERT_TRUE(next.ok());
      EXPECT_LE(*next, p);  // never increases
      p = *next;
      z_rejected = z_rejected || std::fabs(d / std::sqrt(2.0 * sigma * sigma / n)) > 1.959964;
    }
    msprt_rejections += p < 0.05;
    peeking_z_rejections += z_rejected;
  }
  RecordProperty("msprt_rejections", msprt_rejections);
  RecordProperty("peeking_z_rejections", peeking_z_rejections);
  EXPECT_LE(msprt_rejections, kExperiments * 0.05 + 3 * std::sqrt(kExperiments * 0.05));
  EXPECT_GT(peeking_z_rejections, kExperiments * 0.15);
}

TEST(StatisticsMsprtTest, DetectsARealEffectAndRefusesBadInput) {
  auto p = MsprtPValue(10000, 0.1, 1.0, {.mixing_variance = 0.01});
  ASSERT_TRUE(p.ok());
  EXPECT_LT(*p, 1e-6);
  const MsprtOptions tau = {.mixing_variance = 0.01};
  ExpectInvalid(MsprtPValue(0, 0.1, 1.0, tau).status(), "n_per_cell");
  ExpectInvalid(MsprtPValue(10, std::nan(""), 1.0, tau).status(), "difference");
  ExpectInvalid(MsprtPValue(10, 0.1, 0.0, tau).status(), "variance");
  ExpectInvalid(MsprtPValue(10, 0.1, 1.0, {}).status(), "mixing_variance");
  ExpectInvalid(MsprtPValue(10, 0.1, 1.0, tau, 0.0).status(), "previous_p_value");
}

}  // namespace
}  // namespace marquee::experiment
