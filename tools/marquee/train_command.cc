// marquee train --data DATASET --model NAME --out MODEL_DIR [model parameters]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fmt/format.h>
#include <string>

#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/models/factor_rank.h"
#include "marquee/models/ials_kernel.h"
#include "marquee/models/model_file.h"
#include "marquee/models/registry.h"
#include "marquee/ranking/ranker_file.h"
#include "event_log_input.h"
#include "impression_lists.h"
#include "model_flags.h"
#include "progress_bar.h"

namespace marquee::cli {

namespace {
// What the ranker learned from and which features mattered (XGBoost's
// total-gain importance, as shares).
void PrintRankerSummary(const RankerRecommender& ranker, const std::string& dir) {
  for (size_t i = 0; i < ranker.sources().size(); ++i) {
    std::printf("  candidate model %-10s %s (%.2fs)\n", ranker.sources()[i].name.c_str(),
                RankerSourceDir(dir, ranker.sources()[i].name).c_str(), ranker.source_train_seconds(i));
  }
  const std::vector<std::string> names = ranker.FeatureNames();
  const std::vector<double> gain = ranker.TotalGain();
  double total = 0;
  for (double g : gain) total += g;
  std::vector<size_t> order(names.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return gain[a] > gain[b]; });
  std::printf("  feature importance (share of total gain):");
  for (size_t i : order) {
    if (gain[i] > 0) std::printf(" %s %.1f%%", names[i].c_str(), 100.0 * gain[i] / std::max(total, 1e-12));
  }
  std::printf("\n");
}

struct TrainArgs {
  std::string data;
  std::string model;
  std::string out;
  uint64_t seed = 42;
  uint32_t loss_every = 0;
  std::optional<float> min_rating;
  std::string impressions;           // ranker: an event log to learn from
  int64_t reward_window = kDefaultRewardWindowSeconds;
  std::string impression_weights = "none";
  ModelFlags flags;
};

// The ranker trained from a logged impression list instead of held-back
// plays: sources fitted on what happened before the first impression.
Status FitRankerFromImpressions(const TrainArgs& args, const Dataset& dataset, const InteractionMatrix& train,
                                RankerRecommender& ranker, const TrainContext& context) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<Event> events, ReadEventLog(args.impressions));
  ImpressionListOptions options;
  options.rules.reward_window_seconds = args.reward_window;
  options.inverse_propensity = args.impression_weights == "inverse-propensity";
  Result<ImpressionLists> lists = BuildImpressionLists(events, dataset, options);
  if (!lists.ok()) return lists.status().WithContext(args.impressions);
  std::printf("impressions: %llu in %zu lists, %llu followed by a play within %llds (%llu lists with a play)\n",
              static_cast<unsigned long long>(lists->impressions), lists->lists.size(),
              static_cast<unsigned long long>(lists->played), static_cast<long long>(args.reward_window),
              static_cast<unsigned long long>(lists->lists_played));
  const double shown = static_cast<double>(lists->impressions + lists->unknown_titles);
  auto warn = [](const std::string& text) {
    std::fflush(stdout);
    std::fprintf(stderr, "warning: %s\n", text.c_str());
  };
  if (lists->unknown_titles > 0) {
    warn(fmt::format("{} impressions ({:.1f}%) are of titles the dataset lacks and are left out{}",
                     lists->unknown_titles, 100.0 * lists->unknown_titles / shown,
                     lists->unknown_titles > shown / 10 ? ": is this log from this service?" : ""));
  }
  if (lists->unknown_members > 0) {
    warn(fmt::format("{} impressions ({:.1f}%) are of members the dataset lacks: their lists are described "
                     "without a history",
                     lists->unknown_members, 100.0 * lists->unknown_members / lists->impressions));
  }
  if (options.inverse_propensity && lists->without_propensity > 0) {
    warn(fmt::format("{} impressions have no propensity and weigh as if shown for certain (1)",
                     lists->without_propensity));
  }
  const int64_t first = lists->first_time;
  const InteractionMatrix before =
      FilterEntries(train, [&](uint32_t, uint64_t i) { return train.has_times() && train.times()[i] < first; });
  if (before.nnz() == 0) {
    return Status::InvalidArgument(args.impressions +
                                   ": the dataset has no interactions before the first impression, so the sources "
                                   "could not describe what was shown without knowing what happened next");
  }
  if (before.nnz() * 10 < train.nnz()) {
    std::fflush(stdout);
    std::fprintf(stderr,
                 "warning: only %llu of the dataset's %llu interactions (%.1f%%) precede the first impression: the "
                 "sources that describe the lists learn from little\n",
                 static_cast<unsigned long long>(before.nnz()), static_cast<unsigned long long>(train.nnz()),
                 100.0 * before.nnz() / train.nnz());
  }
  return ranker.FitFromImpressions(before, train, lists->lists, context);
}

int RunTrain(const TrainArgs& args) {
  Result<Dataset> dataset = LoadDataset(args.data);
  if (!dataset.ok()) return ReportError("train", dataset.status());
  Result<Parameters> parameters = args.flags.All();
  if (!parameters.ok()) return ReportError("train", parameters.status());
  Result<std::unique_ptr<Recommender>> model = CreateModel(args.model, *parameters, *dataset);
  if (!model.ok()) return ReportError("train", model.status());

  InteractionMatrix train = args.min_rating ? dataset->interactions.KeepAtLeast(*args.min_rating)
                                            : dataset->interactions;
  std::string kernel;  // the instruction-set variant, where the model has several
  if (args.model == "ials") {
    Result<const ials::IalsKernel*> active = ials::ActiveIalsKernel();
    if (!active.ok()) return ReportError("train", active.status());
    kernel = fmt::format(", kernel {}", (*active)->name);
  }
  std::printf("training %s (%s) on %u members x %u titles, %llu interactions%s\n",
              args.model.c_str(), (*model)->parameters().ToString().c_str(), train.rows(),
              train.cols(), static_cast<unsigned long long>(train.nnz()), kernel.c_str());
  TrainContext context;
  context.seed = args.seed;
  context.loss_every = args.loss_every;
  context.progress = TerminalProgress();
  context.on_iteration = [](const TrainingIteration& it) {
    if (it.has_loss) {
      std::printf("  iteration %3u  loss %.6g  %.2fs\n", it.iteration, it.loss, it.seconds);
    } else {
      std::printf("  iteration %3u  %.2fs\n", it.iteration, it.seconds);
    }
    std::fflush(stdout);
  };
  context.on_notice = [](const TrainingNotice& notice) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: %s\n",
                 notice.level == TrainingNotice::Level::kWarning ? "warning" : "note",
                 notice.message.c_str());
  };
  auto* ranker = dynamic_cast<RankerRecommender*>(model->get());
  if (args.impressions.empty() && (args.reward_window != kDefaultRewardWindowSeconds ||
                                   args.impression_weights != "none")) {
    return ReportError("train", Status::InvalidArgument(
                                    "--reward-window, --impression-weights: they shape training from an impression "
                                    "log; give --impressions"));
  }
  if (!args.impressions.empty() && ranker == nullptr) {
    return ReportError("train", Status::InvalidArgument("--impressions: only the ranker learns from impressions"));
  }
  auto start = std::chrono::steady_clock::now();
  Status fitted = args.impressions.empty() ? (*model)->Fit(train, context)
                                           : FitRankerFromImpressions(args, *dataset, train, *ranker, context);
  if (!fitted.ok()) return ReportError("train", fitted);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  ModelInfo info = DescribeTrainedModel(**model, args.model, *dataset, train, seconds);
  info.has_min_rating = args.min_rating.has_value();
  info.min_rating = args.min_rating.value_or(0);
  Status saved = ranker != nullptr ? SaveRanker(*ranker, info, *dataset, train, args.out)
                                   : SaveModel(**model, info, dataset->members, dataset->titles, args.out);
  if (!saved.ok()) return ReportError("train", saved);
  if (ranker != nullptr) PrintRankerSummary(*ranker, args.out);
  std::printf("trained in %.2fs; wrote %s (version %s)\n", seconds, args.out.c_str(),
              info.version.c_str());
  return 0;
}
}  // namespace

Command AddTrainCommand(CLI::App& root) {
  auto* app = root.add_subcommand("train", "Train a recommender on a dataset");
  auto args = std::make_shared<TrainArgs>();
  app->add_option("--data", args->data, "dataset file (.mqd)")->required();
  std::string names;
  for (const std::string& n : ModelNames()) names += (names.empty() ? "" : " | ") + n;
  app->add_option("--model", args->model, names)->required();
  app->add_option("--out", args->out, "model directory to write")->required();
  app->add_option("--seed", args->seed, "random seed")->capture_default_str();
  app->add_option("--loss-every", args->loss_every,
                  "print the training loss every N iterations (a pass over every interaction); 0: after the "
                  "last only")
      ->capture_default_str();
  app->add_option("--min-rating", args->min_rating,
                  "train only on ratings >= R, as positives of weight 1");
  app->add_option("--impressions", args->impressions,
                  "ranker: learn from this event log (an events database or JSON lines) of impressions and "
                  "plays instead of held-back plays");
  app->add_option("--reward-window", args->reward_window,
                  "--impressions: seconds after an impression in which a play counts as its outcome")
      ->check(CLI::Range(int64_t{0}, kMaxRewardWindowSeconds))
      ->capture_default_str();
  app->add_option("--impression-weights", args->impression_weights,
                  "--impressions: none, or inverse-propensity (each list weighted by the mean of 1/propensity "
                  "of its impressions, capped at 10)")
      ->check(CLI::IsMember({"none", "inverse-propensity"}))
      ->capture_default_str();
  args->flags.Register(app);
  return {app, [args]() { return RunTrain(*args); }};
}

}  // namespace marquee::cli
