// marquee evaluate --data DATASET --model ials,ease,... [protocol flags] [model parameters]
// marquee evaluate --data DATASET --protocol cold-titles [--fraction 0.1] [iALS parameters]
#include <cstdio>

#include "marquee/util/json_fields.h"
#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/eval/cold_titles.h"
#include "marquee/eval/evaluation_report.h"
#include "marquee/eval/evaluator.h"
#include "marquee/models/cold_start.h"
#include "marquee/models/registry.h"
#include "marquee/models/title_features.h"
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
  double metadata_lambda = ColdStartOptions{}.lambda;  // cold-titles: the ridge penalty
  bool without_tags = false;                            // cold-titles: tags are not features
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

// --protocol cold-titles (eval/cold_titles.h): iALS trained without the
// held-out titles, their vectors mapped from metadata (models/cold_start.h),
// against the genre baselines and random.
Status EvaluateColdTitles(const EvaluateArgs& args, std::vector<uint32_t> cutoffs) {
  if (!args.split.split_file.empty() || !args.split.save_split.empty()) {
    return Status::InvalidArgument("--split, --save-split: the cold-titles protocol is made from --seed each time");
  }
  std::set<std::string> used;
  MARQUEE_ASSIGN_OR_RETURN(Parameters parameters, args.flags.For("ials", &used));
  MARQUEE_RETURN_IF_ERROR(CheckAllFlagsUsed(args.flags, used, {"ials"}));
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  const InteractionMatrix data =
      args.split.min_rating ? dataset.interactions.KeepAtLeast(*args.split.min_rating) : dataset.interactions;
  const ColdTitleOptions options{.fraction = args.split.fraction,
                                 .min_history = args.split.min_history,
                                 .cutoffs = std::move(cutoffs),
                                 .seed = args.split.seed};
  MARQUEE_ASSIGN_OR_RETURN(ColdTitleSplit split, MakeColdTitleSplit(data, options));
  std::printf("protocol cold-titles: %zu of %u titles held out with all their %llu interactions; %zu members "
              "evaluated\n",
              split.cold.size(), data.cols(), static_cast<unsigned long long>(data.nnz() - split.train.nnz()),
              split.members.size());
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, CreateRecommender("ials", parameters));
  MARQUEE_RETURN_IF_ERROR(model->Fit(split.train, TrainContext{.seed = args.split.seed, .progress = TerminalProgress()}));
  const FactorModel* factors = model->AsFactorModel();
  MARQUEE_ASSIGN_OR_RETURN(TitleFeatures features,
                           TitleFeatures::Build(dataset.catalog, {.tags = !args.without_tags}));
  // The mapping learns from the titles the model learned something about.
  const std::vector<uint32_t> counts = split.train.ColumnCounts();
  std::vector<uint32_t> learned;
  for (uint32_t t : split.warm) {
    if (counts[t] > 0) learned.push_back(t);
  }
  MARQUEE_ASSIGN_OR_RETURN(ColdStartMapping mapping,
                           ColdStartMapping::Fit(features, factors->title_factors(), learned,
                                                 {.lambda = args.metadata_lambda}));
  FactorMatrix cold_vectors(data.cols(), factors->title_factors().factors());
  mapping.MapTitles(features, split.cold, cold_vectors);
  std::printf("metadata: %zu features (genres, decade, maturity, runtime, billed performers%s), ridge (lambda %g) "
              "fit on %zu titles\n",
              features.feature_count(), args.without_tags ? "" : ", tags", args.metadata_lambda, learned.size());
  std::vector<ColdTitleResult> results;
  results.push_back(EvaluateColdTitles(split, "metadata -> iALS factors",
                                       FactorScorer(split, factors->member_factors(), cold_vectors), options));
  results.push_back(EvaluateColdTitles(split, "genre affinity", GenreAffinityScorer(split, dataset.catalog), options));
  results.push_back(
      EvaluateColdTitles(split, "genre popularity", GenrePopularityScorer(split, dataset.catalog), options));
  results.push_back(EvaluateColdTitles(split, "member activity", ActivityScorer(split), options));
  results.push_back(EvaluateColdTitles(split, "random", RandomScorer(split, args.split.seed), options));
  std::printf("\n%s", ColdTitleTable(results).c_str());
  return Status::OK();
}

Status Evaluate(const EvaluateArgs& args) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<uint32_t> cutoffs, ParseCutoffs(args.cutoffs));
  if (args.split.protocol == "cold-titles") {
    if (!args.json.empty() || !args.csv.empty()) {
      return Status::InvalidArgument("--json, --csv: the cold-titles protocol prints a table only, for now");
    }
    return EvaluateColdTitles(args, std::move(cutoffs));
  }
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
  args->split.Register(app, /*cold_titles=*/true);
  app->add_option("--metadata-lambda", args->metadata_lambda,
                  "cold-titles: the ridge penalty of the metadata -> factors mapping (>= 0)")
      ->capture_default_str();
  app->add_flag("--without-tags", args->without_tags,
                "cold-titles: leave tags out of the metadata (MovieLens tags come from members who watched)");
  args->flags.Register(app);
  return {app, [args]() {
            Status s = Evaluate(*args);
            return s.ok() ? 0 : ReportError("evaluate", s);
          }};
}

}  // namespace marquee::cli
