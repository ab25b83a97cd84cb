// marquee experiment power --data SERVICE.mqd --truth SERVICE.mqt --model NAME [model parameters]
//   [--sample 0.5] [--k 20] [--repetitions 400] [--chart power.svg] [--json OUT]
//
// How many members an A/B test, an A/B test with CUPED, and team-draft
// interleaving need to tell two rankers apart (experiment/sensitivity.h):
// ranker A is the model trained on every play, ranker B the same model
// trained on a random `sample` of each member's plays -- a small, known loss
// of quality -- and the synthetic members play what they are shown as their
// ground truth says.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <set>

#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/eval/split.h"
#include "marquee/experiment/sensitivity.h"
#include "marquee/models/registry.h"
#include "marquee/models/top_k.h"
#include "marquee/synthetic/ground_truth.h"
#include "marquee/util/svg_chart.h"
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

std::string PowerChart(const experiment::SensitivityResult& r) {
  std::vector<LineSeries> series;
  for (const experiment::MethodSensitivity& m : r.methods) {
    LineSeries s{.name = m.method};
    for (size_t i = 0; i < r.member_counts.size(); ++i) {
      s.xs.push_back(std::log10(static_cast<double>(r.member_counts[i])));
      s.ys.push_back(m.power[i]);
    }
    series.push_back(std::move(s));
  }
  return LineChartSvg(series, {.title = "Power to detect the better ranker (5% level)",
                               .x_label = "members in the experiment (log10)",
                               .y_label = "power"});
}

Status Power(const PowerArgs& args) {
  if (!(args.sample > 0.0 && args.sample < 1.0)) {
    return Status::InvalidArgument(fmt::format("--sample: expected a share in (0, 1), got {}", args.sample));
  }
  if (args.max_members < 100) {
    return Status::InvalidArgument(fmt::format("--max-members: expected at least 100, got {}", args.max_members));
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
  const std::string svg = PowerChart(result);
  MARQUEE_RETURN_IF_ERROR(WriteOutput(args.chart, [&](std::FILE* f) { std::fputs(svg.c_str(), f); }));
  std::printf("wrote %s\n", args.chart.c_str());
  return Status::OK();
}

}  // namespace

Command AddExperimentCommand(CLI::App& root) {
  auto* app = root.add_subcommand("experiment", "Experiments: how many members a test needs");
  app->require_subcommand(1);
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
  return {app, [args, power]() {
            if (!power->parsed()) return 0;
            Status s = Power(*args);
            return s.ok() ? 0 : ReportError("experiment power", s);
          }};
}

}  // namespace marquee::cli
