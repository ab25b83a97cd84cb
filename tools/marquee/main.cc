// marquee: the command-line entry point. Subcommands live one a file.
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "marquee/models/ials_kernel.h"
#include "marquee/util/cpu_features.h"
#include "marquee/util/threads.h"

namespace marquee::cli {

int ReportError(std::string_view command, const Status& status) {
  std::fprintf(stderr, "marquee %.*s: error: %s\n", static_cast<int>(command.size()),
               command.data(), status.ToString().c_str());
  return kExitFailure;
}

std::string VersionLine() {
  const Result<const ials::IalsKernel*> kernel = ials::ActiveIalsKernel();
  return fmt::format("marquee 0.1.0 (build {}; CPU {}; iALS kernel {})",
                     *BuildArch() ? BuildArch() : "compiler default", CpuFeatures::Detect().ToString(),
                     kernel.ok() ? (*kernel)->name : kernel.status().message());
}

}  // namespace marquee::cli

int main(int argc, char** argv) {
  using namespace marquee::cli;
  CLI::App app{"Marquee: a personalization engine for video-streaming services.\n"
               "Import viewing events, generate a synthetic service, train, evaluate and serve."};
  app.require_subcommand(1);
  app.fallthrough();  // global options such as --threads may follow the subcommand
  int threads = 0;
  app.add_option("--threads", threads, "worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber)
      ->envname("MARQUEE_THREADS");
  app.set_version_flag("--version", [] { return VersionLine(); });

  std::vector<Command> commands = {
      AddDemoCommand(app),     AddGenerateCommand(app),  AddImportCommand(app),
      AddCatalogCommand(app),  AddConsentCommand(app), AddInfoCommand(app),     AddTrainCommand(app),     AddRecommendCommand(app),
      AddSimilarCommand(app),  AddHomepageCommand(app), AddEvaluateCommand(app),  AddEvaluatePageCommand(app),
      AddTuneCommand(app),     AddServeCommand(app),
      AddSimulateArtworkCommand(app), AddTrainPolicyCommand(app), AddOpeCommand(app),
      AddLedgerCommand(app), AddStatementCommand(app), AddReportCommand(app), AddExperimentCommand(app), AddForecastCommand(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  marquee::SetThreadCount(threads);
  for (Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  return kExitUsage;
}
