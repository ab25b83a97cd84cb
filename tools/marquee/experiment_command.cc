// marquee experiment create --events DB FILE.json [--data DATASET]
// marquee experiment list --events DB [--json]
// marquee experiment stop --events DB NAME
// marquee experiment report --events DB --data DATASET NAME [--as-of DATE] [--json OUT] [--chart OUT.svg]
// marquee experiment power --data SERVICE.mqd --truth SERVICE.mqt --model NAME [model parameters]
//   [--sample 0.5] [--k 20] [--repetitions 400] [--chart power.svg]
//
// Experiments kept in the event store (experiment/experiment_registry.h),
// their A/B report (experiment/report.h), and the sensitivity study:
// How many members an A/B test, an A/B test with CUPED, and team-draft
// interleaving need to tell two rankers apart (experiment/sensitivity.h):
// ranker A is the model trained on every play, ranker B the same model
// trained on a random `sample` of each member's plays -- a small, known loss
// of quality -- and the synthetic members play what they are shown as their
// ground truth says.
#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <set>

#include "commands.h"
#include "marquee/store/title_log.h"
#include "marquee/data/dataset_file.h"
#include "marquee/eval/split.h"
#include "marquee/experiment/bucket.h"
#include "marquee/experiment/experiment_registry.h"
#include "marquee/experiment/interleaving_report.h"
#include "marquee/experiment/report.h"
#include "marquee/experiment/sensitivity.h"
#include "marquee/models/model_file.h"
#include "marquee/ranking/ranker_file.h"
#include "marquee/page/page_config.h"
#include "marquee/bandit/policy.h"
#include "marquee/store/event_store.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/file.h"
#include "split_flags.h"
#include "marquee/models/registry.h"
#include "marquee/models/top_k.h"
#include "marquee/synthetic/ground_truth.h"
#include "model_flags.h"
#include "output_file.h"
#include "progress_bar.h"
#include "top_lists.h"

namespace marquee::cli {

namespace {

struct PowerArgs {
  std::string data, truth, model, chart;
  double sample = 0.5;
  uint32_t k = 20;
  uint32_t repetitions = 400;
  uint64_t max_members = 1000000;
  uint64_t seed = 42;
  ModelFlags flags;
};

Result<std::unique_ptr<Recommender>> Train(const std::string& name, const Parameters& parameters,
                                           const InteractionMatrix& data, uint64_t seed, const char* what) {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, CreateRecommender(name, parameters));
  std::fprintf(stderr, "training %s on %s (%llu plays)\n", name.c_str(), what,
               static_cast<unsigned long long>(data.nnz()));
  Status fitted = model->Fit(data, TrainContext{.seed = seed, .progress = TerminalProgress()});
  if (!fitted.ok()) return fitted.WithContext(name);
  return model;
}

Status Power(const PowerArgs& args) {
  if (!(args.sample > 0.0 && args.sample < 1.0)) {
    return Status::InvalidArgument(fmt::format("--sample: expected a share in (0, 1), got {}", args.sample));
  }
  if (args.max_members < 100) {
    return Status::InvalidArgument(fmt::format("--max-members: expected at least 100, got {}", args.max_members));
  }
  if (args.repetitions < 10) {
    return Status::InvalidArgument(fmt::format("--repetitions: expected at least 10, got {}", args.repetitions));
  }
  if (args.k == 0 || args.k > 1000) return Status::InvalidArgument(fmt::format("--k: expected 1..1000, got {}", args.k));
  std::set<std::string> used;
  MARQUEE_ASSIGN_OR_RETURN(Parameters parameters, args.flags.For(args.model, &used));
  MARQUEE_RETURN_IF_ERROR(CheckAllFlagsUsed(args.flags, used, {args.model}));
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  Result<GroundTruth> truth = LoadGroundTruth(args.truth);
  if (!truth.ok()) return truth.status().WithContext("--truth " + args.truth);
  if (truth->member_count() != dataset.members.size() || truth->title_count() != dataset.titles.size()) {
    return Status::InvalidArgument(fmt::format(
        "--truth {}: the ground truth is for {} members x {} titles, the dataset has {} x {}", args.truth,
        truth->member_count(), truth->title_count(), dataset.members.size(), dataset.titles.size()));
  }
  // Ranker B learns from a random share of each member's plays: the
  // random-holdout split's training part.
  SplitOptions sampling{.protocol = SplitProtocol::kRandomHoldout, .fraction = 1.0 - args.sample,
                        .min_history = 2, .seed = args.seed};
  MARQUEE_ASSIGN_OR_RETURN(EvalSplit sampled, MakeSplit(dataset.interactions, sampling));
  MARQUEE_ASSIGN_OR_RETURN(auto model_a, Train(args.model, parameters, dataset.interactions, args.seed, "every play (A)"));
  MARQUEE_ASSIGN_OR_RETURN(auto model_b,
                           Train(args.model, parameters, sampled.train, args.seed,
                                 fmt::format("{:.0f}% of them (B)", 100 * args.sample).c_str()));
  const std::vector<uint32_t> list_a = TopLists(*model_a, dataset.interactions, dataset.interactions, args.k);
  const std::vector<uint32_t> list_b = TopLists(*model_b, sampled.train, dataset.interactions, args.k);

  // Activity: a member's plays relative to the mean member's.
  const uint32_t members = dataset.members.size();
  std::vector<double> activity(members);
  const double mean = static_cast<double>(dataset.interactions.nnz()) / members;
  for (uint32_t m = 0; m < members; ++m) activity[m] = dataset.interactions.RowLength(m) / mean;

  experiment::SensitivityInputs inputs{
      .members = members, .k = args.k, .list_a = list_a, .list_b = list_b, .activity = activity,
      .play_probability = [&truth](uint32_t m, uint32_t t) { return truth->BasePlayProbability(m, t); }};
  experiment::SensitivityOptions options;
  options.member_counts = experiment::MemberCountGrid(args.max_members);
  options.repetitions = args.repetitions;
  options.seed = args.seed;
  MARQUEE_ASSIGN_OR_RETURN(experiment::SensitivityResult result, experiment::MeasureSensitivity(inputs, options));
  std::printf("%u members, lists of %u; A = %s on every play, B = %s on %.0f%% of each member's plays; %u "
              "experiments a size\n%s",
              members, args.k, args.model.c_str(), args.model.c_str(), 100 * args.sample, args.repetitions,
              experiment::SensitivityTable(result).c_str());
  if (args.chart.empty()) return Status::OK();
  const std::string svg = experiment::SensitivityChartSvg(result);
  MARQUEE_RETURN_IF_ERROR(WriteOutput(args.chart, [&](std::FILE* f) { std::fputs(svg.c_str(), f); }));
  std::printf("wrote %s\n", args.chart.c_str());
  return Status::OK();
}

struct StoreArgs {
  std::string events, file, name, data, as_of, json, chart;
  bool list_json = false;
};

// The event store at `path`, which must exist (only create may start one).
Result<std::unique_ptr<EventStore>> OpenExisting(const std::string& path, bool create) {
  if (!create && !FileExists(path)) {
    return Status::NotFound(fmt::format(
        "--events {}: no event store there (marquee serve --events or marquee experiment create makes one)", path));
  }
  Result<std::unique_ptr<EventStore>> store = EventStore::Open(path);
  if (!store.ok()) return store.status().WithContext("--events " + path);
  return store;
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// A cell's model, policy and page configuration must load now, not fail
// when a member reaches the cell.
// With `dataset` (create --data), models must have been trained on it and
// policy files must be this catalog's, as a server serving it checks.
Status CheckCellsLoad(const experiment::ExperimentSpec& spec, const Dataset* dataset) {
  for (size_t i = 0; i < spec.cells.size(); ++i) {
    const experiment::CellSpec& cell = spec.cells[i];
    if (!cell.artwork_policy.empty() && !FileExists(cell.artwork_policy)) {
      const std::string field = fmt::format("cells[{}].artwork_policy", i);
      return Status::InvalidField(field, fmt::format("{}: no policy file at {}", field, cell.artwork_policy));
    }
    if (!cell.page_config.empty()) {
      Result<page::PageConfig> config = page::LoadPageConfig(cell.page_config);
      if (!config.ok()) {
        const std::string field = fmt::format("cells[{}].page_config", i);
        return Status::InvalidField(field, fmt::format("{}: {}", field, config.status().message()));
      }
    }
    if (dataset != nullptr && !cell.artwork_policy.empty()) {
      auto features = std::make_shared<const ArtworkFeatures>(dataset->catalog);
      Result<std::unique_ptr<ArtworkPolicy>> policy = LoadArtworkPolicy(cell.artwork_policy, dataset->catalog, features);
      if (!policy.ok()) {
        const std::string field = fmt::format("cells[{}].artwork_policy", i);
        return Status::InvalidField(field, fmt::format("{}: {}", field, policy.status().message()));
      }
    }
    if (spec.cells[i].model.empty()) continue;
    Result<LoadedModel> model = LoadAnyModel(spec.cells[i].model);
    Status matches = model.ok() && dataset != nullptr ? CheckModelMatchesDataset(*model, *dataset, cell.model)
                                                      : model.status();
    if (!matches.ok()) {
      const std::string field = fmt::format("cells[{}].model", i);
      return Status::InvalidField(field, fmt::format("{}: the model {} does not load: {}", field, spec.cells[i].model,
                                                     matches.message()));
    }
  }
  return Status::OK();
}

std::string Percent(uint32_t buckets) { return fmt::format("{:.2f}%", 100.0 * buckets / experiment::kBuckets); }

Status Create(const StoreArgs& args) {
  Result<MappedFile> file = MappedFile::Open(args.file);
  if (!file.ok()) return file.status();
  MARQUEE_ASSIGN_OR_RETURN(experiment::ExperimentSpec spec, experiment::ParseExperimentSpec(file->bytes(), args.file));
  std::optional<Dataset> dataset;
  if (!args.data.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(Dataset loaded, LoadDataset(args.data));
    dataset = std::move(loaded);
  }
  Status loads = CheckCellsLoad(spec, dataset ? &*dataset : nullptr);
  if (!loads.ok()) return loads.WithContext(args.file);
  if (dataset) spec.catalog = experiment::CatalogFingerprintHex(dataset->titles, dataset->catalog);
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, OpenExisting(args.events, true));
  Result<experiment::PlacedExperiment> placed = experiment::CreateExperiment(*store, spec, Now());
  if (!placed.ok()) return placed.status().WithContext(args.file);
  std::printf("created %s in layer %s: buckets [%u, %u) (%s of the layer), %s to %s, %zu cells\n", spec.name.c_str(),
              spec.layer.c_str(), placed->range_begin, placed->range_end,
              Percent(placed->range_end - placed->range_begin).c_str(), FormatCivilDate(UnixDay(spec.start)).c_str(),
              FormatCivilDate(UnixDay(spec.end)).c_str(), spec.cells.size());
  if (!dataset) {
    std::printf("the cells' models and policy files were not checked against a dataset: pass --data with the "
                "served dataset to check them now rather than when a server starts\n");
  }
  return Status::OK();
}

std::string State(const experiment::PlacedExperiment& e, int64_t now) {
  if (e.stopped_at > 0 && e.stopped_at <= now) return "stopped " + FormatCivilDate(UnixDay(e.stopped_at));
  if (now < e.spec.start) return "scheduled";
  return now < e.Ends() ? "running" : "ended";
}

Status List(const StoreArgs& args) {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, OpenExisting(args.events, false));
  MARQUEE_ASSIGN_OR_RETURN(std::vector<experiment::PlacedExperiment> all, experiment::LoadExperiments(*store));
  if (args.list_json) {  // one JSON array, as GET /v1/experiments lists them
    std::string out = "[";
    for (size_t i = 0; i < all.size(); ++i) out += (i ? ",\n " : "") + experiment::PlacedExperimentJson(all[i], Now());
    std::printf("%s]\n", out.c_str());
    return Status::OK();
  }
  if (all.empty()) {
    std::printf("no experiments in %s\n", args.events.c_str());
    return Status::OK();
  }
  std::printf("%-24s %-12s %-12s %8s %-10s %-10s %-20s %s\n", "experiment", "layer", "method", "traffic", "start",
              "end", "state", "cells");
  const int64_t now = Now();
  for (const experiment::PlacedExperiment& e : all) {
    std::string cells;
    for (const experiment::CellSpec& c : e.spec.cells) cells += (cells.empty() ? "" : ", ") + c.name;
    std::printf("%-24s %-12s %-12s %8s %-10s %-10s %-20s %s\n", e.spec.name.c_str(), e.spec.layer.c_str(),
                std::string(experiment::ExperimentMethodName(e.spec.method)).c_str(),
                Percent(e.range_end - e.range_begin).c_str(), FormatCivilDate(UnixDay(e.spec.start)).c_str(),
                FormatCivilDate(UnixDay(e.spec.end)).c_str(), State(e, now).c_str(), cells.c_str());
  }
  return Status::OK();
}

Status Stop(const StoreArgs& args) {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, OpenExisting(args.events, false));
  const int64_t now = Now();
  MARQUEE_RETURN_IF_ERROR(experiment::StopExperiment(*store, args.name, now));
  std::printf("stopped %s at %s\n", args.name.c_str(), FormatCivilDate(UnixDay(now)).c_str());
  return Status::OK();
}

Status Report(const StoreArgs& args) {
  experiment::ReportOptions options;
  if (!args.as_of.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(int64_t as_of, ParseDate(args.as_of, "--as-of"));
    options.as_of = as_of + kSecondsPerDay;  // through the end of that day
  }
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, OpenExisting(args.events, false));
  MARQUEE_ASSIGN_OR_RETURN(experiment::PlacedExperiment e, experiment::FindExperiment(*store, args.name));
  if (e.Ends() <= e.spec.start) {
    return Status::InvalidArgument(fmt::format("experiment {} was stopped before it started on {}: nobody was in it",
                                               e.spec.name, FormatCivilDate(UnixDay(e.spec.start))));
  }
  if (options.as_of == 0 && Now() <= e.spec.start) {
    return Status::InvalidArgument(fmt::format("experiment {} starts on {}: nothing to report yet", e.spec.name,
                                               FormatCivilDate(UnixDay(e.spec.start))));
  }
  // By default: what has happened so far.
  if (options.as_of == 0) options.as_of = std::min(e.Ends(), Now());
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  // Another catalog with the same title ids would give other runtimes, hence
  // other hours, silently.
  const std::string catalog = experiment::CatalogFingerprintHex(dataset.titles, dataset.catalog);
  if (!e.spec.catalog.empty() && e.spec.catalog != catalog) {
    return Status::InvalidArgument(fmt::format(
        "--data {}: not the catalog experiment {} was served with (catalog {}, this dataset's {}); pass the dataset "
        "the server served",
        args.data, e.spec.name, e.spec.catalog, catalog));
  }
  // Titles the server added while serving are in its title log, not --data
  // (the fingerprint above is the trained catalog's, as the server's).
  Result<Dataset> grown = WithTitleLog(std::move(dataset), *store, args.events);
  if (!grown.ok()) return grown.status();
  dataset = std::move(*grown);
  MARQUEE_ASSIGN_OR_RETURN(experiment::ExperimentData data, experiment::ReadExperimentData(*store, e));
  if (e.spec.method == experiment::ExperimentMethod::kInterleaving) {
    if (!args.chart.empty()) {
      return Status::InvalidArgument("--chart: an interleaving report has no lift over days to chart (its test is "
                                     "one preference share; see the table or --json)");
    }
    MARQUEE_ASSIGN_OR_RETURN(experiment::InterleavingReport report,
                             experiment::BuildInterleavingReport(e, data.events, {.as_of = options.as_of}));
    std::fputs(experiment::InterleavingReportTable(report).c_str(), stdout);
    if (!args.json.empty()) {
      const std::string text = experiment::InterleavingReportJson(report) + "\n";
      MARQUEE_RETURN_IF_ERROR(WriteOutput(args.json, [&](std::FILE* f) { std::fputs(text.c_str(), f); }));
    }
    return Status::OK();
  }
  MARQUEE_ASSIGN_OR_RETURN(
      experiment::ExperimentReport report,
      experiment::BuildReport({&e, data.exposures, data.events, &dataset.titles, &dataset.catalog}, options));
  std::fputs(experiment::ReportTable(report).c_str(), stdout);
  if (!args.json.empty()) {
    const std::string json = experiment::ReportJson(report);
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.json, [&](std::FILE* f) { std::fprintf(f, "%s\n", json.c_str()); }));
  }
  if (!args.chart.empty()) {
    const std::string svg = experiment::CumulativeLiftSvg(report);
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.chart, [&](std::FILE* f) { std::fputs(svg.c_str(), f); }));
  }
  return Status::OK();
}

}  // namespace

Command AddExperimentCommand(CLI::App& root) {
  auto* app = root.add_subcommand(
      "experiment", "Experiments: create, list, stop and report A/B tests kept in the event store; power");
  app->require_subcommand(1);
  auto store_args = std::make_shared<StoreArgs>();
  auto* create = app->add_subcommand("create", "Create an experiment from its JSON definition (docs/experiments.md)");
  create->add_option("--events", store_args->events, "the event store (SQLite)")->required();
  create->add_option("FILE", store_args->file, "the experiment's definition (JSON)")->required();
  create->add_option("--data", store_args->data,
                     "the served dataset (.mqd): check that the cells' models were trained on it and their policy "
                     "files are its catalog's");
  auto* list = app->add_subcommand("list", "List the experiments of an event store");
  list->add_option("--events", store_args->events, "the event store (SQLite)")->required();
  list->add_flag("--json", store_args->list_json, "print a JSON array (as GET /v1/experiments) instead of the table");
  auto* stop = app->add_subcommand("stop", "Stop an experiment now (its members leave it)");
  stop->add_option("--events", store_args->events, "the event store (SQLite)")->required();
  stop->add_option("NAME", store_args->name, "the experiment")->required();
  auto* report = app->add_subcommand(
      "report", "The A/B report of an experiment: per cell and per treatment, with CUPED, Holm and the sample "
                "ratio check");
  report->add_option("--events", store_args->events, "the event store (SQLite)")->required();
  report->add_option("--data", store_args->data, "the served dataset (.mqd): titles' runtimes")->required();
  report->add_option("NAME", store_args->name, "the experiment")->required();
  report->add_option("--as-of", store_args->as_of, "report the data through this date (YYYY-MM-DD, UTC)");
  report->add_option("--json", store_args->json, "also write the report as JSON here");
  report->add_option("--chart", store_args->chart, "write the cumulative lift chart (SVG) here");
  auto* power = app->add_subcommand(
      "power",
      "Simulate A/B, A/B with CUPED and team-draft interleaving on a synthetic service: the members each "
      "needs to tell a model from the same model trained on a sample of the plays");
  auto args = std::make_shared<PowerArgs>();
  power->add_option("--data", args->data, "the synthetic service (.mqd)")->required();
  power->add_option("--truth", args->truth, "its ground truth (.mqt)")->required();
  power->add_option("--model", args->model, "the model both rankers are (ials, ease, itemknn, popularity)")
      ->required();
  power->add_option("--sample", args->sample, "share of each member's plays ranker B learns from")
      ->capture_default_str();
  power->add_option("--k", args->k, "titles a list")->capture_default_str();
  power->add_option("--repetitions", args->repetitions, "simulated experiments a size")->capture_default_str();
  power->add_option("--max-members", args->max_members,
                    "largest experiment simulated (sizes 100, 200, 500, 1000, ... up to it)")
      ->capture_default_str();
  power->add_option("--seed", args->seed, "seed of training, sampling and simulation")->capture_default_str();
  power->add_option("--chart", args->chart, "write the power curves as SVG here");
  args->flags.Register(power);
  return {app, [args, store_args, power, create, list, stop, report]() {
            const std::pair<CLI::App*, std::function<Status()>> subcommands[] = {
                {power, [&] { return Power(*args); }},
                {create, [&] { return Create(*store_args); }},
                {list, [&] { return List(*store_args); }},
                {stop, [&] { return Stop(*store_args); }},
                {report, [&] { return Report(*store_args); }}};
            for (const auto& [sub, run] : subcommands) {
              if (!sub->parsed()) continue;
              Status s = run();
              return s.ok() ? 0 : ReportError("experiment " + sub->get_name(), s);
            }
            return 2;
          }};
}

}  // namespace marquee::cli
