// marquee generate --members N --titles M --plays P --seed S --out DATASET [--truth FILE]
//                  [--consents FILE.jsonl [--consent-time UNIX_SECONDS]]
#include <array>
#include <chrono>
#include <cstdio>
#include <variant>

#include "commands.h"
#include "dataset_report.h"
#include "consent_report.h"
#include "marquee/consent/synthetic_consents.h"
#include "marquee/data/dataset_file.h"
#include "marquee/synthetic/ground_truth.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/util/file.h"
#include "progress_bar.h"

namespace marquee::cli {

namespace {
struct GenerateArgs {
  SyntheticConfig config;
  std::string out;
  std::string truth;
  std::string consents;
  // The reference time of the synthetic consents: fixed by default, so the
  // same seed writes the same file (SyntheticConsentOptions::now).
  int64_t consent_time = SyntheticConsentOptions{}.now;
};

// The synthetic consents as JSON lines (consent_report.h), and a one-line
// count of the records by type.
Status WriteSyntheticConsents(const Dataset& dataset, const GenerateArgs& args) {
  SyntheticConsentOptions options;
  options.seed = args.config.seed;
  options.now = args.consent_time;
  return WriteSyntheticConsents(dataset, options, args.consents, stdout);
}

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
  if (!args.consents.empty()) {
    Status consents = WriteSyntheticConsents(service->dataset, args);
    if (!consents.ok()) return ReportError("generate", consents);
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
  app->add_option("--consents", args->consents,
                  "also write performers' consents for the artwork (JSON lines), with missing, expiring, "
                  "revoked consents and takedowns");
  app->add_option("--consent-time", args->consent_time,
                  "the consents' reference time, unix seconds (default 2026-01-01T00:00:00Z)")
      ->capture_default_str();
  return {app, [args]() { return RunGenerate(*args); }};
}

}  // namespace marquee::cli
