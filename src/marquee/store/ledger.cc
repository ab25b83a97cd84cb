#include "marquee/store/ledger.h"

#include <fmt/format.h>

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
  // The kind as its stored number, so that renaming a kind never changes a
  // hash; the payload last, since it is the only field that may hold "\n".
  const std::string text = fmt::format("{}\n{}\n{}\n{}\n{}\n{}", prev_hash, seq, static_cast<int>(entry.kind),
                                       entry.entry_id, entry.time, entry.payload);
  return Sha256Hex(text);
}

}  // namespace marquee
