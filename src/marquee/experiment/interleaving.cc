#include "marquee/experiment/interleaving.h"

#include <unordered_set>

#include "marquee/util/random.h"

namespace marquee::experiment {

std::string_view TeamName(Team team) {
  return team == Team::kA ? "a" : "b";
}

namespace {

// The next title of `list` from `*next` on that is not yet shown, or false.
bool NextNew(std::span<const uint32_t> list, size_t* next, const std::unordered_set<uint32_t>& shown,
             uint32_t* title) {
  while (*next < list.size()) {
    const uint32_t t = list[(*next)++];
    if (!shown.count(t)) {
      *title = t;
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<InterleavedTitle> TeamDraftInterleave(std::span<const uint32_t> a, std::span<const uint32_t> b,
                                                  size_t k, uint64_t seed) {
  std::vector<InterleavedTitle> out;
  out.reserve(k);
  std::unordered_set<uint32_t> shown;
  size_t next_a = 0, next_b = 0, picks_a = 0, picks_b = 0;
  uint64_t coins = seed;
  while (out.size() < k) {
    // Fewer picks pick next; at a tie the coin decides.
    Team turn = picks_a < picks_b ? Team::kA : picks_b < picks_a ? Team::kB
                : (SplitMix64(coins) & 1) ? Team::kB : Team::kA;
    uint32_t title = 0;
    bool found = turn == Team::kA ? NextNew(a, &next_a, shown, &title) : NextNew(b, &next_b, shown, &title);
    if (!found) {
      // This team's ranker has nothing new: the other team picks.
      turn = turn == Team::kA ? Team::kB : Team::kA;
      found = turn == Team::kA ? NextNew(a, &next_a, shown, &title) : NextNew(b, &next_b, shown, &title);
      if (!found) break;
    }
    shown.insert(title);
    out.push_back({title, turn});
    (turn == Team::kA ? picks_a : picks_b) += 1;
  }
  return out;
}

PreferenceCounts CountPreferences(std::span<const TeamCredit> members) {
  PreferenceCounts counts;
  for (const TeamCredit& m : members) {
    if (m.a > m.b) {
      ++counts.a;
    } else if (m.b > m.a) {
      ++counts.b;
    } else {
      ++counts.ties;
    }
  }
  return counts;
}

double PreferenceDelta(const PreferenceCounts& counts) {
  const uint64_t n = counts.a + counts.b + counts.ties;
  if (n == 0) return 0.0;
  return (static_cast<double>(counts.b) - static_cast<double>(counts.a)) / static_cast<double>(n);
}

}  // namespace marquee::experiment
