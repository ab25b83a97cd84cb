// marquee ledger verify --events DB --data DATASET [--window SECONDS]
//
// Checks the event store's hash-chained ledger (ledger/verify.h): the chain,
// every impression and play event against its row, and the per-performer
// totals. Exit 0 when everything agrees; 1 on a broken chain or a mismatch
// (the first problems printed); 2 on bad usage or a file that cannot be read
// (named).
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/ledger/ledger_input.h"
#include "marquee/ledger/verify.h"
#include "marquee/store/title_log.h"

namespace marquee::cli {

namespace {

struct LedgerArgs {
  std::string events;
  std::string data;
  int64_t window = VerifyOptions{}.reward_window_seconds;
};

int RunVerify(const LedgerArgs& args) {
  constexpr std::string_view kName = "ledger verify";
  Result<std::unique_ptr<EventStore>> store = OpenExistingEventStore(args.events);
  if (!store.ok()) {
    ReportError(kName, store.status().WithContext("--events"));
    return kExitUsage;
  }
  Result<Dataset> dataset = LoadDataset(args.data);
  if (!dataset.ok()) {
    ReportError(kName, dataset.status().WithContext("--data " + args.data));
    return kExitUsage;
  }
  // Titles the server added while serving are in its title log, not --data.
  dataset = WithTitleLog(std::move(*dataset), **store, args.events);
  if (!dataset.ok()) {
    ReportError(kName, dataset.status());
    return kExitUsage;
  }
  VerifyOptions options;
  options.reward_window_seconds = args.window;
  Result<LedgerVerification> v = VerifyLedger(**store, *dataset, options);
  if (!v.ok()) {
    ReportError(kName, v.status().WithContext(args.events));
    return kExitUsage;
  }
  const std::string text = VerificationText(*v);
  std::fputs(text.c_str(), v->ok ? stdout : stderr);
  return v->ok ? 0 : kExitFailure;
}

}  // namespace

Command AddLedgerCommand(CLI::App& root) {
  auto* app = root.add_subcommand("ledger", "The accounting ledger of likenesses shown (docs/entrances/ledger.md)");
  app->require_subcommand(1);
  auto args = std::make_shared<LedgerArgs>();
  auto* verify = app->add_subcommand(
      "verify", "Check the ledger's hash chain and recompute every row and total from the raw events; "
                "exit 0 when all agree, 1 on a mismatch or broken chain, 2 on usage or unreadable files");
  verify->add_option("--events", args->events, "the event store (SQLite file) holding events and ledger")
      ->required();
  verify->add_option("--data", args->data, "the dataset whose catalog says which performers each variant shows")
      ->required();
  verify->add_option("--window", args->window,
                     "the reward window the server attributed plays with, seconds (default 3600)")
      ->check(CLI::Range(int64_t{0}, int64_t{30} * 24 * 3600));
  return {app, [args, verify]() {
            if (verify->parsed()) return RunVerify(*args);
            return kExitUsage;
          }};
}

}  // namespace marquee::cli
