// A title's exposure: how much of it was streamed, at home and abroad, and
// whether that reached the streaming success bonus (issue 11 §5;
// consent/bonus_rules.h has the rule and docs/compensation.md the
// arithmetic). Read from the ledger's play rows.
//
// THE UNIT. A film (a title that is no episode) is its own unit. The
// episodes of one season of one series (Title::episode_of: series_id and
// season) are one unit, "SERIES_ID season N": the bonus is judged per season,
// its runtime is the sum of its episodes' runtimes and its release day the
// earliest of theirs.
//
// WHAT IS COUNTED. Every live play row (not reversed) of a title of the unit
// adds its seconds_watched to seconds_streamed. It adds them to
// seconds_domestic as well when its territory (the territory of the
// impression it is attributed to) equals the domestic territory and its time
// lies in the first window_days days from the unit's release day
// ([release day 00:00 UTC, + window_days days)). A play attributed to no
// impression has no territory, so it is never domestic. Seconds are exact
// integers; hours are for display.
//
// Thread contract: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/consent/bonus_rules.h"
#include "marquee/data/dataset.h"
#include "marquee/ledger/accounts.h"
#include "marquee/util/status.h"

namespace marquee {

struct ExposureOptions {
  // ISO 3166-1 alpha-2 code of the territory whose subscribers the bonus
  // counts.
  std::string domestic_territory = "US";
  // Days from release counted as domestic streaming when no bonus rule
  // applies; a rule in effect uses its own window_days instead.
  int64_t window_days = 90;
  // Domestic subscribers (> 0), or 0 to take the rule's domestic_subscribers.
  int64_t domestic_subscribers = 0;
  // The bonus rules, or null: then exposure is reported without a bonus.
  // Not owned; must outlive the call.
  const BonusRuleBook* rules = nullptr;
  // The agreement whose rule is evaluated; empty takes the book's agreement
  // when it holds exactly one (InvalidArgument "agreement" otherwise).
  std::string agreement;
};

struct ExposureUnit {
  std::string unit_id;                       // the title id, or "SERIES_ID season N"
  std::string name;                          // the title's name, or the unit id for a season
  std::vector<std::string> title_ids;        // its titles (episodes in catalog order)
  std::vector<int64_t> runtime_minutes;      // one per title; 0 = unknown
  std::optional<int64_t> release_day;        // earliest release date, days since 1970-01-01
  int64_t window_days = 0;                   // the window used (the rule's, or the options')
  int64_t plays = 0;                         // live play rows
  int64_t seconds_streamed = 0;              // every live play
  int64_t seconds_domestic = 0;              // domestic, in the window
  // floor(seconds_domestic / runtime seconds); nullopt when a runtime is unknown.
  std::optional<int64_t> views;
  // The evaluation (triggered, ratio, ...) when a rule applied.
  std::optional<BonusEvaluation> bonus;
  // "triggered", "not triggered", or why no bonus could be computed ("no
  // bonus rules given", "no rule in effect ...", "runtime unknown", "release
  // date unknown").
  std::string bonus_status;
};

struct ExposureReport {
  std::string domestic_territory;
  int64_t domestic_subscribers = 0;  // as given (0: the rule's)
  std::string agreement;             // the agreement evaluated; empty without rules
  std::vector<ExposureUnit> units;   // by unit id
};

// The exposure of every unit with at least one play row, or only of the
// unit holding `title_id` when it is not empty (NotFound "title" when the
// dataset has no such title). InvalidArgument naming "domestic_territory",
// "window_days", "domestic_subscribers" or "agreement" for bad options;
// InvalidArgument when a sum of seconds overflows int64; EvaluateBonus's
// errors.
Result<ExposureReport> ComputeExposure(const LedgerAccounts& accounts, const Dataset& dataset,
                                       const ExposureOptions& options, std::string_view title_id = {});

// Fills views, bonus and bonus_status of `unit` from its seconds, runtimes
// and release day (what ComputeExposure does per unit; exposed for tests and
// for callers that sum seconds themselves). window_days must already be set.
Status EvaluateExposure(ExposureUnit& unit, const ExposureOptions& options);

// "125,000,000.00": hours from exact seconds, rounded half up to the
// hundredth, with thousands separators.
std::string FormatHours(int64_t seconds);

// Renderers: a text table (the CLI), JSON (one object, exact integers), and
// a printable self-contained HTML page.
std::string ExposureText(const ExposureReport& report);
std::string ExposureJson(const ExposureReport& report);
std::string ExposureHtml(const ExposureReport& report);

}  // namespace marquee
