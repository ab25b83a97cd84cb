#include "experiment_demo.h"

#include <fmt/format.h>

#include <ctime>


#include "marquee/eval/split.h"
#include "marquee/experiment/allocation.h"
#include "marquee/experiment/experiment_simulation.h"
#include "marquee/experiment/interleaving_report.h"
#include "marquee/models/model_file.h"
#include "marquee/experiment/report.h"
#include "marquee/experiment/sensitivity.h"
#include "marquee/models/registry.h"
#include "marquee/store/event_store.h"
#include "marquee/experiment/experiment_registry.h"
#include "marquee/util/civil_time.h"
#include "output_file.h"
#include "top_lists.h"

namespace marquee::cli {

namespace {

constexpr uint32_t kListLength = 20;

// iALS trained on `train` and every member's top list; saved to `model_dir`
// as `version` when one is given (a served experiment's cell).
Result<std::vector<uint32_t>> ListsOf(const Dataset& d, const InteractionMatrix& train, const std::string& model_dir = "",
                                      const std::string& version = "") {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, CreateRecommender("ials", {}));
  MARQUEE_RETURN_IF_ERROR(model->Fit(train, TrainContext{.seed = 42}));
  if (!model_dir.empty()) {
    ModelInfo info = DescribeTrainedModel(*model, "ials", d, train, 0.0);
    info.version = version;
    MARQUEE_RETURN_IF_ERROR(SaveModel(*model, info, d.members, d.titles, model_dir));
  }
  return TopLists(*model, train, d.interactions, kListLength);
}

// A fresh store holding the experiment, its exposures and events.
Status SaveSimulatedExperiment(const std::string& path, const experiment::ExperimentSpec& spec,
                               const experiment::SimulatedExperiment& run) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, EventStore::Open(path));
  MARQUEE_RETURN_IF_ERROR(experiment::CreateExperiment(*store, spec, spec.start).status());
  std::vector<Event> events;
  events.reserve(run.exposures.size());
  for (const experiment::Exposure& x : run.exposures) {
    Event e;
    e.kind = EventKind::kExposure;
    e.member_id = x.member_id;
    e.time = x.time;
    e.experiment = ExperimentTag{spec.name, spec.cells[x.cell].name, ""};
    events.push_back(std::move(e));
  }
  MARQUEE_RETURN_IF_ERROR(store->Append(events, Durability::kProcess));
  return store->Append(run.events, Durability::kFsync);
}

// The interleaving experiment on the same two rankers, simulated right after
// the A/B test's period: members see both lists merged by team draft.
Status RunInterleavingDemo(const experiment::ExperimentSpec& ab, const experiment::SimulatedService& simulated,
                           const std::string& dir, const std::string& store_path, std::FILE* out) {
  experiment::ExperimentSpec spec = ab;
  spec.name = "ials-half-plays-interleaved";
  spec.method = experiment::ExperimentMethod::kInterleaving;
  spec.cells = {{.name = "control", .model = dir + "/model"}, {.name = "half-plays", .model = dir + "/model-half"}};
  MARQUEE_ASSIGN_OR_RETURN(experiment::PlacedExperiment placed, experiment::PlaceExperiment(spec, {}));
  MARQUEE_ASSIGN_OR_RETURN(experiment::SimulatedExperiment run, experiment::SimulateExperiment(placed, simulated));
  experiment::InterleavingReportOptions options;
  MARQUEE_ASSIGN_OR_RETURN(experiment::InterleavingReport report,
                           experiment::BuildInterleavingReport(placed, run.events, options));
  std::fprintf(out, "\nThe same two rankers interleaved (team draft: each member sees both, plays credited to the "
                    "ranker that picked the title):\n%s",
               experiment::InterleavingReportTable(report).c_str());
  return SaveSimulatedExperiment(store_path, spec, run);
}

}  // namespace

Status RunExperimentDemo(const SyntheticService& service, const std::string& dir, std::FILE* out) {
  const Dataset& d = service.dataset;
  std::fprintf(out, "\nExperiment: iALS (control) against iALS trained on half of each member's plays\n");
  SplitOptions half{.protocol = SplitProtocol::kRandomHoldout, .fraction = 0.5, .seed = 42};
  MARQUEE_ASSIGN_OR_RETURN(EvalSplit sampled, MakeSplit(d.interactions, half));
  MARQUEE_ASSIGN_OR_RETURN(std::vector<uint32_t> control, ListsOf(d, d.interactions));
  MARQUEE_ASSIGN_OR_RETURN(std::vector<uint32_t> treatment,
                           ListsOf(d, sampled.train, dir + "/model-half", "ials-half-plays"));
  std::vector<double> activity(d.members.size());
  const double mean = static_cast<double>(d.interactions.nnz()) / d.members.size();
  for (uint32_t m = 0; m < d.members.size(); ++m) activity[m] = d.interactions.RowLength(m) / mean;
  auto play = [&service](uint32_t m, uint32_t t) { return service.truth.BasePlayProbability(m, t); };

  // Two weeks from the day after the data ends, every member eligible.
  experiment::ExperimentSpec spec;
  spec.name = "ials-half-plays";
  spec.hypothesis = "iALS trained on every play gets more plays than on half of them";
  spec.layer = "ranking";
  spec.start = (UnixDay(d.interactions.LatestTime()) + 1) * kSecondsPerDay;
  spec.end = spec.start + 14 * kSecondsPerDay;
  spec.cells = {{.name = "control", .share = 0.5}, {.name = "half-plays", .share = 0.5}};
  MARQUEE_ASSIGN_OR_RETURN(experiment::PlacedExperiment placed, experiment::PlaceExperiment(spec, {}));
  const experiment::SimulatedService simulated{.members = &d.members,
                                               .titles = &d.titles,
                                               .k = kListLength,
                                               .lists = {control, treatment},
                                               .activity = activity,
                                               .play_probability = play};
  MARQUEE_ASSIGN_OR_RETURN(experiment::SimulatedExperiment run, experiment::SimulateExperiment(placed, simulated));
  std::fprintf(out, "simulated: %zu members exposed, %zu impressions and plays over 14 days (and 14 before)\n\n",
               run.exposures.size(), run.events.size());
  MARQUEE_ASSIGN_OR_RETURN(experiment::ExperimentReport report,
                           experiment::BuildReport({&placed, run.exposures, run.events, &d.titles, &d.catalog}));
  std::fputs(experiment::ReportTable(report).c_str(), out);
  // The same experiment in an event store, as serving leaves it, for
  // `marquee experiment list|report` to read.
  const std::string store_path = dir + "/experiment.db";
  MARQUEE_RETURN_IF_ERROR(SaveSimulatedExperiment(store_path, spec, run));
  std::fprintf(out, "Next: marquee experiment report --events %s --data %s/service.mqd %s\n", store_path.c_str(),
               dir.c_str(), spec.name.c_str());
  const std::string interleaving_path = dir + "/interleaving.db";
  MARQUEE_RETURN_IF_ERROR(RunInterleavingDemo(spec, simulated, dir, interleaving_path, out));
  std::fprintf(out, "Next: marquee experiment report --events %s --data %s/service.mqd %s-interleaved\n",
               interleaving_path.c_str(), dir.c_str(), spec.name.c_str());
  const std::string lift_path = dir + "/experiment_lift.svg";
  MARQUEE_RETURN_IF_ERROR(WriteOutput(lift_path, [&](std::FILE* f) { std::fputs(experiment::CumulativeLiftSvg(report).c_str(), f); }));

  // How many members each method would need for the same two rankers.
  experiment::SensitivityOptions options;
  options.member_counts = experiment::MemberCountGrid(200000);
  options.repetitions = 100;
  MARQUEE_ASSIGN_OR_RETURN(
      experiment::SensitivityResult power,
      experiment::MeasureSensitivity({.members = static_cast<uint32_t>(d.members.size()),
                                      .k = kListLength,
                                      .list_a = control,
                                      .list_b = treatment,
                                      .activity = activity,
                                      .play_probability = play},
                                     options));
  std::fprintf(out, "\nMembers each method needs to find the better of the two (simulated, 100 experiments a size):\n%s",
               experiment::SensitivityTable(power).c_str());
  const std::string power_path = dir + "/experiment_power.svg";
  MARQUEE_RETURN_IF_ERROR(WriteOutput(power_path, [&](std::FILE* f) { std::fputs(experiment::SensitivityChartSvg(power).c_str(), f); }));
  std::fprintf(out, "Wrote %s and %s\n", lift_path.c_str(), power_path.c_str());
  return Status::OK();
}

Result<ServedDemoExperiments> StartServedExperiments(serve::ExperimentService& experiments, const Dataset& dataset,
                                                     const std::string& dir) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  experiment::ExperimentSpec ab;
  ab.name = "demo-half-plays";
  ab.hypothesis = "iALS trained on every play gets more plays than on half of them";
  ab.layer = "ranking";
  ab.traffic = 0.5;
  ab.start = UnixDay(now) * kSecondsPerDay;
  ab.end = ab.start + 14 * kSecondsPerDay;
  ab.cells = {{.name = "control", .share = 0.5}, {.name = "half-plays", .share = 0.5, .model = dir + "/model-half"}};
  experiment::ExperimentSpec interleaved = ab;
  interleaved.name = "demo-interleaved";
  interleaved.method = experiment::ExperimentMethod::kInterleaving;
  interleaved.cells = {{.name = "control", .model = dir + "/model"}, {.name = "half-plays", .model = dir + "/model-half"}};
  MARQUEE_ASSIGN_OR_RETURN(experiment::PlacedExperiment placed_ab, experiments.Add(ab, now));
  MARQUEE_ASSIGN_OR_RETURN(experiment::PlacedExperiment placed_interleaved, experiments.Add(interleaved, now));
  ServedDemoExperiments out;
  for (uint32_t m = 0; m < dataset.members.size() && (out.ab_member.empty() || out.interleaved_member.empty()); ++m) {
    const std::string_view id = dataset.members.ExternalId(m);
    const uint32_t bucket = experiment::LayerBucket(ab.layer, id);
    if (out.ab_member.empty() && bucket >= placed_ab.range_begin && bucket < placed_ab.range_end &&
        experiment::CellOf(ab, id) == 1) {
      out.ab_member = std::string(id);
    }
    if (out.interleaved_member.empty() && bucket >= placed_interleaved.range_begin &&
        bucket < placed_interleaved.range_end) {
      out.interleaved_member = std::string(id);
    }
  }
  return out;
}

}  // namespace marquee::cli
