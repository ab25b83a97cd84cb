// The ledger: an append-only, hash-chained table in the event store, written
// in the same SQLite transaction as the events it accounts for (issue 11 §5:
// "written in the same transaction as the impression"), so a crash leaves
// impressions and their ledger rows equal in number.
//
// The store keeps entries opaque: an entry is a kind, an entry id, a time and
// a payload (canonical JSON written by ledger/ledger_rows.h). The store
// numbers them, chains them and makes the entry id unique; what a payload
// means is the ledger library's business.
//
// THE CHAIN. Row n (n = 1, 2, ... in commit order, `seq`) stores
//   hash_n = SHA-256( prev_hash_n || "\n" || seq || "\n" || kind || "\n" ||
//                     entry_id || "\n" || time || "\n" || payload )
// in lower-case hex (64 characters), with prev_hash_n = hash_{n-1} and
// prev_hash_1 = 64 zeros; the integers (seq, kind as its LedgerKind number,
// time) in decimal, the strings as their bytes. Changing any stored field
// of any row, deleting or reordering rows breaks the chain at that row or the
// next (VerifyLedgerChain). Only removing the newest rows leaves a valid
// (shorter) chain: to notice that, keep the last hash elsewhere and compare
// it with ChainVerification::last_hash. SHA-256 is FIPS 180-4, computed by
// OpenSSL.
//
// IDEMPOTENCE. entry_id is unique in the ledger: an entry whose id is already
// stored (or repeated within one Append) is skipped, not an error, so a
// client resending the same play does not pay twice. Corrections are new
// entries (kReversal) that name the entry they reverse; nothing is updated or
// deleted.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/util/status.h"

namespace marquee {

// Stored as its number: never renumber.
enum class LedgerKind : uint8_t { kImpression = 0, kPlay = 1, kReversal = 2 };

// "impression", "play", "reversal".
std::string_view LedgerKindName(LedgerKind kind);

// One entry as the caller writes it.
struct LedgerEntry {
  LedgerKind kind = LedgerKind::kImpression;
  std::string entry_id;  // unique in the ledger; non-empty (the impression id for impressions)
  int64_t time = 0;      // unix seconds
  std::string payload;   // canonical JSON (ledger/ledger_rows.h); any bytes to the store
  friend bool operator==(const LedgerEntry&, const LedgerEntry&) = default;
};

// One entry as stored: its place in the chain and its hashes (lower-case hex).
struct LedgerRow {
  uint64_t seq = 0;
  LedgerEntry entry;
  std::string prev_hash;
  std::string hash;
};

// 64 '0' characters: the prev_hash of the first row.
inline constexpr std::string_view kLedgerGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// hash_n of the formula above, lower-case hex.
std::string LedgerHash(std::string_view prev_hash, uint64_t seq, const LedgerEntry& entry);

// A page of ledger rows in seq order and the seq of the last one (unchanged
// when empty), as EventPage.
struct LedgerPage {
  std::vector<LedgerRow> rows;
  uint64_t last_sequence = 0;
};

// What VerifyLedgerChain found: ok, or the first row that breaks the chain
// and how ("row 17: hash does not match its fields", "row 18: prev_hash is
// not row 17's hash", "row 20 follows row 18: a row is missing").
struct ChainVerification {
  bool ok = true;
  uint64_t rows = 0;        // rows read (up to and including the first broken one)
  uint64_t first_bad = 0;   // seq of the first broken row (of the first missing
                            // one when rows are missing); 0 when ok
  std::string problem;      // empty when ok
  std::string last_hash;    // the hash of the last row (the genesis hash when empty)
};

}  // namespace marquee
