// The ledger's rows as the accounting reads them (issue 11 §5): what one
// impression relied on, what one play earned, and corrections. Each row is
// one LedgerEntry (store/ledger.h) whose payload is the row's canonical JSON:
// fixed key order, no whitespace, integers in decimal, the propensity with
// 17 significant digits, so the same row always hashes the same.
//
// Members appear only hashed (HashMemberId): a statement a performer reads
// must not expose who watched.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/store/ledger.h"
#include "marquee/util/status.h"

namespace marquee {

// One recognizable performer an impression showed, and the consent it relied on.
struct LedgerPerformer {
  std::string performer_id;
  std::string consent_id;
  int32_t consent_version = 1;
  friend bool operator==(const LedgerPerformer&, const LedgerPerformer&) = default;
};

// Written in the transaction of the impression event it accounts for.
// entry_id = impression_id; kind kImpression.
struct ImpressionLedgerRow {
  std::string impression_id;
  int64_t time = 0;                         // unix seconds, the impression's
  std::string member_hash;                  // HashMemberId(member_id)
  std::string title_id;
  std::string artwork_id;                   // empty: a no-person title card was shown
  std::vector<LedgerPerformer> performers;  // recognizable performers shown, in depicted order
  std::string territory;                    // ISO 3166-1 alpha-2
  double propensity = 1.0;                  // (0, 1]
  std::string eligible_set_hash;            // EligibleSetHash of the eligible artwork ids
  uint32_t eligible_count = 0;
  std::string policy_version;               // "thompson scale=0.3@<publish counter>"
  std::string digital_source_type;          // IPTC code name ("digitalCapture", ...); empty for a title card
  std::string replica_kind;                 // ReplicaKindName; empty for a title card
  bool disclosure_required = false;         // an AI disclosure was shown
  std::string disclosure_basis;             // the rule's basis; empty when none
  std::string ineligible_reason;            // title card only: why nothing was eligible
  friend bool operator==(const ImpressionLedgerRow&, const ImpressionLedgerRow&) = default;
};

// Written in the transaction of the play event. entry_id = PlayEntryId(...);
// kind kPlay. The attributed impression is the member's last impression of
// the title at or before the play and no more than the reward window before
// it (bandit/reward_attribution.h's window, 3,600 s by default); empty when
// none.
struct PlayLedgerRow {
  std::string play_id;
  int64_t time = 0;
  std::string member_hash;
  std::string title_id;
  std::string impression_id;  // attributed impression, or empty
  std::string territory;      // the attributed impression's territory; empty when none
  int64_t seconds_watched = 0;  // SecondsWatched (data/qualifying_play.h); 0 when the runtime is unknown
  bool qualified = false;     // IsQualifyingPlay (data/qualifying_play.h)
  friend bool operator==(const PlayLedgerRow&, const PlayLedgerRow&) = default;
};

// A correction: cancels the entry `reverses` (an impression or a play) in
// every total. kind kReversal; entry_id = reversal_id.
struct ReversalLedgerRow {
  std::string reversal_id;
  int64_t time = 0;
  std::string reverses;  // entry_id of the reversed entry
  std::string reason;    // non-empty
  friend bool operator==(const ReversalLedgerRow&, const ReversalLedgerRow&) = default;
};

// The first 32 hex characters of SHA-256("marquee-member\n" + member_id).
std::string HashMemberId(std::string_view member_id);
// SHA-256 hex of the ids joined by "\n", in the order given (the title's
// variant order); of "" for an empty set.
std::string EligibleSetHash(std::span<const std::string> artwork_ids);
// A play's entry id from what identifies it: "play:" + the first 32 hex of
// SHA-256(member_id "\n" title_id "\n" time "\n" watch_fraction as %.9g), so
// the same play posted twice is one ledger entry.
std::string PlayEntryId(std::string_view member_id, std::string_view title_id, int64_t time, float watch_fraction);

LedgerEntry ToLedgerEntry(const ImpressionLedgerRow& row);
LedgerEntry ToLedgerEntry(const PlayLedgerRow& row);
LedgerEntry ToLedgerEntry(const ReversalLedgerRow& row);

// The inverses: Corruption naming the entry id and the field when the kind
// differs or the payload is not such a row.
Result<ImpressionLedgerRow> ParseImpressionRow(const LedgerEntry& entry);
Result<PlayLedgerRow> ParsePlayRow(const LedgerEntry& entry);
Result<ReversalLedgerRow> ParseReversalRow(const LedgerEntry& entry);

}  // namespace marquee
