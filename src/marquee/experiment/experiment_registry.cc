#include "marquee/experiment/experiment_registry.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

#include "marquee/util/civil_time.h"

namespace marquee::experiment {

namespace {

Result<PlacedExperiment> FromRecord(const ExperimentRecord& r) {
  Result<ExperimentSpec> spec = ParseExperimentSpec(r.definition, "experiment " + r.name);
  if (!spec.ok()) {
    return Status::Corruption(
        fmt::format("the event store's experiment {} does not parse: {}", r.name, spec.status().message()));
  }
  PlacedExperiment placed;
  placed.spec = std::move(*spec);
  placed.range_begin = r.range_begin;
  placed.range_end = r.range_end;
  placed.stopped_at = r.stopped_at;
  return placed;
}

Result<std::vector<PlacedExperiment>> FromRecords(std::span<const ExperimentRecord> records) {
  std::vector<PlacedExperiment> out;
  for (const ExperimentRecord& r : records) {
    MARQUEE_ASSIGN_OR_RETURN(PlacedExperiment placed, FromRecord(r));
    out.push_back(std::move(placed));
  }
  return out;
}

}  // namespace

Result<std::vector<PlacedExperiment>> LoadExperiments(const EventStore& store) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<ExperimentRecord> records, store.Experiments());
  return FromRecords(records);
}

ExperimentSpec WithAbsolutePaths(ExperimentSpec spec) {
  for (CellSpec& cell : spec.cells) {
    for (std::string* path : {&cell.model, &cell.artwork_policy, &cell.page_config}) {
      std::error_code ignored;
      if (!path->empty()) *path = std::filesystem::absolute(*path, ignored).lexically_normal().string();
    }
  }
  return spec;
}

Result<PlacedExperiment> CreateExperiment(EventStore& store, const ExperimentSpec& requested, int64_t now) {
  const ExperimentSpec spec = WithAbsolutePaths(requested);
  if (spec.end <= now) {
    return Status::InvalidField("end", fmt::format("end: {} has passed; an experiment must end after today ({})",
                                                   FormatCivilDate(UnixDay(spec.end)), FormatCivilDate(UnixDay(now))));
  }
  if (UnixDay(spec.start) < UnixDay(now)) {
    return Status::InvalidField("start", fmt::format("start: {} has passed; an experiment starts today ({}) or later",
                                                     FormatCivilDate(UnixDay(spec.start)),
                                                     FormatCivilDate(UnixDay(now))));
  }
  PlacedExperiment placed;
  MARQUEE_RETURN_IF_ERROR(
      store.CreateExperiment([&](std::span<const ExperimentRecord> existing) -> Result<ExperimentRecord> {
        MARQUEE_ASSIGN_OR_RETURN(std::vector<PlacedExperiment> stored, FromRecords(existing));
        MARQUEE_ASSIGN_OR_RETURN(placed, PlaceExperiment(spec, stored));
        return ExperimentRecord{spec.name, ExperimentSpecJson(spec, -1), placed.range_begin, placed.range_end, now, 0};
      }));
  return placed;
}

Status StopExperiment(EventStore& store, std::string_view name, int64_t now) {
  MARQUEE_ASSIGN_OR_RETURN(PlacedExperiment e, FindExperiment(store, name));
  if (e.stopped_at == 0 && now >= e.spec.end) {
    return Status::InvalidField("name", fmt::format("name: experiment {} ended on {}; there is nothing to stop", name,
                                                    FormatCivilDate(UnixDay(e.spec.end))));
  }
  return store.StopExperiment(name, now);
}

std::string_view ExperimentState(const PlacedExperiment& e, int64_t now) {
  if (e.stopped_at > 0 && e.stopped_at < e.spec.end && now >= e.stopped_at) return "stopped";
  if (now >= e.spec.end) return "ended";
  return now < e.spec.start ? "scheduled" : "running";
}

std::string PlacedExperimentJson(const PlacedExperiment& e, int64_t now, std::string_view error, int indent) {
  nlohmann::json out = nlohmann::json::parse(ExperimentSpecJson(e.spec, -1));
  out["bucket_range"] = {e.range_begin, e.range_end};
  out["stopped_at"] = e.stopped_at > 0 ? nlohmann::json(e.stopped_at) : nlohmann::json(nullptr);
  out["status"] = error.empty() ? std::string(ExperimentState(e, now)) : "not_serving";
  if (!error.empty()) out["error"] = std::string(error);
  return out.dump(indent);
}

Result<PlacedExperiment> FindExperiment(const EventStore& store, std::string_view name) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<PlacedExperiment> all, LoadExperiments(store));
  for (PlacedExperiment& e : all) {
    if (e.spec.name == name) return std::move(e);
  }
  std::string known;
  for (const PlacedExperiment& e : all) known += (known.empty() ? "" : ", ") + e.spec.name;
  return Status::NotFound(fmt::format("no experiment named {}; the store has {}", name,
                                      known.empty() ? "none" : known));
}

Result<ExperimentData> ReadExperimentData(const EventStore& store, const PlacedExperiment& experiment) {
  MARQUEE_ASSIGN_OR_RETURN(auto keys, store.ExposureKeys());
  std::set<std::string> members;
  for (auto& [name, member] : keys) {
    if (name == experiment.spec.name) members.insert(std::move(member));
  }
  ExperimentData data;
  for (const std::string& member : members) {
    MARQUEE_ASSIGN_OR_RETURN(std::vector<Event> events, store.MemberEvents(member));
    bool exposed = false;
    for (Event& e : events) {
      if (e.kind == EventKind::kExposure) {
        if (exposed || !e.experiment || e.experiment->experiment != experiment.spec.name) continue;
        const auto& cells = experiment.spec.cells;
        const auto cell = std::find_if(cells.begin(), cells.end(),
                                       [&](const CellSpec& c) { return c.name == e.experiment->cell; });
        if (cell == cells.end()) {
          return Status::Corruption(fmt::format("member {}'s exposure to {} names cell {}, which it does not have",
                                                member, experiment.spec.name, e.experiment->cell));
        }
        data.exposures.push_back({member, static_cast<uint32_t>(cell - cells.begin()), e.time});
        exposed = true;
        continue;
      }
      data.events.push_back(std::move(e));
    }
  }
  return data;
}

}  // namespace marquee::experiment
