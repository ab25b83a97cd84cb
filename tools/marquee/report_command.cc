// marquee report exposure --events DB --data DATASET [--title ID] [--format text|json|html] [--out FILE]
//                         [--subscribers N] [--domestic CC] [--bonus-rules FILE ...] [--agreement NAME]
//
// Hours streamed per film or season from the ledger's play rows, domestic
// hours in the bonus window, views, and whether the streaming success bonus
// is triggered (ledger/exposure.h).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "output_file.h"
#include "marquee/data/dataset_file.h"
#include "marquee/ledger/exposure.h"
#include "marquee/ledger/ledger_input.h"

namespace marquee::cli {

namespace {

constexpr std::string_view kName = "report exposure";

struct ReportArgs {
  std::string events;
  std::string data;
  std::string title;
  std::string format = "text";
  std::string out;
  int64_t subscribers = 0;
  std::string domestic = ExposureOptions{}.domestic_territory;
  std::vector<std::string> bonus_rules;
  std::string agreement;
};

int RunExposure(const ReportArgs& args) {
  if (args.format != "text" && args.format != "json" && args.format != "html") {
    return ReportError(kName, Status::InvalidField("format", fmt::format("--format: expected text, json or html, "
                                                                         "found {}",
                                                                         QuoteForError(args.format))));
  }
  Result<Dataset> dataset = LoadDataset(args.data);
  if (!dataset.ok()) return ReportError(kName, dataset.status().WithContext("--data " + args.data));
  std::optional<BonusRuleBook> book;
  if (!args.bonus_rules.empty()) {
    Result<BonusRuleBook> loaded = BonusRuleBook::LoadFiles(args.bonus_rules);
    if (!loaded.ok()) return ReportError(kName, loaded.status().WithContext("--bonus-rules"));
    book = std::move(*loaded);
  }
  Result<std::unique_ptr<EventStore>> store = OpenExistingEventStore(args.events);
  if (!store.ok()) return ReportError(kName, store.status().WithContext("--events"));
  Result<LedgerAccounts> accounts = FoldLedger(**store);
  if (!accounts.ok()) return ReportError(kName, accounts.status().WithContext(args.events));

  ExposureOptions options;
  options.domestic_territory = args.domestic;
  options.domestic_subscribers = args.subscribers;
  options.rules = book ? &*book : nullptr;
  options.agreement = args.agreement;
  Result<ExposureReport> report = ComputeExposure(*accounts, *dataset, options, args.title);
  if (!report.ok()) {
    const Status& s = report.status();
    const std::string flag = s.field() == "title"                ? "--title"
                             : s.field() == "domestic_territory" ? "--domestic"
                             : s.field() == "agreement"          ? "--agreement"
                                                                 : "";
    return ReportError(kName, flag.empty() ? s : s.WithContext(flag));
  }
  const std::string text = args.format == "json"   ? ExposureJson(*report)
                           : args.format == "html" ? ExposureHtml(*report)
                                                   : ExposureText(*report);
  Status written = WriteOutput(args.out, [&](std::FILE* f) { std::fputs(text.c_str(), f); });
  if (!written.ok()) return ReportError(kName, written.WithContext("--out"));
  return 0;
}

}  // namespace

Command AddReportCommand(CLI::App& root) {
  auto* app = root.add_subcommand("report", "Reports from the accounting ledger");
  app->require_subcommand(1);
  auto args = std::make_shared<ReportArgs>();
  auto* exposure = app->add_subcommand(
      "exposure", "Hours streamed per film or season, domestic hours in the bonus window, views and the streaming "
                  "success bonus (docs/compensation.md)");
  exposure->add_option("--events", args->events, "the event store (SQLite file) holding the ledger")->required();
  exposure->add_option("--data", args->data, "the dataset (runtimes, release dates, episodes)")->required();
  exposure->add_option("--title", args->title, "only the film or season holding this title id");
  exposure->add_option("--format", args->format, "text, json or html (default: text)");
  exposure->add_option("--out", args->out, "write here (atomically) instead of standard output");
  exposure->add_option("--subscribers", args->subscribers, "domestic subscribers (default: the rule's)")
      ->check(CLI::PositiveNumber);
  exposure->add_option("--domestic", args->domestic, "the domestic territory, ISO 3166-1 alpha-2 (default: US)");
  exposure->add_option("--bonus-rules", args->bonus_rules, "bonus rules file(s) (rules/*.json); without, no bonus");
  exposure->add_option("--agreement", args->agreement,
                       "the agreement whose rule is evaluated (default: the rules' only agreement)");
  return {app, [args, exposure]() {
            if (exposure->parsed()) return RunExposure(*args);
            return kExitUsage;
          }};
}

}  // namespace marquee::cli
