// marquee statement --events DB --data DATASET --consents LOG --performer ID [--performer ID ...]
//                   [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format text|json|html] [--out FILE]
//                   [--bonus-rules FILE ...] [--subscribers N] [--domestic CC]
//
// A performer's statement from the ledger (ledger/statement.h): impressions,
// qualifying plays, consents relied on, fees and bonus eligibility. --from
// and --to are days in UTC, both inclusive. Several --performer give one
// statement each (HTML: one chart with a series per performer; JSON: an
// array).
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "output_file.h"
#include "marquee/consent/catalog_likeness.h"
#include "marquee/consent/consent_log.h"
#include "marquee/data/dataset_file.h"
#include "marquee/ledger/ledger_input.h"
#include "marquee/ledger/statement.h"
#include "marquee/util/civil_time.h"

namespace marquee::cli {

namespace {

constexpr std::string_view kName = "statement";

struct StatementArgs {
  std::string events;
  std::string data;
  std::string consents;
  std::vector<std::string> performers;
  std::string from;
  std::string to;
  std::string format = "text";
  std::string out;
  std::vector<std::string> bonus_rules;
  int64_t subscribers = 0;
  std::string domestic = ExposureOptions{}.domestic_territory;
};

// --from DAY starts at its 00:00 UTC; --to DAY ends at the next day's.
Result<Period> PeriodOf(const StatementArgs& args) {
  Period period;
  if (!args.from.empty()) {
    std::optional<int64_t> day = ParseCivilDate(args.from);
    if (!day) return Status::InvalidField("from", fmt::format("--from: expected a day YYYY-MM-DD, found {}",
                                                              QuoteForError(args.from)));
    period.from = *day * kSecondsPerDay;
  }
  if (!args.to.empty()) {
    std::optional<int64_t> day = ParseCivilDate(args.to);
    if (!day) return Status::InvalidField("to", fmt::format("--to: expected a day YYYY-MM-DD, found {}",
                                                            QuoteForError(args.to)));
    period.to = (*day + 1) * kSecondsPerDay;
  }
  if (period.from >= period.to) {
    return Status::InvalidField("to", fmt::format("--to ({}) is before --from ({})", args.to, args.from));
  }
  return period;
}

int RunStatement(const StatementArgs& args) {
  if (args.format != "text" && args.format != "json" && args.format != "html") {
    return ReportError(kName, Status::InvalidField("format", fmt::format("--format: expected text, json or html, "
                                                                         "found {}",
                                                                         QuoteForError(args.format))));
  }
  Result<Period> period = PeriodOf(args);
  if (!period.ok()) return ReportError(kName, period.status());
  Result<Dataset> dataset = LoadDataset(args.data);
  if (!dataset.ok()) return ReportError(kName, dataset.status().WithContext("--data " + args.data));
  ConsentRegistry registry(PerformerFactsOf(dataset->catalog));
  Result<ConsentLogReplay> replay = ReplayConsentLog(args.consents, registry);
  if (!replay.ok()) return ReportError(kName, replay.status().WithContext("--consents"));
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

  StatementOptions options;
  options.period = *period;
  options.exposure.domestic_territory = args.domestic;
  options.exposure.domestic_subscribers = args.subscribers;
  options.exposure.rules = book ? &*book : nullptr;
  std::vector<PerformerStatement> statements;
  for (const std::string& performer : args.performers) {
    Result<PerformerStatement> s = BuildStatement(*accounts, *dataset, registry, performer, options);
    if (!s.ok()) {
      const Status& status = s.status();
      return ReportError(kName, status.field() == "performer" ? status.WithContext("--performer") : status);
    }
    statements.push_back(std::move(*s));
  }
  std::string text;
  if (args.format == "html") {
    text = StatementHtml(statements);
  } else if (args.format == "json" && statements.size() == 1) {
    text = StatementJson(statements[0]);
  } else if (args.format == "json") {
    text = "[\n";
    for (size_t i = 0; i < statements.size(); ++i) text += (i > 0 ? ",\n" : "") + StatementJson(statements[i]);
    text += "]\n";
  } else {
    for (size_t i = 0; i < statements.size(); ++i) text += (i > 0 ? "\n" : "") + StatementText(statements[i]);
  }
  Status written = WriteOutput(args.out, [&](std::FILE* f) { std::fputs(text.c_str(), f); });
  if (!written.ok()) return ReportError(kName, written.WithContext("--out"));
  if (!args.out.empty()) {
    std::fprintf(stderr, "wrote %zu statement(s) to %s\n", statements.size(), args.out.c_str());
  }
  return 0;
}

}  // namespace

Command AddStatementCommand(CLI::App& root) {
  auto* app = root.add_subcommand(
      "statement", "A performer's statement from the ledger: impressions, qualifying plays, consents relied on, "
                   "fees and bonus eligibility (docs/compensation.md)");
  auto args = std::make_shared<StatementArgs>();
  app->add_option("--events", args->events, "the event store (SQLite file) holding the ledger")->required();
  app->add_option("--data", args->data, "the dataset (catalog: performers, titles, runtimes, release dates)")
      ->required();
  app->add_option("--consents", args->consents, "the consent log (JSON lines) the fee terms come from")->required();
  app->add_option("--performer", args->performers, "performer id; repeat for several statements")->required();
  app->add_option("--from", args->from, "first day, YYYY-MM-DD (UTC, inclusive; default: the ledger's start)");
  app->add_option("--to", args->to, "last day, YYYY-MM-DD (UTC, inclusive; default: the ledger's end)");
  app->add_option("--format", args->format, "text, json or html (default: text)");
  app->add_option("--out", args->out, "write here (atomically) instead of standard output");
  app->add_option("--bonus-rules", args->bonus_rules, "bonus rules file(s) (rules/*.json) for bonus eligibility");
  app->add_option("--subscribers", args->subscribers, "domestic subscribers (default: the rule's)")
      ->check(CLI::PositiveNumber);
  app->add_option("--domestic", args->domestic, "the domestic territory, ISO 3166-1 alpha-2 (default: US)");
  return {app, [args]() { return RunStatement(*args); }};
}

}  // namespace marquee::cli
