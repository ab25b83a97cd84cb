// The report of an interleaving experiment (issue 14 §3): which of the two
// rankers members preferred, from the impressions of their interleaved
// lists (each tagged with the team that picked the title, data/event.h
// ExperimentTag) and their plays.
//
// Credit: a play of a title counts for the team of the member's latest
// impression of that title in the experiment at or before the play, when it
// is within `attribution_hours` of it (later plays, and plays of titles not
// shown in the experiment, credit no one). A member prefers the team with
// more credited plays; equal credit is a tie. Across members: the sign test
// of the preferences (ties left out), and a bootstrap percentile interval on
// the share of members with a preference who prefer B (statistics.h).
// The header of interleaving.h cites the method.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "marquee/data/event.h"
#include "marquee/experiment/allocation.h"
#include "marquee/experiment/interleaving.h"
#include "marquee/experiment/statistics.h"

namespace marquee::experiment {

struct InterleavingReportOptions {
  double attribution_hours = 24.0;  // > 0
  int64_t as_of = 0;                // epoch seconds; 0 = the experiment's end
  BootstrapOptions bootstrap;
};

struct InterleavingReport {
  std::string name, cell_a, cell_b;  // team a is cells[0], team b cells[1]
  int64_t start = 0, end = 0, as_of = 0;
  uint64_t members = 0;               // members with a tagged impression
  uint64_t credited_a = 0, credited_b = 0;  // plays credited to each team
  PreferenceCounts preferences;
  double preference_delta = 0.0;      // PreferenceDelta: (wins b - wins a) / members
  // Sign test and interval on the share preferring B; valid when `tested`.
  bool tested = false;
  std::string note;  // why there is no test, else empty
  SignTestResult sign;
  Interval b_share_interval;
};

// `events`: any events, any order; those of this experiment's tagged
// impressions and every play are read. InvalidArgument: not an
// interleaving experiment; attribution_hours <= 0.
Result<InterleavingReport> BuildInterleavingReport(const PlacedExperiment& experiment,
                                                   std::span<const Event> events,
                                                   const InterleavingReportOptions& options = {});

std::string InterleavingReportTable(const InterleavingReport& report);
// The report as JSON: the counts, and "test" {p_value, win_share,
// b_share_interval} when tested, else "no_test" with the reason. `indent` as
// nlohmann's dump (-1: one line).
std::string InterleavingReportJson(const InterleavingReport& report, int indent = 2);

}  // namespace marquee::experiment
