// marquee generate --members N --titles M --plays P --seed S --out DATASET [--truth FILE]
#include <chrono>
#include <cstdio>

#include "commands.h"
#include "dataset_report.h"
#include "marquee/data/dataset_file.h"
#include "marquee/synthetic/ground_truth.h"
#include "marquee/synthetic/synthetic.h"
#include "progress_bar.h"

namespace marquee::cli {

namespace {
struct GenerateArgs {
  SyntheticConfig config;
  std::string out;
  std::string truth;
};

int RunGenerate(const GenerateArgs& args) {
  auto start = std::chrono::steady_clock::now();
  Result<SyntheticService> service = GenerateService(args.config, TerminalProgress());
  if (!service.ok()) return ReportError("generate", service.status());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("generated %s in %.2fs\n", args.config.Describe().c_str(), seconds);

  Status saved = SaveDataset(service->dataset, args.out);
  if (!saved.ok()) return ReportError("generate", saved);
  std::printf("wrote %s\n", args.out.c_str());
  if (!args.truth.empty()) {
    Status truth = SaveGroundTruth(service->truth, args.truth);
    if (!truth.ok()) return ReportError("generate", truth);
    std::printf("wrote %s (ground truth)\n", args.truth.c_str());
  }
  PrintStatsTable(stdout, service->dataset, ComputeStats(service->dataset));
  return 0;
}
}  // namespace

Command AddGenerateCommand(CLI::App& root) {
  auto* app = root.add_subcommand(
      "generate", "Generate a synthetic streaming service (members, titles, artwork, plays)");
  auto args = std::make_shared<GenerateArgs>();
  SyntheticConfig& c = args->config;
  app->add_option("--members", c.members, "number of members")->capture_default_str();
  app->add_option("--titles", c.titles, "number of titles")->capture_default_str();
  app->add_option("--plays", c.plays, "number of plays (at least one per member)")
      ->capture_default_str();
  app->add_option("--seed", c.seed, "random seed; the same seed gives the same service")
      ->capture_default_str();
  app->add_option("--genres", c.genres, "number of genres (1-18)")->capture_default_str();
  app->add_option("--out", args->out, "dataset file to write (.mqd)")->required();
  app->add_option("--truth", args->truth,
                  "also write the ground truth (member tastes, artwork appeal) to this file");
  return {app, [args]() { return RunGenerate(*args); }};
}

}  // namespace marquee::cli
