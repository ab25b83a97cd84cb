#include "marquee/experiment/experiment_simulation.h"

#include <fmt/format.h>

#include <cmath>
#include <random>

#include "marquee/experiment/interleaving.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/random.h"

namespace marquee::experiment {

namespace {

Status Check(const PlacedExperiment& e, const SimulatedService& s, const ExperimentSimulationOptions& o) {
  if (s.members == nullptr || s.titles == nullptr || !s.play_probability || s.k == 0) {
    return Status::InvalidArgument("service: expected member and title ids, k >= 1 and a play probability");
  }
  const size_t cells = static_cast<size_t>(s.members->size()) * s.k;
  if (s.lists.size() != e.spec.cells.size()) {
    return Status::InvalidArgument(
        fmt::format("lists: expected one a cell ({}), got {}", e.spec.cells.size(), s.lists.size()));
  }
  for (size_t c = 0; c < s.lists.size(); ++c) {
    if (s.lists[c].size() != cells) {
      return Status::InvalidArgument(
          fmt::format("lists[{}]: expected members x k = {} titles, got {}", c, cells, s.lists[c].size()));
    }
  }
  if (s.activity.size() != s.members->size()) {
    return Status::InvalidArgument(
        fmt::format("activity: expected one a member ({}), got {}", s.members->size(), s.activity.size()));
  }
  if (!(o.sessions_per_day > 0.0) || o.pre_days < 0) {
    return Status::InvalidArgument("options: expected sessions_per_day > 0 and pre_days >= 0");
  }
  return Status::OK();
}

// One session of `list` at `time`: impressions (tagged with their team when
// `teams` is given: an interleaved list of `experiment`), then plays.
void Session(const SimulatedService& s, uint32_t m, std::span<const uint32_t> list, int64_t time,
             std::mt19937_64& rng, std::vector<Event>& out, std::span<const Team> teams = {},
             const std::string& experiment = {}) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::string member_id(s.members->ExternalId(m));
  for (uint32_t j = 0; j < list.size(); ++j) {
    Event e;
    e.kind = EventKind::kImpression;
    e.member_id = member_id;
    e.title_id = std::string(s.titles->ExternalId(list[j]));
    e.time = time;
    if (!teams.empty()) e.experiment = ExperimentTag{experiment, "", std::string(TeamName(teams[j]))};
    out.push_back(std::move(e));
  }
  for (uint32_t j = 0; j < list.size(); ++j) {
    if (u(rng) >= s.play_probability(m, list[j]) / std::log2(j + 2.0)) continue;
    Event e;
    e.kind = EventKind::kPlay;
    e.member_id = member_id;
    e.title_id = std::string(s.titles->ExternalId(list[j]));
    e.time = time + 60 * (j + 1);
    e.watch_fraction = static_cast<float>(0.1 + 0.9 * u(rng));
    out.push_back(std::move(e));
  }
}

}  // namespace

Result<SimulatedExperiment> SimulateExperiment(const PlacedExperiment& e, const SimulatedService& s,
                                               const ExperimentSimulationOptions& o) {
  MARQUEE_RETURN_IF_ERROR(Check(e, s, o));
  SimulatedExperiment out;
  const int64_t first_day = UnixDay(e.spec.start) - o.pre_days, end_day = UnixDay(e.Ends() - 1) + 1;
  for (uint32_t m = 0; m < s.members->size(); ++m) {
    std::mt19937_64 rng(DeriveSeed(o.seed, m));
    const std::string member_id(s.members->ExternalId(m));
    const std::vector<Assignment> assigned =
        Assign(std::span<const PlacedExperiment>(&e, 1), {.member_id = member_id, .now = e.spec.start});
    const bool in = !assigned.empty();
    const uint32_t cell = in ? assigned[0].cell : 0;
    std::poisson_distribution<int> sessions(o.sessions_per_day * s.activity[m]);
    std::uniform_int_distribution<int64_t> second(0, kSecondsPerDay - 1);
    bool exposed = false;
    for (int64_t day = first_day; day < end_day; ++day) {
      const bool during = day * kSecondsPerDay >= e.spec.start;
      std::vector<int64_t> times(sessions(rng));
      for (int64_t& t : times) t = day * kSecondsPerDay + second(rng);
      std::sort(times.begin(), times.end());
      for (int64_t t : times) {
        if (during && in && e.spec.method == ExperimentMethod::kInterleaving) {
          // A fresh team draft each session, as the server would merge them.
          const auto merged = TeamDraftInterleave(s.lists[0].subspan(static_cast<size_t>(m) * s.k, s.k),
                                                  s.lists[1].subspan(static_cast<size_t>(m) * s.k, s.k), s.k, rng());
          std::vector<uint32_t> titles;
          std::vector<Team> teams;
          for (const InterleavedTitle& x : merged) {
            titles.push_back(x.title);
            teams.push_back(x.team);
          }
          Session(s, m, titles, t, rng, out.events, teams, e.spec.name);
        } else {
          const uint32_t shown = during && in ? cell : 0;
          Session(s, m, s.lists[shown].subspan(static_cast<size_t>(m) * s.k, s.k), t, rng, out.events);
        }
        if (during && in && !exposed) {
          out.exposures.push_back({member_id, cell, t});
          exposed = true;
        }
      }
    }
  }
  return out;
}

}  // namespace marquee::experiment
