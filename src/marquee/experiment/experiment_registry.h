// The experiments of a deployment, kept in its event store (store/event_store.h
// ExperimentRecord): created, stopped and listed by `marquee experiment` and
// the server's admin routes alike, and read back for reports.
//
// Thread safety: the functions are as thread-safe as the store (the SQLite
// store serializes creations with a write transaction).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/experiment/allocation.h"
#include "marquee/experiment/report.h"
#include "marquee/store/event_store.h"

namespace marquee::experiment {

// Every experiment stored, oldest first. Corruption naming the experiment
// when a stored definition does not parse.
Result<std::vector<PlacedExperiment>> LoadExperiments(const EventStore& store);

// `spec` with every cell's file path (model, artwork_policy, page_config)
// made absolute against the current directory, so that a server started
// elsewhere finds them.
ExperimentSpec WithAbsolutePaths(ExperimentSpec spec);

// Places `spec` (WithAbsolutePaths) against the stored experiments
// (PlaceExperiment's errors) and stores it, atomically; `now` is its
// creation time. InvalidField "end" when the experiment would have ended
// already (end <= now), "start" when it would start before today (UTC): its
// members could not have been exposed on the days already gone.
Result<PlacedExperiment> CreateExperiment(EventStore& store, const ExperimentSpec& spec, int64_t now);

// Stops the experiment named `name` at `now` (before its start: it never
// runs). NotFound for an unknown name; InvalidField "name" when it is
// stopped or has ended already.
Status StopExperiment(EventStore& store, std::string_view name, int64_t now);

// "scheduled", "running", "stopped" or "ended" at `now` (epoch seconds).
std::string_view ExperimentState(const PlacedExperiment& experiment, int64_t now);
// The experiment as the admin route and `marquee experiment list --json`
// show it: its spec (ExperimentSpecJson) plus "bucket_range" [begin, end),
// "stopped_at" (epoch seconds, null when not stopped) and "status"
// (ExperimentState, or "not_serving" with "error" when `error` is given: a
// server could not load its cells). `indent` as nlohmann's dump.
std::string PlacedExperimentJson(const PlacedExperiment& experiment, int64_t now, std::string_view error = "",
                                 int indent = -1);

// The stored experiment named `name`, or NotFound.
Result<PlacedExperiment> FindExperiment(const EventStore& store, std::string_view name);

// What a report of `experiment` reads from the store: its exposures (the
// first of each member) and every event of the exposed members.
struct ExperimentData {
  std::vector<Exposure> exposures;
  std::vector<Event> events;
};
Result<ExperimentData> ReadExperimentData(const EventStore& store, const PlacedExperiment& experiment);

}  // namespace marquee::experiment
