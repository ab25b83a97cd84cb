// The ledger folded into totals (issue 11 §5): what each performer's image
// was shown and what it earned, from the ledger's rows alone.
//
// THE RULES (docs/compensation.md, "Counting from the ledger"):
// - An impression row counts once for every distinct performer in its
//   `performers` list (the recognizable performers it showed), by
//   (title_id, territory, variant kind) and by day, and against the consent
//   the row names for that performer. A performer not in a row gets nothing
//   from it.
// - QUALIFYING IMPRESSIONS of a performer in a period [from, to) are that
//   performer's impression rows whose time lies in the period and which are
//   not reversed. Consent fees are paid on these (rate per 1,000).
// - A play row whose `qualified` is true, whose time lies in the period, and
//   whose attributed impression (impression_id) is a live impression row is a
//   QUALIFYING PLAY ATTRIBUTED to every performer of that impression. A play
//   attributed to a reversed impression counts for no performer.
// - A reversal row cancels the entry it names in every total, whenever the
//   reversal was written. A reversal naming no impression or play row, a
//   second reversal of one entry, or a reversal of a reversal changes nothing
//   and is reported in problems(), never a crash.
//
// Thread contract: thread-compatible. Add* need exclusive access; the const
// queries may run concurrently once folding is done.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "marquee/ledger/ledger_rows.h"
#include "marquee/store/ledger.h"
#include "marquee/util/status.h"

namespace marquee {

// [from, to) in unix seconds; the default covers all time.
struct Period {
  int64_t from = std::numeric_limits<int64_t>::min();
  int64_t to = std::numeric_limits<int64_t>::max();
  bool Contains(int64_t t) const { return from <= t && t < to; }
};

// How the image shown was made: "replica_kind/digital_source_type"
// ("none/digitalCapture", "employment_based_digital_replica/
// trainedAlgorithmicMedia"); "title_card" when the row shows no artwork
// provenance (both empty).
std::string VariantKindOf(const ImpressionLedgerRow& row);

// One line of a performer's impressions table.
struct ImpressionKey {
  std::string title_id;
  std::string territory;
  std::string variant_kind;  // VariantKindOf
  auto operator<=>(const ImpressionKey&) const = default;
};

// A consent an impression relied on, as the row names it.
struct ConsentRef {
  std::string consent_id;
  int32_t version = 1;
  auto operator<=>(const ConsentRef&) const = default;
};

// One performer's totals over one period. Counts are >= 0.
struct PerformerTotals {
  std::string performer_id;
  int64_t qualifying_impressions = 0;                 // the sum of every map below
  std::map<ImpressionKey, int64_t> impressions_by_key;
  std::map<int64_t, int64_t> impressions_by_day;       // civil day (days since 1970-01-01) -> count
  std::map<ConsentRef, int64_t> impressions_by_consent;
  int64_t qualifying_plays = 0;                        // qualifying plays attributed
  std::map<std::string, int64_t> qualifying_plays_by_title;
};

// One play row as the fold keeps it.
struct PlayRecord {
  std::string play_id;
  int64_t time = 0;
  std::string title_id;
  std::string impression_id;
  std::string territory;
  int64_t seconds_watched = 0;
  bool qualified = false;
};

class LedgerAccounts {
 public:
  // Folds one entry (parsed with ledger_rows.h): the parser's Corruption
  // naming the entry and field when its payload is not a row of its kind.
  // An entry id seen before is skipped and reported in problems() (the store
  // keeps ids unique; in-memory rows may not).
  Status Add(const LedgerEntry& entry);
  // Add for each row, stopping at the first error.
  Status AddRows(std::span<const LedgerRow> rows);

  // The rows folded by parsed kind.
  void AddImpression(const ImpressionLedgerRow& row);
  void AddPlay(const PlayLedgerRow& row);
  void AddReversal(const ReversalLedgerRow& row);

  // Whether `entry_id` names a folded impression or play that no reversal
  // cancels.
  bool IsLive(std::string_view entry_id) const;

  // The totals of `performer_id` in `period` (all zero for a performer in no
  // row).
  PerformerTotals ForPerformer(std::string_view performer_id, const Period& period = {}) const;
  // Every performer named by some impression row, with their totals in
  // `period`, by id.
  std::map<std::string, PerformerTotals> AllPerformers(const Period& period = {}) const;

  // The time of the earliest live impression relying on each consent
  // version of `performer_id` (the period a flat fee falls in).
  std::map<ConsentRef, int64_t> FirstImpressionByConsent(std::string_view performer_id) const;

  // Play rows in ledger order, reversed ones included (see IsLive).
  const std::vector<PlayRecord>& plays() const { return plays_; }

  // What the fold could not apply, one line each, in ledger order:
  // "reversal r1 names x, which is no impression or play of the ledger", ...
  std::vector<std::string> problems() const;

  size_t impression_rows() const { return impressions_.size(); }
  size_t play_rows() const { return plays_.size(); }
  size_t reversal_rows() const { return reversals_.size(); }

 private:
  struct ImpressionRecord {
    std::string impression_id;
    int64_t time = 0;
    ImpressionKey key;
    std::vector<LedgerPerformer> performers;  // distinct performer ids, first consent named
  };
  enum class EntryKind { kImpression, kPlay, kReversal };
  struct EntryRef {
    EntryKind kind;
    size_t index;
  };

  bool Remember(const std::string& entry_id, EntryKind kind, size_t index);
  // For a folded impression or play (ids are unique among them): whether a
  // reversal names it. No allocation, unlike IsLive.
  bool Reversed(const std::string& entry_id) const { return reversed_.contains(entry_id); }
  // Adds the impression's counts for `performer_id` into `totals`.
  static void CountImpression(const ImpressionRecord& impression, const LedgerPerformer& performer,
                              PerformerTotals& totals);

  std::vector<ImpressionRecord> impressions_;
  std::vector<PlayRecord> plays_;
  std::vector<ReversalLedgerRow> reversals_;
  std::unordered_map<std::string, EntryRef> entries_;  // entry id -> where it is
  std::unordered_map<std::string, std::string> reversed_;  // reversed entry id -> the reversal applied
  std::vector<std::string> duplicate_problems_;
};

}  // namespace marquee
