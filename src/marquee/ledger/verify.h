// Verifying the ledger against the events it accounts for (issue 11 §5):
// the chain is intact, every impression and play event has its row with the
// fields recomputed independently from the raw events and the dataset's
// catalog, and the per-performer totals the statements read equal those
// recomputed from the raw events.
//
// WHAT IS RECOMPUTED, from the events table (in append order) and the
// dataset:
// - Impressions. Every impression event has an impression_id, no other
//   impression event has the same one, and the ledger holds exactly one
//   impression row with that id, whose time, member hash (HashMemberId),
//   title, artwork, propensity (the event's, 1 when absent; compared
//   exactly), eligible-set hash and count (EligibleSetHash of the event's
//   eligible_artwork_ids) equal the event's, and whose performers are the
//   recognizable depicted performers of that variant in the catalog, in
//   depicted order, each once (Artwork::depicted; Artwork::performers for a
//   variant without `depicted`; none for a title card, artwork empty).
// - Plays. Every play event has its row under PlayEntryId (a play without a
//   watch fraction is read as a whole play, 1, as reward attribution reads
//   it); repeats of one play are one row. The row's attributed impression is
//   the member's last impression event of the title appended before the play
//   with impression time <= play time <= impression time + window (the
//   latest impression time; among equal times the later appended); empty
//   when none. Its seconds_watched and qualified are SecondsWatched and
//   IsQualifyingPlay (data/qualifying_play.h) with the title's runtime; its
//   territory is that of the attributed impression's row.
// - No impression or play row lacks its event.
// - Totals: per performer, qualifying impressions and qualifying plays
//   attributed (ledger/accounts.h, all time) folded from the ledger equal
//   those counted from the raw events with the catalog's performers, the
//   ledger's reversals applied to both.
//
// Memory: the impression and play events and the ledger rows are held
// while verifying (O(events + rows)).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/data/event.h"
#include "marquee/data/qualifying_play.h"
#include "marquee/store/event_store.h"
#include "marquee/store/ledger.h"
#include "marquee/util/status.h"

namespace marquee {

struct VerifyOptions {
  // The reward window the server attributes plays with (seconds, >= 0):
  // bandit/reward_attribution.h's default. A server run with another
  // `--reward-window` is verified with that one.
  int64_t reward_window_seconds = 3600;
  // The rule the server judged plays by (data/qualifying_play.h defaults).
  QualifyingPlayRule qualifying;
  // Mismatches kept in the report (all are counted).
  size_t max_mismatches = 20;
  // Events and ledger rows read a page at a time.
  size_t page = 4096;
};

// One disagreement. event_seq is the event's position in append order
// (1-based; its seq in a store nothing was deleted from), 0 when no event is
// involved; ledger_seq the row's seq, 0 when no row is.
struct LedgerMismatch {
  uint64_t event_seq = 0;
  uint64_t ledger_seq = 0;
  std::string entry_id;  // impression id, play entry id, or "performer ID" for totals
  std::string problem;
};

struct LedgerVerification {
  bool ok = true;                 // chain intact and no mismatch
  ChainVerification chain;        // (a)
  uint64_t events = 0;            // all kinds
  uint64_t impression_events = 0;
  uint64_t play_events = 0;       // distinct plays (repeats are one)
  uint64_t ledger_rows = 0;
  uint64_t impression_rows = 0;
  uint64_t play_rows = 0;
  uint64_t reversal_rows = 0;
  uint64_t performers = 0;        // performers whose totals were compared
  uint64_t mismatch_count = 0;    // all mismatches; the first are listed below
  std::vector<LedgerMismatch> mismatches;
  // Reversals that change nothing (ledger/accounts.h): reported, not mismatches.
  std::vector<std::string> problems;
};

// (b) and (c) on events and rows in memory: `events` in append order (their
// positions are the event_seq of the report), `rows` in seq order. The
// chain is not checked here (chain.rows counts the rows given).
LedgerVerification RecomputeLedger(std::span<const Event> events, std::span<const LedgerRow> rows,
                                   const Dataset& dataset, const VerifyOptions& options = {});

// (a) store.VerifyLedgerChain(), then RecomputeLedger over every event
// (EventStore::Scan) and every ledger row. A read error is the Status
// (Unsupported for a store without a ledger); a broken chain, a row the
// store cannot read (Corruption: reported as the chain's problem, nothing
// recomputed) or a mismatch is reported in the result. InvalidArgument naming "reward_window_seconds"
// or "page" for bad options.
Result<LedgerVerification> VerifyLedger(const EventStore& store, const Dataset& dataset,
                                        const VerifyOptions& options = {});

// "ledger verified: ..." or the chain's problem and the first mismatches,
// one a line.
std::string VerificationText(const LedgerVerification& verification);

}  // namespace marquee
