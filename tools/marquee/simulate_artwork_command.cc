// marquee simulate-artwork --data DATASET --truth TRUTH [--rounds N] [--policy SPEC]...
//                          [--batch N] [--seed N] [--plot FILE.svg] [--log-out FILE.jsonl]
//                          [--save-policies DIR] [--reward qualifying|start|both]
//                          [--sessions-per-change K] [--allow-misrepresenting-artwork]
//                          [--consents LOG [--territory CC] [--at YYYY-MM-DD]]
#include <cstdio>

#include "artwork_simulation.h"
#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/util/civil_time.h"

namespace marquee::cli {

namespace {
struct SimulateArgs {
  std::string data;
  std::string truth;
  std::string at;  // YYYY-MM-DD; empty: the dataset's latest event day
  ArtworkSimulationArgs simulation;
};

int RunSimulate(SimulateArgs args) {
  // Usage errors before any file is read: they name the flag, exit 2.
  if (!args.at.empty()) {
    const std::optional<int64_t> day = ParseCivilDate(args.at);
    if (!day) {
      ReportError("simulate-artwork", Status::InvalidArgument("--at: expected a date YYYY-MM-DD, got '" + args.at + "'"));
      return kExitUsage;
    }
    args.simulation.at = *day * kSecondsPerDay;
  }
  if (Status s = ValidateArtworkSimulationArgs(args.simulation); !s.ok()) {
    ReportError("simulate-artwork", s);
    return kExitUsage;
  }
  Result<Dataset> dataset = LoadDataset(args.data);
  if (!dataset.ok()) return ReportError("simulate-artwork", dataset.status());
  Result<GroundTruth> truth = LoadGroundTruth(args.truth);
  if (!truth.ok()) return ReportError("simulate-artwork", truth.status());
  Status run = RunArtworkSimulation(*dataset, *truth, args.simulation, stdout);
  if (!run.ok()) return ReportError("simulate-artwork", run);
  return 0;
}
}  // namespace

Command AddSimulateArtworkCommand(CLI::App& root) {
  auto* app = root.add_subcommand("simulate-artwork",
                                  "Run artwork policies against a synthetic service's "
                                  "ground truth: cumulative reward and regret "
                                  "against the best fixed artwork and the oracle, as a "
                                  "table and an SVG chart");
  auto args = std::make_shared<SimulateArgs>();
  app->add_option("--data", args->data, "a synthetic dataset (from marquee generate)")->required();
  app->add_option("--truth", args->truth, "its ground truth (marquee generate --truth)")->required();
  app->add_option("--rounds", args->simulation.rounds, "impressions to simulate")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40))
      ->capture_default_str();
  app->add_option("--policy", args->simulation.policies,
                  "a policy: uniform, epsilon-greedy, linucb, thompson, with "
                  "optional parameters after a "
                  "colon (linucb:model=disjoint,alpha=0.5); repeat for several")
      ->capture_default_str();
  app->add_option("--batch", args->simulation.update_batch, "policies learn every this many rounds")
      ->check(CLI::Range(1u, 100000000u))
      ->capture_default_str();
  app->add_option("--seed", args->simulation.seed, "seed of the draws")->capture_default_str();
  app->add_option("--plot", args->simulation.plot, "write the cumulative-regret chart here (SVG)");
  app->add_option("--log-out", args->simulation.log_out,
                  "write the first policy's impressions and plays here as JSON "
                  "lines (for marquee ope)");
  app->add_option("--save-policies", args->simulation.save_policies,
                  "save each policy as trained to DIR/<name>.mqp");
  app->add_option("--reward", args->simulation.reward,
                  "what the policies learn from: qualifying (a play the member keeps watching), start (a bare "
                  "start), or both (qualifying, then a run rewarding starts to compare how often each shows "
                  "misleading artwork)")
      ->capture_default_str();
  app->add_option("--sessions-per-change", args->simulation.sessions_per_change,
                  "a member's artwork for a title changes at most once per this many of their sessions")
      ->capture_default_str();
  app->add_flag("--allow-misrepresenting-artwork", args->simulation.allow_misrepresenting,
                "keep variants whose only recognizable performers are supporting or background while the "
                "credited leads are absent (excluded by default)");
  auto* consents = app->add_option("--consents", args->simulation.consents,
                                   "a consent log (JSON lines): also run behind the consent gate and print the "
                                   "price of consent");
  app->add_option("--territory", args->simulation.territory, "where the artwork is shown (ISO 3166-1 alpha-2)")
      ->capture_default_str()
      ->needs(consents);
  app->add_option("--at", args->at, "the day the consent gate is asked, YYYY-MM-DD (default: the dataset's "
                                    "latest event day, 00:00 UTC)")
      ->needs(consents);
  return {app, [args]() { return RunSimulate(*args); }};
}

}  // namespace marquee::cli
