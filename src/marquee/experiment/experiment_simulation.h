// A simulated A/B experiment: members allocated as the server would
// (allocation.h), each coming back for sessions during the pre-period and
// the experiment, shown their cell's list, playing what the truth says --
// the impressions, plays and exposures a real experiment would leave in the
// event store, for the demo and for tests of the report end to end.
//
// Behaviour (the position-based model of sensitivity.h): sessions per day
// Poisson(activity(m) x sessions_per_day), at uniform times of the day; a
// session shows the member's k titles (impressions at the session's time)
// and plays the title at position j with probability
// 1/log2(j + 2) x play_probability(m, title), a minute per position later,
// watching a fraction uniform in [0.1, 1]. The pre-period shows the
// control's list. A member's exposure is their first session during the
// experiment (members without one are never exposed, as in serving). In an
// interleaving experiment its members see both cells' lists merged by team
// draft, a fresh merge each session, each impression tagged with its team.
//
// Thread safety: pure (play_probability is called from this thread only).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "marquee/data/event.h"
#include "marquee/data/id_map.h"
#include "marquee/experiment/allocation.h"
#include "marquee/experiment/report.h"

namespace marquee::experiment {

struct SimulatedService {
  const IdMap* members = nullptr;  // member ids (dense index -> id)
  const IdMap* titles = nullptr;   // title ids
  uint32_t k = 20;
  // lists[cell][m * k + j]: the title cell `cell` shows member m at position j.
  std::vector<std::span<const uint32_t>> lists;
  std::span<const double> activity;  // one a member, >= 0
  std::function<double(uint32_t member, uint32_t title)> play_probability;
};

struct ExperimentSimulationOptions {
  double sessions_per_day = 0.5;  // for a member of activity 1 (> 0)
  int64_t pre_days = 14;          // simulated before the start (>= 0)
  uint64_t seed = 42;
};

struct SimulatedExperiment {
  std::vector<Exposure> exposures;
  std::vector<Event> events;  // impressions and plays, time-ordered per member
};

// InvalidArgument naming the field: lists not one a cell of members x k,
// activity not one a member.
Result<SimulatedExperiment> SimulateExperiment(const PlacedExperiment& experiment, const SimulatedService& service,
                                               const ExperimentSimulationOptions& options = {});

}  // namespace marquee::experiment
