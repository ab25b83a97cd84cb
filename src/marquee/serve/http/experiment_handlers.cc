// POST /v1/experiments, GET /v1/experiments, POST /v1/experiments/{name}/stop,
// GET /v1/experiments/{name}/report.
#include <ctime>
#include <string>

#include "marquee/experiment/experiment_registry.h"
#include "marquee/experiment/experiment_spec.h"
#include "marquee/experiment/interleaving_report.h"
#include "marquee/experiment/report.h"
#include "marquee/serve/http/handlers.h"

namespace marquee::serve {

namespace {

using nlohmann::json;

ApiError NoExperiments() {
  return {503, "experiments_disabled", "this server has no experiment service", "experiments"};
}

json PlacedJson(const experiment::PlacedExperiment& e, const std::string& error, int64_t now) {
  return json::parse(experiment::PlacedExperimentJson(e, now, error));
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

Reply Handlers::StopExperiment(std::string_view authorization, std::string_view name, std::string_view body) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (experiments_ == nullptr) return Reply::Error(NoExperiments());
  // It stops now; a body asking for anything else would be ignored, so it is refused.
  if (body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
    Parsed<json> parsed = ParseJsonBody(body);
    if (!parsed.ok()) return Reply::Error(parsed.error());
    if (!parsed->is_object() || !parsed->empty()) {
      return Reply::Error(ApiError::BadField("body", "body: expected no body or {} (an experiment stops when asked), "
                                                     "found " + parsed->dump().substr(0, 80)));
    }
  }
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

Reply Handlers::ExperimentReport(std::string_view authorization, std::string_view name) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (experiments_ == nullptr) return Reply::Error(NoExperiments());
  Result<experiment::PlacedExperiment> found = experiment::FindExperiment(events_, name);
  if (!found.ok()) return Reply::Error(FromStatus(found.status(), "name"));
  const experiment::PlacedExperiment& e = *found;
  const int64_t now = Now();
  if (e.Ends() <= e.spec.start || now <= e.spec.start) {
    return Reply::Error({409, "not_started", "experiment " + e.spec.name + " has no members yet: nothing to report",
                         "name"});
  }
  // What has happened so far, read from the event store (as `marquee
  // experiment report`), over the served catalog: its runtimes make the hours.
  Result<experiment::ExperimentData> data = experiment::ReadExperimentData(events_, e);
  if (!data.ok()) return Reply::Error(FromStatus(data.status()));
  const int64_t as_of = std::min(e.Ends(), now + 1);  // through this second
  if (e.spec.method == experiment::ExperimentMethod::kInterleaving) {
    Result<experiment::InterleavingReport> report =
        experiment::BuildInterleavingReport(e, data->events, {.as_of = as_of});
    if (!report.ok()) return Reply::Error(FromStatus(report.status()));
    return {200, experiment::InterleavingReportJson(*report), "application/json"};
  }
  std::shared_ptr<const ServingModel> served = models_.Current();
  Result<experiment::ExperimentReport> report = experiment::BuildReport(
      {&e, data->exposures, data->events, &served->dataset->titles, &served->dataset->catalog}, {.as_of = as_of});
  if (!report.ok()) return Reply::Error(FromStatus(report.status()));
  return {200, experiment::ReportJson(*report), "application/json"};
}

}  // namespace marquee::serve
