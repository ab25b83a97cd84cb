// marquee simulate-artwork --data DATASET --truth TRUTH [--rounds N] [--policy
// SPEC]...
//                          [--batch N] [--seed N] [--plot FILE.svg] [--log-out
//                          FILE.jsonl]
//                          [--save-policies DIR]
#include <cstdio>

#include "artwork_simulation.h"
#include "commands.h"
#include "marquee/data/dataset_file.h"

namespace marquee::cli {

namespace {
struct SimulateArgs {
  std::string data;
  std::string truth;
  ArtworkSimulationArgs simulation;
};

int RunSimulate(const SimulateArgs& args) {
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
  return {app, [args]() { return RunSimulate(*args); }};
}

}  // namespace marquee::cli
