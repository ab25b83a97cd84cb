// TEMPORARY: definitions of the store's ledger functions declared in
// store/ledger.h and store/event_store.h, so that the ledger library links
// before the store-ledger branch (which implements them in store/) is merged.
// Dropped at merge together with this commit.
#include <fmt/format.h>

#include "marquee/store/event_store.h"
#include "marquee/store/ledger.h"
#include "marquee/util/sha256.h"

namespace marquee {

std::string_view LedgerKindName(LedgerKind kind) {
  switch (kind) {
    case LedgerKind::kImpression: return "impression";
    case LedgerKind::kPlay: return "play";
    case LedgerKind::kReversal: return "reversal";
  }
  return "unknown";
}

std::string LedgerHash(std::string_view prev_hash, uint64_t seq, const LedgerEntry& entry) {
  return Sha256Hex(fmt::format("{}\n{}\n{}\n{}\n{}\n{}", prev_hash, seq, static_cast<int>(entry.kind),
                               entry.entry_id, entry.time, entry.payload));
}

Status EventStore::ScanLedger(size_t page, const std::function<void(std::span<const LedgerRow>)>& visit) const {
  if (page == 0) return Status::InvalidArgument("ledger scan: a page of 0 rows");
  uint64_t after = 0;
  for (;;) {
    MARQUEE_ASSIGN_OR_RETURN(LedgerPage next, LedgerAfter(after, page));
    visit(next.rows);
    if (next.rows.size() < page) return Status::OK();
    after = next.last_sequence;
  }
}

Result<ChainVerification> EventStore::VerifyLedgerChain() const {
  ChainVerification v;
  v.last_hash = std::string(kLedgerGenesisHash);
  uint64_t expected_seq = 1;
  Status s = ScanLedger(4096, [&](std::span<const LedgerRow> rows) {
    for (const LedgerRow& row : rows) {
      ++v.rows;
      if (!v.ok) continue;
      std::string problem;
      if (row.seq != expected_seq) {
        problem = fmt::format("row {} follows row {}: a row is missing", row.seq, expected_seq - 1);
      } else if (row.prev_hash != v.last_hash) {
        problem = fmt::format("row {}: prev_hash is not row {}'s hash", row.seq, row.seq - 1);
      } else if (row.hash != LedgerHash(row.prev_hash, row.seq, row.entry)) {
        problem = fmt::format("row {}: hash does not match its fields", row.seq);
      }
      if (!problem.empty()) {
        v.ok = false;
        v.first_bad = row.seq;
        v.problem = std::move(problem);
        continue;
      }
      v.last_hash = row.hash;
      ++expected_seq;
    }
  });
  if (!s.ok()) return s;
  return v;
}

}  // namespace marquee
