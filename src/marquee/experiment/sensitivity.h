// How many members an experiment needs to see a difference between two
// rankers: A/B on plays per member, A/B with CUPED, and team-draft
// interleaving, measured by simulation against a known truth (issue 14 §4).
//
// The members' behaviour (a position-based model, Craswell, Zoeter, Taylor,
// Ramsey, "An Experimental Comparison of Click Position-Bias Models", WSDM
// 2008): a member comes back for `sessions` sessions, Poisson with mean
// activity(m) x sessions_mean; each session shows a list of k titles, and
// the title at 0-based position j is played with probability
//   examination(j) x play_probability(m, title),  examination(j) = 1 / log2(j + 2),
// independently. The pre-period (CUPED's covariate) is the same member under
// the control list for pre_sessions_mean x activity(m) sessions.
//
// Power by resampling: every member of the pool gets each potential outcome
// (plays under A, plays under B, plays in the pre-period, and 8 draws of
// team credit under interleaving, each an independent draw; each cell's
// plays shifted by one constant so that the pool's mean is the truth's
// expectation, not a draw of it); an experiment of N members
// draws N of them with replacement -- for A/B half to each cell, each
// contributing its outcome under its cell -- and runs the method's test at
// level alpha. Power = the share of `repetitions` experiments that reject in
// the true direction (B better when mean_b > mean_a). The members needed for
// 80% power are interpolated between the grid's member counts, linearly in
// log(members).
//
// Tests: Welch's t on plays per member; Welch's t on CUPED-adjusted plays
// (covariate: pre-period plays); for interleaving, the two-sided sign test
// over members with a preference (statistics.h).
//
// Thread safety: MeasureSensitivity may run its repetitions on OpenMP
// threads; play_probability must be safe to call from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "marquee/util/status.h"

namespace marquee::experiment {

struct SensitivityOptions {
  double sessions_mean = 4.0;      // sessions a member of activity 1 has during the experiment (> 0)
  double pre_sessions_mean = 4.0;  // ... before it, under the control list (> 0)
  // Experiment sizes (members in total, both cells), ascending, each >= 4.
  std::vector<uint64_t> member_counts = {100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000};
  uint32_t repetitions = 400;  // experiments per size (>= 10)
  double alpha = 0.05;         // (0, 1)
  double target_power = 0.8;   // (0, 1)
  uint64_t seed = 42;
};

// The two rankers' lists and the members' truth. Lists are member-major:
// list_a[m * k + j] is the title ranker A shows member m at position j.
struct SensitivityInputs {
  uint32_t members = 0;
  uint32_t k = 0;  // titles a list
  std::span<const uint32_t> list_a, list_b;
  // Relative activity of each member (mean about 1, >= 0): scales sessions.
  std::span<const double> activity;
  // The probability that the member plays the title when they examine it, in [0, 1].
  std::function<double(uint32_t member, uint32_t title)> play_probability;
};

struct MethodSensitivity {
  std::string method;          // "A/B", "A/B + CUPED", "interleaving"
  std::vector<double> power;   // one per options.member_counts
  // Members for target_power (interpolated); 0 when the largest size falls short.
  double members_needed = 0.0;
};

struct SensitivityResult {
  // The true difference per member of the experiment period: expected plays
  // under A and B (from the truth, not a draw) and interleaving's expected
  // credit share of B.
  double mean_plays_a = 0.0, mean_plays_b = 0.0;
  std::vector<uint64_t> member_counts;
  std::vector<MethodSensitivity> methods;  // A/B, A/B + CUPED, interleaving
  double cuped_variance_reduction = 0.0;   // on the whole pool
  // What drives each method's power, on the whole pool: A/B's standardized
  // effect (B - A difference of mean plays over the standard deviation of a
  // member's plays under A); interleaving's share of members with a
  // preference, and among them the share preferring the better ranker.
  double standardized_effect = 0.0;
  double members_with_preference = 0.0;
  double better_preferred = 0.0;
};

// 100, 200, 500, 1000, 2000, 5000, ... up to and including `largest` (>= 100).
std::vector<uint64_t> MemberCountGrid(uint64_t largest);

// InvalidArgument naming the field for bad inputs or options.
Result<SensitivityResult> MeasureSensitivity(const SensitivityInputs& inputs, const SensitivityOptions& options);

// One line per member count and method, and the members needed per method
// with the ratio of A/B's to interleaving's.
std::string SensitivityTable(const SensitivityResult& result);
// The power curves as an SVG chart: power against log10(members), one line a method.
std::string SensitivityChartSvg(const SensitivityResult& result);

}  // namespace marquee::experiment
