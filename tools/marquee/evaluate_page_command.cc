// marquee evaluate-page --data DATASET --model NAME [model parameters]
//   [--split-time DATE | --split-quantile Q] [--rows R] [--per-row C]
//   [--config page.yaml] [--truth TRUTH.mqt] [--json OUT]
//
// Whole homepages built as of a split date, measured against each member's
// next plays (eval/page_evaluation.h): a popularity page, one list cut into
// rows, fixed row order and the personalized assembly, in one table.
#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <optional>
#include <set>

#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/eval/page_evaluation.h"
#include "marquee/synthetic/ground_truth.h"
#include "model_flags.h"
#include "output_file.h"
#include "progress_bar.h"
#include "split_flags.h"

namespace marquee::cli {

namespace {
struct EvaluatePageArgs {
  std::string data;
  std::string model;
  std::string split_time;  // YYYY-MM-DD
  std::optional<double> split_quantile;
  std::optional<uint32_t> rows, per_row;
  uint32_t min_history = 2;
  uint32_t max_members = 0;
  uint64_t seed = 42;
  std::string config;
  std::string truth;
  std::string json;
  bool row_kinds = false;
  ModelFlags flags;
};

// The options the flags ask for, before any file is read.
Result<PageEvaluationOptions> OptionsFromFlags(const EvaluatePageArgs& args) {
  PageEvaluationOptions options;
  if (!args.split_time.empty() && args.split_quantile) {
    return Status::InvalidArgument("--split-time and --split-quantile: give one of them, not both");
  }
  if (!args.split_time.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(options.split_time, ParseDate(args.split_time, "--split-time"));
  }
  if (args.split_quantile) {
    if (!(*args.split_quantile > 0.0 && *args.split_quantile < 1.0)) {
      return Status::InvalidArgument(fmt::format(
          "--split-quantile: expected a number strictly between 0 and 1, got {}", *args.split_quantile));
    }
    options.split_quantile = *args.split_quantile;
  }
  if (!args.config.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(options.config, page::LoadPageConfig(args.config));
  }
  // The page's shape defaults to the configuration's.
  options.rows = args.rows.value_or(options.config.rules.rows);
  options.per_row = args.per_row.value_or(options.config.rules.per_row);
  if (options.rows < 1 || options.rows > 100) {
    return Status::InvalidArgument(fmt::format("--rows: expected 1..100, got {}", options.rows));
  }
  if (options.per_row < 1 || options.per_row > 200) {
    return Status::InvalidArgument(fmt::format("--per-row: expected 1..200, got {}", options.per_row));
  }
  options.min_history = args.min_history;
  options.max_members = args.max_members;
  options.progress = TerminalProgress();
  return options;
}

Status CheckTruthShape(const GroundTruth& truth, const Dataset& dataset, const std::string& path) {
  if (truth.member_count() == dataset.members.size() && truth.title_count() == dataset.titles.size()) {
    return Status::OK();
  }
  return Status::InvalidArgument(
      fmt::format("--truth {}: the ground truth is for {} members x {} titles, the dataset has {} x {}", path,
                  truth.member_count(), truth.title_count(), dataset.members.size(), dataset.titles.size()));
}

std::string UtcTime(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

void PrintHeader(const PageEvaluationResult& r, const Dataset& dataset) {
  std::printf("temporal split at %s: train %llu interactions, %llu members evaluated (%llu next plays)\n",
              UtcTime(r.split_time).c_str(), static_cast<unsigned long long>(r.train_interactions),
              static_cast<unsigned long long>(r.members_evaluated),
              static_cast<unsigned long long>(r.target_interactions));
  std::printf(
      "model %s (%s), trained in %.1f s; pages %u x %u from %s, built and measured in %.1f s; %zu titles\n",
      r.model.c_str(), r.parameters.ToString().c_str(), r.train_seconds, r.rows, r.per_row,
      r.config_source.c_str(), r.evaluate_seconds, static_cast<size_t>(dataset.titles.size()));
}

Status EvaluatePage(const EvaluatePageArgs& args) {
  MARQUEE_ASSIGN_OR_RETURN(PageEvaluationOptions options, OptionsFromFlags(args));
  std::set<std::string> used;
  MARQUEE_ASSIGN_OR_RETURN(Parameters parameters, args.flags.For(args.model, &used));
  MARQUEE_RETURN_IF_ERROR(CheckAllFlagsUsed(args.flags, used, {args.model}));
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  std::optional<GroundTruth> truth;
  if (!args.truth.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(truth, LoadGroundTruth(args.truth));
    MARQUEE_RETURN_IF_ERROR(CheckTruthShape(*truth, dataset, args.truth));
    // Proportional to the member's expected plays of each title (their plays
    // after the split times this); page NDCG and recall are scale-free.
    options.gains = [&truth](uint32_t member, std::span<float> gain) { truth->TrueAffinities(member, gain); };
  }
  Result<EvalSplit> split = MakePageSplit(dataset, options);
  if (!split.ok()) {
    return split.status().WithContext(options.split_time != 0 ? "--split-time " + args.split_time
                                                              : "--split-quantile");
  }
  // Before training: a split that leaves nobody to evaluate would print a table of zeros.
  Status members = CheckMembersToEvaluate(*split);
  if (!members.ok()) return members.WithContext(fmt::format("--min-history {}", args.min_history));
  TrainContext context{.seed = args.seed, .progress = TerminalProgress()};
  Result<PageEvaluationResult> result =
      EvaluatePages(dataset, *split, args.model, parameters, options, context);
  if (!result.ok()) return result.status().WithContext("--model " + args.model);
  PrintHeader(*result, dataset);
  std::printf("\n%s", PageEvaluationTable(*result).c_str());
  if (args.row_kinds) std::printf("\n%s", PageRowKindTable(*result).c_str());
  if (args.json.empty()) return Status::OK();
  const std::string json = PageEvaluationJson(*result);
  return WriteOutput(args.json, [&](std::FILE* f) { std::fprintf(f, "%s\n", json.c_str()); });
}
}  // namespace

Command AddEvaluatePageCommand(CLI::App& root) {
  auto* app = root.add_subcommand(
      "evaluate-page",
      "Build each member's homepage as of a split date and measure it against their next plays: "
      "popularity page, one list cut into rows, fixed row order, personalized assembly");
  auto args = std::make_shared<EvaluatePageArgs>();
  app->add_option("--data", args->data, "dataset file (.mqd), with interaction times")->required();
  app->add_option("--model", args->model,
                  "the model the pages are built on (ials, ease, itemknn, popularity)")
      ->required();
  auto* time = app->add_option("--split-time", args->split_time,
                               "plays from this date (YYYY-MM-DD, UTC) are the next plays");
  app->add_option("--split-quantile", args->split_quantile,
                  "split where this share of the interactions lies before (default 0.8)")
      ->excludes(time);
  app->add_option("--rows", args->rows, "rows in the visible area (default: the config's, 10)");
  app->add_option("--per-row", args->per_row,
                  "titles per row in the visible area (default: the config's, 20)");
  app->add_option("--min-history", args->min_history, "members with fewer interactions are not evaluated")
      ->capture_default_str();
  app->add_option("--max-members", args->max_members, "evaluate at most this many members (0 = all)")
      ->capture_default_str();
  app->add_option("--seed", args->seed, "training seed")->capture_default_str();
  app->add_option("--config", args->config, "page configuration (YAML; default: the built-in one)");
  app->add_option("--truth", args->truth, "the synthetic service's ground truth (.mqt): graded measures too");
  app->add_option("--json", args->json, "also write the results as JSON here");
  app->add_flag("--row-kinds", args->row_kinds,
                "also print where each strategy put each row kind and the share of the hits it found");
  args->flags.Register(app);
  return {app, [args]() {
            Status s = EvaluatePage(*args);
            return s.ok() ? 0 : ReportError("evaluate-page", s);
          }};
}

}  // namespace marquee::cli
