// The report of an A/B experiment (issue 14 §2; `marquee experiment report`):
// per cell, over the members exposed to it, what they did from their first
// exposure to the end of the experiment (or the report's time), and each
// treatment against the control with the statistics of statistics.h.
//
// Metrics, per member (each member one unit: the unit of randomization):
//   plays            plays per member
//   streaming_hours  watch fraction x runtime summed, in hours; plays of
//                    titles without a runtime add nothing
//   active_days      distinct UTC days with a play
//   played_any       1 when the member played anything, else 0 (its mean is
//                    the share of members who played)
//   take_rate        qualifying plays / impressions (data/qualifying_play.h),
//                    a ratio metric: sums over the cell's members, its
//                    variance by the delta method (CompareRatios)
// The per-member means are compared by Welch's t and, with the same metric
// over the `pre_days` before the experiment's start as covariate, by CUPED;
// the report's p-value of such a metric is CUPED's (it estimates the same
// difference with less variance). Holm's correction runs over every
// (treatment, metric) p-value of the report (it controls the family-wise
// error without assuming independence between metrics, which are
// correlated here). The sample ratio mismatch check compares the members
// exposed per cell with the configured shares; a mismatch (p < 0.001)
// marks the whole report untrustworthy.
//
// Cumulative lift: for each day of the experiment up to the report's time,
// the relative lift in plays per member of the first treatment with its 95%
// interval, counting what happened up to the end of that day (the chart a
// person watches; reading it daily calls for the mSPRT, not these intervals).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/data/event.h"
#include "marquee/data/id_map.h"
#include "marquee/data/qualifying_play.h"
#include "marquee/experiment/allocation.h"
#include "marquee/experiment/statistics.h"

namespace marquee::experiment {

// A member's first exposure to the experiment (the allocation event).
struct Exposure {
  std::string member_id;
  uint32_t cell = 0;  // index into the experiment's cells
  int64_t time = 0;   // epoch seconds
};

struct ReportOptions {
  int64_t as_of = 0;      // report time, epoch seconds; 0 = the experiment's end
  int64_t pre_days = 14;  // CUPED's pre-period before the start (>= 1)
  QualifyingPlayRule qualifying;
  double alpha = 0.05;  // (0, 1)
};

// What the report reads. `events`: the exposed members' plays and
// impressions (others are ignored), any order, from pre_days before the
// start on. `titles` and `catalog` give the runtimes (title_id -> runtime).
struct ReportInputs {
  const PlacedExperiment* experiment = nullptr;
  std::span<const Exposure> exposures;
  std::span<const Event> events;
  const IdMap* titles = nullptr;
  const Catalog* catalog = nullptr;
};

struct CellSummary {
  std::string cell;
  uint64_t members = 0;
  double share = 0.0;  // configured
  double plays = 0.0, streaming_hours = 0.0, active_days = 0.0, played_any = 0.0;  // means
  double take_rate = 0.0;
  uint64_t impressions = 0, qualifying_plays = 0;
};

struct MetricComparison {
  std::string metric;     // "plays", "streaming_hours", "active_days", "played_any", "take_rate"
  std::string treatment;  // the treatment cell's name
  double control = 0.0, treatment_value = 0.0;
  // The estimate the p-value belongs to: CUPED's where it applies (the same
  // difference estimated with less variance, so it differs from the cell
  // means' difference by chance), else the plain one.
  double difference = 0.0, relative_lift = 0.0;
  Interval difference_interval, relative_lift_interval;
  // The plain relative lift: (treatment mean - control mean) / control mean,
  // what the cell table's means give.
  double unadjusted_relative_lift = 0.0;
  double p_value = 1.0;           // CUPED's where it applies, else Welch's or the delta method's
  double adjusted_p_value = 1.0;  // Holm over the report
  bool significant = false;       // adjusted_p_value < alpha
  // CUPED (per-member metrics): the plain Welch p, theta, the variance removed.
  bool cuped = false;
  double welch_p_value = 1.0, theta = 0.0, variance_reduction = 0.0;
  std::string note;  // why a comparison has no test (e.g. no variance), else empty
};

struct LiftPoint {
  int64_t day = 0;  // unix day
  double lift = 0.0;
  Interval interval;
  uint64_t members = 0;
};

struct ExperimentReport {
  std::string name, layer, method;
  int64_t start = 0, end = 0, as_of = 0;
  SampleRatioCheck sample_ratio;
  bool trustworthy = true;
  std::vector<CellSummary> cells;
  std::vector<MetricComparison> comparisons;  // per treatment, the metrics in the order above
  std::vector<LiftPoint> cumulative_lift;     // first treatment, plays per member
};

// InvalidArgument naming the input: no experiment, an interleaving
// experiment (its report is the preference test), an exposure to an
// unknown cell, bad options.
Result<ExperimentReport> BuildReport(const ReportInputs& inputs, const ReportOptions& options = {});

// The report as a table a person reads, as JSON, and the cumulative lift
// chart (SVG).
std::string ReportTable(const ExperimentReport& report);

// What a report reads of the catalog -- the title ids and runtimes -- as 16
// lower-case hex digits of a 64-bit hash (util/checksum.h Hash64): the
// ExperimentSpec::catalog an experiment records when it is created against
// a dataset, so a report against another catalog can be refused.
std::string CatalogFingerprintHex(const IdMap& titles, const Catalog& catalog);
std::string ReportJson(const ExperimentReport& report, int indent = 2);
std::string CumulativeLiftSvg(const ExperimentReport& report);

}  // namespace marquee::experiment
