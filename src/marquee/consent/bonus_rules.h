// The streaming success bonus: rules loaded from versioned data files, and
// their evaluation in exact integers.
//
// Source of the formula (issue 11 §5, after the SAG-AFTRA 2023 TV/Theatrical
// agreement's streaming bonus): views = hours streamed domestically in the
// first 90 days / runtime; the bonus is triggered when views >= 20% of
// domestic subscribers, and is then a percentage (100%) of the fixed residual,
// split between recipients (75% performer, 25% a fund; writers' agreements
// use 50%). Every one of those figures is a field of the rules file
// (rules/sag_aftra_2023_streaming_bonus.json holds examples, not law); none is
// written in code. docs/compensation.md has the file format and the
// arithmetic.
//
// Units: durations in seconds (what the ledger records per play), runtimes in
// whole minutes, dates as days since 1970-01-01 (util/civil_time.h), money in
// Micros (consent/fees.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/consent/fees.h"
#include "marquee/util/status.h"

namespace marquee {

// One recipient's share of a bonus.
struct BonusSplit {
  std::string recipient;  // "performer", "fund", "writer": a label, unique within a rule
  int64_t percent = 0;    // whole percent, 1..100; a rule's splits sum to exactly 100
};

// One version of one agreement's bonus rule (one entry of a rules file).
// The numbers default to 0 on purpose: every figure comes from a rules file
// (BonusRuleBook checks each), none from code.
struct BonusRules {
  std::string agreement;  // "SAG-AFTRA TV/Theatrical 2023"
  std::string version;    // free text, unique per agreement ("2023-11-09")
  // The days the rule is in effect, both inclusive (days since 1970-01-01).
  int64_t effective_from_day = 0;
  int64_t effective_until_day = 0;
  // Streaming counted from release over this many days (> 0).
  int64_t window_days = 0;
  // Triggered when views >= this percent of domestic subscribers (> 0).
  int64_t threshold_percent_of_subscribers = 0;
  // The bonus as a percent of the fixed residual (> 0).
  int64_t bonus_percent_of_fixed_residual = 0;
  std::vector<BonusSplit> splits;
  // Domestic subscribers used when an evaluation gives none; 0 = the rule
  // sets none (each evaluation must).
  int64_t domestic_subscribers = 0;
  // "FILE: rules[i]", for messages about this rule.
  std::string source;
};

// What an evaluation is asked about: one title (a film: one runtime) or one
// season (its episodes' runtimes), as streamed domestically.
struct BonusInput {
  // Each episode's runtime in whole minutes (> 0); the runtime of a season is
  // their sum. At least one.
  std::vector<int64_t> episode_runtime_minutes;
  // Seconds streamed domestically in the rule's window (the first window_days
  // days from release), summed over the season's episodes; >= 0.
  int64_t seconds_streamed_domestic = 0;
  // Domestic subscribers (> 0); 0 takes the rule's domestic_subscribers.
  int64_t domestic_subscribers = 0;
  // The fixed residual the bonus is a percentage of, in micros (>= 0).
  Micros fixed_residual_micros = 0;
};

struct BonusPayment {
  std::string recipient;
  int64_t percent = 0;
  Micros amount_micros = 0;
};

struct BonusEvaluation {
  std::string agreement;
  std::string version;
  int64_t runtime_minutes = 0;      // sum of the episodes' runtimes
  int64_t domestic_subscribers = 0;  // the count used
  // floor(seconds streamed / (runtime minutes × 60)): whole views.
  int64_t views = 0;
  // views (unfloored) / subscribers, for display only; `triggered` never
  // reads it. 125,000,000 hours of a 464-minute season over 76,000,000
  // subscribers is 0.21268...
  double views_per_subscriber = 0;
  // seconds × 100 >= runtime_minutes × 60 × subscribers × threshold_percent,
  // in 128-bit integers (issue 11's `minutes × 5 >= runtime_minutes ×
  // subscribers` at 20%, with seconds for minutes).
  bool triggered = false;
  // fixed residual × bonus percent / 100, rounded half up to the micro; 0
  // when not triggered.
  Micros bonus_micros = 0;
  // One payment a split, in the rule's order, summing exactly to
  // bonus_micros; empty when not triggered.
  std::vector<BonusPayment> payments;
};

// Splits `total` (>= 0) by whole percents summing to 100: each share is
// floor(total × percent / 100), and the micros that flooring leaves (fewer
// than the number of splits) go to the largest share, the first listed among
// equals, so the payments sum to `total` exactly. InvalidField("splits")
// when the splits are empty, a percent is outside 1..100 or they do not sum
// to 100; InvalidArgument when total < 0.
Result<std::vector<BonusPayment>> SplitAmount(Micros total, const std::vector<BonusSplit>& splits);

// Evaluates `rules` for `input`. InvalidField naming the rule's field
// ("threshold_percent_of_subscribers", "bonus_percent_of_fixed_residual",
// "splits") when a rule built in code is out of the loader's ranges, or the
// input field
// ("episode_runtime_minutes", "seconds_streamed_domestic",
// "domestic_subscribers", "fixed_residual_micros") when one is out of range
// or no subscriber count is given by either; InvalidArgument when the runtime
// sum or the bonus overflows int64. The rule's dates are not checked here:
// pick the rule with BonusRuleBook::Find.
Result<BonusEvaluation> EvaluateBonus(const BonusRules& rules, const BonusInput& input);

// Every rule version from one or more rules files, checked at load.
//
// Loading refuses, naming the file and the field (InvalidField, field
// "rules[i].NAME", message "FILE: rules[i].NAME: ..."): a missing or unknown
// field, a wrong type, a date that is not a real YYYY-MM-DD, effective_until
// before effective_from, a negative or zero count or percent, splits that do
// not sum to 100 or repeat a recipient, and two versions of one agreement
// with the same version or overlapping effective dates (Find must have one
// answer).
class BonusRuleBook {
 public:
  // One rules file; `source_name` names it in messages.
  static Result<BonusRuleBook> Parse(std::string_view json_text, std::string_view source_name);
  static Result<BonusRuleBook> LoadFile(const std::string& path);
  // Several files as one book: the overlap checks run across files.
  static Result<BonusRuleBook> LoadFiles(const std::vector<std::string>& paths);

  // The version of `agreement` in effect on `day` (days since 1970-01-01;
  // callers use the title's release date, the first day of its window).
  // NotFound "no ... rule in effect" when the agreement is unknown or none of
  // its versions covers the day: no bonus can be computed, which a statement
  // shows as such rather than as "not triggered".
  Result<const BonusRules*> Find(std::string_view agreement, int64_t day) const;

  const std::vector<BonusRules>& rules() const { return rules_; }

 private:
  Status Add(std::vector<BonusRules> more);
  std::vector<BonusRules> rules_;
};

// "YYYY-MM-DD" as days since 1970-01-01: four-digit year, a real month and
// day (leap years included). ParseError quoting the text otherwise.
Result<int64_t> ParseIsoDay(std::string_view text);

}  // namespace marquee
