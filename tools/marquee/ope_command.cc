// marquee ope --logs FILE [--format marquee|obd] --target POLICY
//             [--estimators ips,snips,dm,dr,replay] [--bootstrap N] [--json]
//             [--data DATASET] [--campaign men|women|all] [--reward-window S] [--watch-fraction]
//             [--folds K] [--seed N]
//             [--truth TRUTH]
//
// POLICY: uniform (over the items present in the log: a title's variants, or
// the campaign's items), obd-bts:PRIORS_YAML (the Open Bandit bts policy, its
// action distribution simulated from the priors), or a policy spec as
// CreateArtworkPolicyFromSpec reads it (F.mqp or file:PATH; a kind gives an
// untrained policy).
//
// Gated logs (issue 11 §3): an impression that records its eligible set is
// evaluated with the target chosen among that set (renormalised as
// DecideAmong decides); a log whose set names an artwork the title lacks, or
// whose choice lies outside its set, is refused naming the impression; title
// cards are counted in the summary, never weighed. --truth values the target
// behind the sets (and title cards) the log records.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "commands.h"
#include "event_log_input.h"
#include "marquee/bandit/artwork_ope.h"
#include "marquee/bandit/impression_log.h"
#include "marquee/bandit/reward_attribution.h"
#include "marquee/bandit/bts_simulation.h"
#include "marquee/io/obd_log.h"
#include "marquee/bandit/off_policy.h"
#include "marquee/bandit/simulator.h"
#include "marquee/bandit/tabular_reward_model.h"
#include "marquee/data/dataset_file.h"

namespace marquee::cli {

namespace {

struct OpeArgs {
  std::string logs;
  std::string format = "marquee";
  std::string target;
  std::string estimators = "ips,snips,dm,dr,replay";
  uint32_t bootstrap = 200;
  bool json = false;
  std::string data;
  std::string campaign;
  uint32_t bts_samples = 100000;
  int64_t reward_window = kDefaultRewardWindowSeconds;
  bool watch_fraction = false;
  uint32_t folds = 0;  // 0: 5 for obd, 2 for marquee
  uint64_t seed = 1;
  std::string truth;
  uint64_t truth_rounds = 1000000;
};

// What the evaluation runs on, whatever the format.
struct OpeProblem {
  LoggedBanditData data;
  OpeTarget target;
  std::string target_name;
  std::vector<std::string> notes;    // printed before the table
  std::optional<double> true_value;  // --truth: the simulator's exact value
};

constexpr std::string_view kBtsPrefix = "obd-bts:";

// The eligible mask (SimulationOptions::eligible's shape) the log's choices
// were made under, as far as the log shows it: a variant is ruled out when a
// record of its title rules it out, every variant of a title the log shows as
// a title card. Empty when nothing is ruled out. Titles the log never shows
// count with every variant.
std::vector<uint8_t> LoggedEligibleMask(const ImpressionLog& log, const ArtworkFeatures& features) {
  const LoggedBanditData& data = log.data;
  if (data.eligible.empty() && log.title_card_titles.empty()) return {};
  std::vector<uint8_t> mask(features.artwork_count(), 1);
  for (size_t c = 0; c < data.eligible.size(); ++c) {
    if (!data.eligible[c]) mask[data.candidate_ids[c]] = 0;
  }
  for (uint32_t title : log.title_card_titles) {
    for (uint32_t v = 0; v < features.variant_count(title); ++v) mask[features.artwork_offset(title) + v] = 0;
  }
  return mask;
}

std::string CampaignOf(const OpeArgs& args) {
  if (!args.campaign.empty()) return args.campaign;
  return std::filesystem::path(args.logs).stem().string();  // men.csv -> men
}

Result<OpeProblem> ObdProblem(const OpeArgs& args) {
  OpeProblem p;
  MARQUEE_ASSIGN_OR_RETURN(p.data, ReadObdLog(args.logs));
  if (p.data.size() == 0) return Status::InvalidArgument(args.logs + ": no records");
  const uint32_t items = p.data.candidate_count(0);
  const size_t n = p.data.size();
  p.target.probability.resize(p.data.candidate_ids.size());
  if (args.target == "uniform") {
    p.target_name = "uniform over " + std::to_string(items) + " items";
    std::fill(p.target.probability.begin(), p.target.probability.end(), 1.0 / items);
  } else if (args.target.starts_with(kBtsPrefix)) {
    const std::string yaml = args.target.substr(kBtsPrefix.size());
    const std::string campaign = CampaignOf(args);
    MARQUEE_ASSIGN_OR_RETURN(BtsPriors priors, ReadBtsPriors(yaml, campaign));
    if (priors.alpha.size() != items) {
      return Status::InvalidArgument(fmt::format("{}: campaign {} has priors for {} items, the log has {} (pass --campaign)",
                                                 yaml, QuoteForError(campaign), priors.alpha.size(), items));
    }
    uint32_t positions = 1;
    for (uint32_t pos : p.data.position) positions = std::max(positions, pos + 1);
    const std::vector<double> dist = BtsActionDistribution(priors, positions, args.bts_samples, args.seed);
    for (size_t i = 0; i < n; ++i) {
      for (uint32_t a = 0; a < items; ++a) {
        p.target.probability[p.data.offsets[i] + a] =
            dist[static_cast<size_t>(a) * positions + p.data.position[i]];
      }
    }
    p.target_name = "bts (" + campaign + " priors of " + yaml + ", " + std::to_string(args.bts_samples) +
                    " simulated rankings)";
  } else {
    return Status::InvalidArgument(fmt::format(
        "--target {}: with --format obd, expected uniform or obd-bts:PRIORS_YAML", QuoteForError(args.target)));
  }
  MARQUEE_ASSIGN_OR_RETURN(p.target.predicted, PredictTabular(p.data, args.folds == 0 ? 5 : args.folds));
  p.notes.push_back(
      "reward model (DM, DR): click rate per (item, position), "
      "shrunk to the mean, cross-fitted");
  return p;
}

Result<OpeProblem> MarqueeProblem(const OpeArgs& args) {
  if (args.data.empty()) {
    return Status::InvalidArgument(
        "--format marquee needs --data DATASET (the "
        "catalog the artwork came from)");
  }
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  auto features = std::make_shared<const ArtworkFeatures>(dataset.catalog);
  MARQUEE_ASSIGN_OR_RETURN(std::vector<Event> events, ReadEventLog(args.logs));
  RewardRules join;
  join.reward_window_seconds = args.reward_window;
  join.weight_by_watch_fraction = args.watch_fraction;
  MARQUEE_ASSIGN_OR_RETURN(ImpressionLog log, JoinImpressions(events, dataset, *features, join, args.logs));
  OpeProblem p;
  p.notes.push_back(log.Summary());
  for (const std::string& m : log.messages) p.notes.push_back("  " + m);
  if (log.data.size() == 0)
    return Status::InvalidArgument(fmt::format("{}: no usable impressions ({})", args.logs, log.Summary()));
  const std::vector<float> contexts = RecordMemberContexts(log, dataset, *features);
  const ArtworkRecords records{&log.data, contexts};
  std::unique_ptr<ArtworkPolicy> policy;
  if (args.target == "uniform") {
    p.target_name = "uniform over each title's variants";
  } else if (args.target.starts_with(kBtsPrefix)) {
    return Status::InvalidArgument("--target obd-bts needs --format obd");
  } else {
    MARQUEE_ASSIGN_OR_RETURN(policy, CreateArtworkPolicyFromSpec(args.target, dataset.catalog, features));
    p.target_name = ArtworkPolicyName(*policy) + " (" + args.target + ")";
  }
  MARQUEE_ASSIGN_OR_RETURN(p.target.probability,
                           ArtworkTargetProbabilities(records, *features, policy.get()));
  MARQUEE_ASSIGN_OR_RETURN(p.target.predicted,
                           PredictArtworkRewards(records, *features, args.folds == 0 ? 2 : args.folds));
  p.notes.push_back(
      "reward model (DM, DR): ridge regression on member x "
      "artwork features, cross-fitted");
  if (!args.truth.empty()) {
    // A synthetic service knows the answer: the target's exact expected
    // reward on the simulator's distribution of members and titles.
    MARQUEE_ASSIGN_OR_RETURN(GroundTruth truth, LoadGroundTruth(args.truth));
    if (policy == nullptr) {
      MARQUEE_ASSIGN_OR_RETURN(policy, CreateArtworkPolicy("uniform", {}, features));
    }
    // The target behind the same gate as the log: what the estimators measure.
    const std::vector<uint8_t> mask = LoggedEligibleMask(log, *features);
    MARQUEE_ASSIGN_OR_RETURN(double value, TruePolicyValue(dataset, truth, *policy, args.truth_rounds, args.seed,
                                                           SimulationOptions{}.reward, mask));
    p.true_value = value;
    if (!mask.empty()) {
      p.notes.push_back(fmt::format(
          "true value behind the log's eligible sets: {} of {} variants ruled out (title cards left out)",
          std::count(mask.begin(), mask.end(), 0), mask.size()));
    }
  }
  p.data = std::move(log.data);
  return p;
}

// Undefined estimates print their reason instead of a number, and estimates
// without an interval print "-" for it, with the reason below the table.
Status PrintText(const OpeProblem& p, const OpeReport& r) {
  MARQUEE_RETURN_IF_ERROR(CheckOpeReportFinite(r));
  std::printf("off-policy evaluation of %s\n", p.target_name.c_str());
  std::printf(
      "log: %s, %llu records, logged reward %.6f (the behaviour "
      "policy's own value)\n",
      r.source.c_str(), static_cast<unsigned long long>(r.records), r.on_policy_value);
  for (const std::string& note : p.notes) std::printf("%s\n", note.c_str());
  std::printf(
      "weights: sum %.1f (n = %llu), max %.4g (record %llu), effective "
      "sample size %.1f\n",
      r.weight_sum, static_cast<unsigned long long>(r.records), r.weight_max,
      static_cast<unsigned long long>(r.weight_max_record), r.effective_sample_size);
  if (p.true_value) std::printf("true value (ground truth, exact play probabilities): %.6f\n", *p.true_value);
  std::printf("%-8s %10s %24s %10s %9s%s\n", "estimator", "estimate", "95% interval", "std.err", "records",
              p.true_value ? "  rel.error  covers" : "");
  std::vector<std::string> reasons;
  for (const OpeEstimate& e : r.estimates) {
    const std::string name(OpeEstimatorName(e.estimator));
    if (!e.defined) {
      std::printf("%-8s %10s   %24s %10s %9llu\n", name.c_str(), "undefined", "", "",
                  static_cast<unsigned long long>(e.records_used));
      reasons.push_back(name + ": " + e.reason);
      continue;
    }
    if (e.has_interval) {
      std::printf("%-8s %10.6f   [%9.6f, %9.6f] %10.6f %9llu", name.c_str(), e.value, e.lower, e.upper,
                  e.standard_error, static_cast<unsigned long long>(e.records_used));
    } else {
      std::printf("%-8s %10.6f   [%9s, %9s] %10s %9llu", name.c_str(), e.value, "-", "-", "-",
                  static_cast<unsigned long long>(e.records_used));
      reasons.push_back(name + ": " + e.reason);
    }
    if (p.true_value) {
      std::printf("  %+8.2f%%  %s", 100.0 * (e.value - *p.true_value) / *p.true_value,
                  !e.has_interval                                          ? "-"
                  : e.lower <= *p.true_value && *p.true_value <= e.upper ? "yes"
                                                                           : "no");
    }
    std::printf("\n");
  }
  for (const std::string& reason : reasons) std::printf("%s\n", reason.c_str());
  for (const std::string& w : r.warnings) std::printf("warning: %s\n", w.c_str());
  return Status::OK();
}

Status PrintJson(const OpeProblem& p, const OpeReport& r) {
  MARQUEE_ASSIGN_OR_RETURN(std::string json,
                           OpeReportJson(r, {.target = p.target_name, .notes = p.notes, .true_value = p.true_value}));
  std::printf("%s\n", json.c_str());
  return Status::OK();
}

int RunOpe(const OpeArgs& args) {
  Result<std::vector<OpeEstimator>> estimators = ParseOpeEstimators(args.estimators);
  if (!estimators.ok()) return ReportError("ope", estimators.status());
  Result<OpeProblem> problem = args.format == "obd" ? ObdProblem(args) : MarqueeProblem(args);
  if (!problem.ok()) return ReportError("ope", problem.status());
  OpeOptions options;
  options.estimators = *estimators;
  options.bootstrap = args.bootstrap;
  options.seed = args.seed;
  Result<OpeReport> report = EvaluateOffPolicy(problem->data, problem->target, options);
  if (!report.ok()) return ReportError("ope", report.status());
  const Status printed = args.json ? PrintJson(*problem, *report) : PrintText(*problem, *report);
  if (!printed.ok()) return ReportError("ope", printed);
  return 0;
}

}  // namespace

Command AddOpeCommand(CLI::App& root) {
  auto* app = root.add_subcommand("ope",
                                  "Off-policy evaluation: estimate a policy's "
                                  "value from a log another policy produced");
  auto args = std::make_shared<OpeArgs>();
  app->add_option("--logs", args->logs,
                  "impression log: an event store, JSON lines of events, or an Open "
                  "Bandit Dataset CSV (--format obd)")
      ->required();
  app->add_option("--format", args->format, "marquee (events) or obd (Open Bandit Dataset)")
      ->check(CLI::IsMember({"marquee", "obd"}))
      ->capture_default_str();
  app->add_option("--target", args->target,
                  "uniform, obd-bts:PRIORS_YAML, or a policy file (F.mqp or file:PATH, from "
                  "simulate-artwork or train-policy)")
      ->required();
  app->add_option("--estimators", args->estimators, "any of ips,snips,dm,dr,replay")->capture_default_str();
  app->add_option("--bootstrap", args->bootstrap, "bootstrap resamples for the intervals (0: none; fewer than 40 give no 95% interval)")
      ->check(CLI::Range(0u, 100000u))
      ->capture_default_str();
  app->add_flag("--json", args->json, "print JSON instead of a table");
  app->add_option("--data", args->data, "marquee format: the dataset whose catalog the artwork belongs to");
  app->add_option("--campaign", args->campaign,
                  "obd-bts: the priors' campaign (default: the log's file name)");
  app->add_option("--bts-samples", args->bts_samples, "obd-bts: simulated rankings")
      ->check(CLI::Range(1u, 100000000u))
      ->capture_default_str();
  app->add_option("--reward-window", args->reward_window,
                  "marquee format: seconds after an impression in which a play "
                  "rewards it")
      ->check(CLI::Range(int64_t{0}, kMaxRewardWindowSeconds))
      ->capture_default_str();
  app->add_flag("--watch-fraction", args->watch_fraction,
                "marquee format: reward = the fraction watched instead of 1 (as train-policy --watch-fraction)");
  app->add_option("--folds", args->folds,
                  "cross-fitting folds of the reward model (0: 5 for obd, 2 "
                  "for marquee)")
      ->capture_default_str();
  app->add_option("--truth", args->truth,
                  "marquee format on a synthetic service: its ground truth, to "
                  "print the target's true value (behind the eligible sets the log records)");
  app->add_option("--truth-rounds", args->truth_rounds,
                  "--truth: (member, title) draws behind the true value")
      ->check(CLI::Range(uint64_t{1000}, uint64_t{1} << 36))
      ->capture_default_str();
  app->add_option("--seed", args->seed, "seed of the bootstrap, replay and BTS draws")->capture_default_str();
  return {app, [args]() { return RunOpe(*args); }};
}

}  // namespace marquee::cli
