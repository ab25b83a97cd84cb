// marquee evaluate --data DATASET --model ials,ease,... [protocol flags] [model parameters]
// marquee evaluate --data DATASET --protocol cold-titles [--fraction 0.1] [iALS parameters]
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "marquee/util/json_fields.h"
#include <fmt/format.h>

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
// The feature groups present in `features` ("genres", "tags", ...), in a
// fixed order.
std::string FeatureGroups(const TitleFeatures& features) {
  const std::vector<std::pair<const char*, const char*>> groups = {
      {"genre:", "genres"}, {"decade:", "decade"}, {"maturity:", "maturity"}, {"runtime:", "runtime"},
      {"performer:", "billed performers"}, {"tag:", "tags"}};
  std::string out;
  for (const auto& [prefix, name] : groups) {
    const bool informative = std::any_of(features.names().begin(), features.names().end(), [&](const std::string& f) {
      return f.starts_with(prefix) && !f.ends_with(":unknown");
    });
    if (informative) out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out;
}

Status EvaluateColdTitles(const EvaluateArgs& args, std::vector<uint32_t> cutoffs) {
  if (!args.split.split_file.empty() || !args.split.save_split.empty()) {
    return Status::InvalidArgument("--split, --save-split: the cold-titles protocol is made from --seed each time");
  }
  if (!(args.metadata_lambda > 0.0) || !std::isfinite(args.metadata_lambda)) {
    return Status::InvalidArgument(fmt::format("--metadata-lambda: expected a finite penalty > 0, found {} (the "
                                               "metadata's one-hot groups are collinear: without a penalty the "
                                               "mapping is not unique)",
                                               args.metadata_lambda));
  }
  std::set<std::string> used;
  MARQUEE_ASSIGN_OR_RETURN(Parameters parameters, args.flags.For("ials", &used));
  MARQUEE_RETURN_IF_ERROR(CheckAllFlagsUsed(args.flags, used, {"ials"}));
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  const InteractionMatrix data =
      args.split.min_rating ? dataset.interactions.KeepAtLeast(*args.split.min_rating) : dataset.interactions;
  if (data.nnz() == 0) {
    return Status::InvalidArgument(fmt::format("--min-rating {}: keeps none of the {} interactions",
                                               *args.split.min_rating, dataset.interactions.nnz()));
  }
  const ColdTitleOptions options{.fraction = args.split.fraction,
                                 .min_history = args.split.min_history,
                                 .cutoffs = std::move(cutoffs),
                                 .seed = args.split.seed};
  MARQUEE_ASSIGN_OR_RETURN(ColdTitleSplit split, MakeColdTitleSplit(data, options));
  const std::vector<uint32_t> audience = data.ColumnCounts();
  const auto eligible = std::count_if(audience.begin(), audience.end(),
                                      [&](uint32_t a) { return a >= options.min_audience; });
  const auto with_cold = std::count_if(split.played.begin(), split.played.end(),
                                       [](const std::vector<uint32_t>& p) { return !p.empty(); });
  if (with_cold == 0) {
    return Status::InvalidArgument(fmt::format("--min-history {}: no member with that much history played a held-out "
                                               "title; nothing to evaluate",
                                               options.min_history));
  }
  std::printf("protocol cold-titles: %zu of the %lld titles with at least %u members held out, with all their %llu "
              "interactions; %lld members played one of them\n",
              split.cold.size(), static_cast<long long>(eligible), options.min_audience,
              static_cast<unsigned long long>(data.nnz() - split.train.nnz()), static_cast<long long>(with_cold));
  if (split.cold.size() < 20) {
    std::printf("warning: only %zu held-out titles: the member-side measures rank among so few that they say "
                "little (raise --fraction)\n",
                split.cold.size());
  }
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
  const std::string groups = FeatureGroups(features);
  std::printf("metadata: %zu features (%s), ridge (lambda %g) fit on %zu titles\n", features.feature_count(),
              groups.empty() ? "none: the catalog describes no title" : groups.c_str(), args.metadata_lambda,
              learned.size());
  if (groups.empty()) {
    std::printf("warning: without metadata every cold title gets the mean title's vector; the mapping can only "
                "rank members by activity\n");
  }
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

// Flags of one protocol given with another are refused rather than ignored.
Status CheckProtocolFlags(const EvaluateArgs& args, const CLI::App& app) {
  const bool cold = args.split.protocol == "cold-titles";
  if (cold) {
    for (const char* flag : {"--model", "--last-n", "--split-date", "--heldout-members"}) {
      if (app.count(flag) > 0) {
        return Status::InvalidArgument(fmt::format("{}: not used by --protocol cold-titles (it evaluates iALS mapped "
                                                   "from metadata against fixed baselines)",
                                                   flag));
      }
    }
  } else {
    for (const char* flag : {"--metadata-lambda", "--without-tags"}) {
      if (app.count(flag) > 0) {
        return Status::InvalidArgument(fmt::format("{}: only --protocol cold-titles uses it", flag));
      }
    }
  }
  return Status::OK();
}

Status Evaluate(const EvaluateArgs& args, const CLI::App& app) {
  MARQUEE_RETURN_IF_ERROR(CheckProtocolFlags(args, app));
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
    context.on_notice = [](const TrainingNotice& notice) {
      std::fflush(stdout);
      std::fprintf(stderr, "%s: %s\n", notice.level == TrainingNotice::Level::kWarning ? "warning" : "note",
                   notice.message.c_str());
    };
    Result<std::unique_ptr<Recommender>> model = CreateModel(models[i], parameters[i], dataset);
    if (!model.ok()) return model.status();  // its errors name the model
    Result<EvaluationResult> r = TrainAndEvaluate(std::move(*model), split, options, context);
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
  return {app, [args, app]() {
            Status s = Evaluate(*args, *app);
            return s.ok() ? 0 : ReportError("evaluate", s);
          }};
}

}  // namespace marquee::cli
