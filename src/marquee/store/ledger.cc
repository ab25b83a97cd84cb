#include "marquee/store/ledger.h"

#include <charconv>

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
  // Appended piece by piece (the same bytes as formatting "{}\n{}\n..."):
  // one per impression on the serving path, where parsing a format string
  // showed.
  std::string text;
  text.reserve(prev_hash.size() + entry.entry_id.size() + entry.payload.size() + 48);
  char digits[24];
  auto append_int = [&](int64_t value) {
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    text.append(digits, end);
    text.push_back('\n');
  };
  auto append_uint = [&](uint64_t value) {
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    text.append(digits, end);
    text.push_back('\n');
  };
  text.append(prev_hash);
  text.push_back('\n');
  append_uint(seq);
  append_int(static_cast<int>(entry.kind));
  text.append(entry.entry_id);
  text.push_back('\n');
  append_int(entry.time);
  text.append(entry.payload);
  return Sha256Hex(text);
}

}  // namespace marquee
