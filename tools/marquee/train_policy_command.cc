// marquee train-policy --logs FILE --data DATASET --policy SPEC --out FILE.mqp
//                      [--reward-window S] [--watch-fraction]
//
// Batch training of an artwork policy from an impression log: every usable
// impression, in log order, is one update with its joined reward.
#include <cstdio>

#include <fmt/format.h>

#include "commands.h"
#include "event_log_input.h"
#include "marquee/bandit/artwork_ope.h"
#include "marquee/bandit/impression_log.h"
#include "marquee/bandit/policy.h"
#include "marquee/bandit/reward_attribution.h"
#include "marquee/data/dataset_file.h"

namespace marquee::cli {

namespace {
struct TrainPolicyArgs {
  std::string logs;
  std::string data;
  std::string policy = "linucb";
  std::string out;
  int64_t reward_window = kDefaultRewardWindowSeconds;
  bool watch_fraction = false;
};

Status TrainPolicy(const TrainPolicyArgs& args) {
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  auto features = std::make_shared<const ArtworkFeatures>(dataset.catalog);
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<ArtworkPolicy> policy,
                           CreateArtworkPolicyFromSpec(args.policy, dataset.catalog, features));
  MARQUEE_ASSIGN_OR_RETURN(std::vector<Event> events, ReadEventLog(args.logs));
  RewardRules join;
  join.reward_window_seconds = args.reward_window;
  join.weight_by_watch_fraction = args.watch_fraction;
  MARQUEE_ASSIGN_OR_RETURN(const ImpressionLog log, JoinImpressions(events, dataset, *features, join, args.logs));
  std::printf("%s\n", log.Summary().c_str());
  for (const std::string& m : log.messages) std::printf("  %s\n", m.c_str());
  if (log.data.size() == 0)
    return Status::InvalidArgument(fmt::format("{}: no usable impressions to learn from", args.logs));
  const std::vector<float> contexts = RecordMemberContexts(log, dataset, *features);
  const size_t dim = features->member_dim();
  double rewarded = 0;
  for (size_t i = 0; i < log.data.size(); ++i) {
    const ArtworkContext context{std::span<const float>(contexts.data() + i * dim, dim), log.title[i]};
    policy->Update(context, log.data.action[i], log.data.reward[i]);
    rewarded += log.data.reward[i];
  }
  MARQUEE_RETURN_IF_ERROR(SaveArtworkPolicy(*policy, dataset.catalog, args.out));
  std::printf("trained %s on %zu impressions (reward %.0f, rate %.4f); saved %s\n", args.policy.c_str(),
              log.data.size(), rewarded, rewarded / static_cast<double>(log.data.size()), args.out.c_str());
  return Status::OK();
}
}  // namespace

Command AddTrainPolicyCommand(CLI::App& root) {
  auto* app = root.add_subcommand("train-policy", "Train an artwork policy from an impression log");
  auto args = std::make_shared<TrainPolicyArgs>();
  app->add_option("--logs", args->logs, "impression log: an event store or JSON lines of events")->required();
  app->add_option("--data", args->data, "the dataset whose catalog the artwork belongs to")->required();
  app->add_option("--policy", args->policy,
                  "uniform, epsilon-greedy, linucb or thompson, with optional "
                  "parameters (linucb:alpha=0.5)")
      ->capture_default_str();
  app->add_option("--out", args->out, "policy file to write (*.mqp)")->required();
  app->add_option("--reward-window", args->reward_window,
                  "seconds after an impression in which a play rewards it")
      ->check(CLI::Range(int64_t{0}, kMaxRewardWindowSeconds))
      ->capture_default_str();
  app->add_flag("--watch-fraction", args->watch_fraction, "reward = the fraction watched instead of 1");
  return {app, [args]() {
            Status trained = TrainPolicy(*args);
            return trained.ok() ? 0 : ReportError("train-policy", trained);
          }};
}

}  // namespace marquee::cli
