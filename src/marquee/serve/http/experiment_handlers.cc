// POST /v1/experiments, GET /v1/experiments, POST /v1/experiments/{name}/stop.
#include <ctime>
#include <string>

#include "marquee/experiment/experiment_spec.h"
#include "marquee/serve/http/handlers.h"

namespace marquee::serve {

namespace {

using nlohmann::json;

ApiError NoExperiments() {
  return {503, "experiments_disabled", "this server has no experiment service", "experiments"};
}

// "scheduled", "running", "stopped" or "ended" at `now`.
std::string StatusAt(const experiment::PlacedExperiment& e, int64_t now) {
  if (e.stopped_at > 0 && e.stopped_at < e.spec.end && now >= e.stopped_at) return "stopped";
  if (now >= e.spec.end) return "ended";
  return now < e.spec.start ? "scheduled" : "running";
}

// The spec as docs/experiments.md writes it, and where it stands: the
// layer's bucket range it owns, when it stopped, its status, and (when its
// variants no longer load) why nobody is allocated.
json PlacedJson(const experiment::PlacedExperiment& e, const std::string& error, int64_t now) {
  json out = json::parse(experiment::ExperimentSpecJson(e.spec, -1));
  out["bucket_range"] = {e.range_begin, e.range_end};
  out["stopped_at"] = e.stopped_at > 0 ? json(e.stopped_at) : json(nullptr);
  out["status"] = error.empty() ? StatusAt(e, now) : "not_serving";
  if (!error.empty()) out["error"] = error;
  return out;
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

Reply Handlers::PostExperiment(std::string_view authorization, std::string_view body) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (experiments_ == nullptr) return Reply::Error(NoExperiments());
  Result<experiment::ExperimentSpec> spec = experiment::ParseExperimentSpec(body, "request body");
  if (!spec.ok()) return Reply::Error(FromStatus(spec.status()));
  const int64_t now = Now();
  Result<experiment::PlacedExperiment> placed = experiments_->Add(*spec, now);
  if (!placed.ok()) return Reply::Error(FromStatus(placed.status()));
  return Reply::Json(PlacedJson(*placed, "", now), 201);
}

Reply Handlers::ListExperiments(std::string_view authorization) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (experiments_ == nullptr) return Reply::Error(NoExperiments());
  Result<std::vector<ExperimentService::Listed>> listed = experiments_->List();
  if (!listed.ok()) return Reply::Error(FromStatus(listed.status()));
  const int64_t now = Now();
  json items = json::array();
  for (const ExperimentService::Listed& e : *listed) items.push_back(PlacedJson(e.placed, e.error, now));
  return Reply::Json({{"experiments", std::move(items)}});
}

Reply Handlers::StopExperiment(std::string_view authorization, std::string_view name) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (experiments_ == nullptr) return Reply::Error(NoExperiments());
  const int64_t now = Now();
  Status stopped = experiments_->Stop(name, now);
  if (!stopped.ok()) return Reply::Error(FromStatus(stopped, stopped.code() == Status::Code::kNotFound ? "name" : ""));
  Result<std::vector<ExperimentService::Listed>> listed = experiments_->List();
  if (!listed.ok()) return Reply::Error(FromStatus(listed.status()));
  for (const ExperimentService::Listed& e : *listed) {
    if (e.placed.spec.name == name) return Reply::Json(PlacedJson(e.placed, e.error, now));
  }
  return Reply::Error(ApiError::NotFound("experiment " + std::string(name) + " vanished while stopping", "name"));
}

}  // namespace marquee::serve
