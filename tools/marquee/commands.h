// The `marquee` subcommands. Each file registers one subcommand on the CLI11
// app and runs it; the library does the work, these only parse arguments,
// print, and turn a Status into an exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "marquee/util/status.h"

namespace marquee::cli {

// Exit codes: 0 success, 1 the work failed (bad input, I/O), 2 bad usage.
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// A registered subcommand: the CLI11 node and what to run when it is chosen.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command AddGenerateCommand(CLI::App& root);
Command AddImportCommand(CLI::App& root);
Command AddCatalogCommand(CLI::App& root);
Command AddConsentCommand(CLI::App& root);
Command AddInfoCommand(CLI::App& root);
Command AddDemoCommand(CLI::App& root);
Command AddTrainCommand(CLI::App& root);
Command AddRecommendCommand(CLI::App& root);
Command AddSimilarCommand(CLI::App& root);
Command AddHomepageCommand(CLI::App& root);
Command AddEvaluateCommand(CLI::App& root);
Command AddEvaluatePageCommand(CLI::App& root);
Command AddTuneCommand(CLI::App& root);
Command AddServeCommand(CLI::App& root);
Command AddSimulateArtworkCommand(CLI::App& root);
Command AddTrainPolicyCommand(CLI::App& root);
Command AddOpeCommand(CLI::App& root);
Command AddLedgerCommand(CLI::App& root);
Command AddStatementCommand(CLI::App& root);
Command AddReportCommand(CLI::App& root);
Command AddExperimentCommand(CLI::App& root);
Command AddForecastCommand(CLI::App& root);

// Prints "marquee <command>: error: <message>" to stderr; returns kExitFailure.
int ReportError(std::string_view command, const Status& status);

}  // namespace marquee::cli
