// marquee tune --data DATASET --model NAME [--space "name=a|b;name=lo:hi:log"] [protocol flags]
#include <cstdio>

#include "marquee/util/json_fields.h"
#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/eval/evaluation_report.h"
#include "marquee/eval/tuner.h"
#include "marquee/models/registry.h"
#include "model_flags.h"
#include "output_file.h"
#include "progress_bar.h"
#include "split_flags.h"

namespace marquee::cli {

namespace {
struct TuneArgs {
  std::string data;
  std::string model;
  std::string space;
  std::string strategy = "random";
  uint32_t trials = TuneOptions{}.trials;
  std::string metric = "ndcg@10";
  std::string cutoffs = "10,20,50,100";
  std::string json;
  std::string csv;
  SplitFlags split;
  ModelFlags flags;
};

void PrintTrials(const TuneResult& result, const std::string& metric) {
  std::printf("\n%5s  %-10s  %s\n", "trial", metric.c_str(), "parameters");
  for (size_t i = 0; i < result.trials.size(); ++i) {
    const TuneTrial& t = result.trials[i];
    std::printf("%5zu  %10.4f  %s%s\n", i + 1, t.score, t.parameters.ToString().c_str(),
                i == result.best ? "   <- best" : "");
  }
}

Status Tune(const TuneArgs& args) {
  TuneOptions options;
  options.model = args.model;
  MARQUEE_ASSIGN_OR_RETURN(options.fixed, args.flags.All());
  std::string space = args.space;
  if (space.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(space, DefaultSearchSpace(options.model, options.fixed));
    std::printf("search space (the default for %s): %s\n", options.model.c_str(), space.c_str());
  }
  MARQUEE_ASSIGN_OR_RETURN(options.space, SearchSpace::Parse(space));
  options.strategy = args.strategy == "grid" ? SearchStrategy::kGrid : SearchStrategy::kRandom;
  options.trials = args.trials;
  options.seed = args.split.seed;
  options.metric = args.metric;
  MARQUEE_ASSIGN_OR_RETURN(options.evaluate.cutoffs, ParseCutoffs(args.cutoffs));
  options.progress = TerminalProgress();
  MARQUEE_RETURN_IF_ERROR(ValidateMetricName(options.metric, options.evaluate.cutoffs));
  // Fail on a bad model name or parameter before any data is read.
  MARQUEE_ASSIGN_OR_RETURN(std::vector<Parameters> settings, SearchSettings(options));
  for (const Parameters& p : settings) {
    MARQUEE_RETURN_IF_ERROR(CheckModelParameters(options.model, p));
  }

  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  options.create = [&](const Parameters& p) { return CreateModel(options.model, p, dataset); };
  MARQUEE_ASSIGN_OR_RETURN(EvalSplit test, args.split.MakeOrLoad(dataset));
  MARQUEE_ASSIGN_OR_RETURN(EvalSplit validation, MakeValidationSplit(test));
  std::printf("tuning %s: %zu settings, %s on a validation split of %u members (%s)\n",
              options.model.c_str(), settings.size(), options.metric.c_str(),
              validation.EvaluatedMembers(),
              std::string(SplitProtocolName(test.options.protocol)).c_str());
  MARQUEE_ASSIGN_OR_RETURN(TuneResult result, marquee::Tune(options, validation, test));
  PrintTrials(result, options.metric);
  std::printf("\nbest on validation: %s\ntest:\n%s",
              result.trials[result.best].parameters.ToString().c_str(),
              EvaluationTable({result.test}).c_str());

  if (!args.json.empty()) {
    nlohmann::json trials = nlohmann::json::array();
    for (const TuneTrial& t : result.trials) {
      trials.push_back({{"parameters", t.parameters.values()}, {"score", t.score}});
    }
    nlohmann::json j = {{"model", options.model}, {"metric", options.metric}, {"trials", trials},
                        {"best", result.best}, {"test", EvaluationJson(result.test)}};
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.json, [&](std::FILE* f) {
      std::fprintf(f, "%s\n", json_fields::Dump(j, 2).c_str());
    }));
  }
  if (!args.csv.empty()) {
    std::string csv = "trial,score,parameters\n";
    for (size_t i = 0; i < result.trials.size(); ++i) {
      csv += std::to_string(i + 1) + "," + std::to_string(result.trials[i].score) + ",\"" +
             result.trials[i].parameters.ToString() + "\"\n";
    }
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.csv, [&](std::FILE* f) { std::fputs(csv.c_str(), f); }));
  }
  return Status::OK();
}
}  // namespace

Command AddTuneCommand(CLI::App& root) {
  auto* app = root.add_subcommand("tune", "Search a model's parameters on a validation split");
  auto args = std::make_shared<TuneArgs>();
  app->add_option("--data", args->data, "dataset file (.mqd)")->required();
  app->add_option("--model", args->model, "model name")->required();
  app->add_option("--space", args->space,
                  "search space: \"factors=32|64|128;regularization=0.001:1:log;neighbors=10:500:int\"; "
                  "required except for ials, whose default searches regularization on a log scale "
                  "over the range that fits its regularization_scaling: 0.001:100 for plain "
                  "(lambda itself, as in implicit), 0.0001:1 for frequency (lambda_u / W_u: the "
                  "penalty as a fraction of the row's total confidence), and the ranker, whose default is "
                  "rounds=25|50|100;depth=2|3|5;learning_rate=0.05|0.1|0.2 (its candidate sets can be "
                  "searched too: candidates=ials,ease|ials,itemknn,popularity)");
  app->add_option("--strategy", args->strategy, "random | grid")
      ->check(CLI::IsMember({"random", "grid"}))
      ->capture_default_str();
  app->add_option("--trials", args->trials, "settings to try (random search)")->capture_default_str();
  app->add_option("--metric", args->metric, "what to maximize, e.g. ndcg@10, recall@20")
      ->capture_default_str();
  app->add_option("--cutoffs", args->cutoffs, "K values for the @K metrics")->capture_default_str();
  app->add_option("--json", args->json, "also write the trials and test results as JSON here");
  app->add_option("--csv", args->csv, "also write the trials as CSV here");
  args->split.Register(app);
  args->flags.Register(app);
  return {app, [args]() {
            Status s = Tune(*args);
            return s.ok() ? 0 : ReportError("tune", s);
          }};
}

}  // namespace marquee::cli
