// marquee evaluate --data DATASET --model ials,ease,... [protocol flags] [model parameters]
#include <cstdio>

#include "marquee/util/json_fields.h"
#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/eval/evaluation_report.h"
#include "marquee/eval/evaluator.h"
#include "model_flags.h"
#include "output_file.h"
#include "progress_bar.h"
#include "split_flags.h"

namespace marquee::cli {

namespace {
struct EvaluateArgs {
  std::string data;
  std::string models = "popularity,itemknn,ials,ease";
  std::string cutoffs = "10,20,50,100";
  std::string json;
  std::string csv;
  SplitFlags split;
  ModelFlags flags;
};

void PrintSplit(const EvalSplit& split) {
  std::printf("protocol %s: train %llu interactions, %u members evaluated (%llu held-out interactions)%s\n",
              std::string(SplitProtocolName(split.options.protocol)).c_str(),
              static_cast<unsigned long long>(split.train.nnz()), split.EvaluatedMembers(),
              static_cast<unsigned long long>(split.target.nnz()),
              split.fold_in ? ", folded in" : "");
}

Status WriteReports(const EvaluateArgs& args, const std::vector<EvaluationResult>& results) {
  if (!args.json.empty()) {
    nlohmann::json all = nlohmann::json::array();
    for (const EvaluationResult& r : results) all.push_back(EvaluationJson(r));
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.json, [&](std::FILE* f) {
      std::fprintf(f, "%s\n", json_fields::Dump(all, 2).c_str());
    }));
  }
  if (!args.csv.empty()) {
    std::string csv = EvaluationCsv(results);
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.csv, [&](std::FILE* f) { std::fputs(csv.c_str(), f); }));
  }
  return Status::OK();
}

Status Evaluate(const EvaluateArgs& args) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<uint32_t> cutoffs, ParseCutoffs(args.cutoffs));
  std::vector<std::string> models = SplitList(args.models);
  if (models.empty()) return Status::InvalidArgument("--model: expected at least one model name");
  std::vector<Parameters> parameters;
  std::set<std::string> used;
  for (const std::string& m : models) {
    MARQUEE_ASSIGN_OR_RETURN(Parameters p, args.flags.For(m, &used));
    parameters.push_back(std::move(p));
  }
  MARQUEE_RETURN_IF_ERROR(CheckAllFlagsUsed(args.flags, used, models));
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  MARQUEE_ASSIGN_OR_RETURN(EvalSplit split, args.split.MakeOrLoad(dataset));
  PrintSplit(split);

  std::vector<EvaluationResult> results;
  for (size_t i = 0; i < models.size(); ++i) {
    EvaluateOptions options{.cutoffs = cutoffs, .progress = TerminalProgress()};
    TrainContext context{.seed = args.split.seed, .progress = TerminalProgress()};
    Result<EvaluationResult> r = TrainAndEvaluate(models[i], parameters[i], split, options, context);
    if (!r.ok()) return r.status().WithContext(models[i]);
    results.push_back(std::move(*r));
  }
  std::printf("\n%s", EvaluationTable(results).c_str());
  return WriteReports(args, results);
}
}  // namespace

Command AddEvaluateCommand(CLI::App& root) {
  auto* app = root.add_subcommand("evaluate", "Train models on a split and measure ranking quality");
  auto args = std::make_shared<EvaluateArgs>();
  app->add_option("--data", args->data, "dataset file (.mqd)")->required();
  app->add_option("--model", args->models, "model names, comma-separated")->capture_default_str();
  app->add_option("--cutoffs", args->cutoffs, "K values for the @K metrics")->capture_default_str();
  app->add_option("--json", args->json, "also write the results as JSON here");
  app->add_option("--csv", args->csv, "also write the results as CSV here");
  args->split.Register(app);
  args->flags.Register(app);
  return {app, [args]() {
            Status s = Evaluate(*args);
            return s.ok() ? 0 : ReportError("evaluate", s);
          }};
}

}  // namespace marquee::cli
