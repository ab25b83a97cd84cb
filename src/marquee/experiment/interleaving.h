// Interleaving: two rankers' lists merged into the one list a member sees,
// each position credited to the ranker ("team") that contributed it, so
// that the member's plays say which ranker they preferred -- a comparison
// within each member instead of between two groups of members, which is why
// it needs far fewer members than an A/B test (Chapelle, Joachims,
// Radlinski, Yue, "Large-Scale Validation and Analysis of Interleaved
// Search Evaluation", TOIS 2012; Netflix Technology Blog, "Innovating Faster
// on Personalization Algorithms at Netflix Using Interleaving", 2017).
//
// Team draft (Radlinski, Kurup, Joachims, "How Does Clickthrough Data
// Reflect Retrieval Quality?", CIKM 2008): like captains picking players,
// the team with fewer picks so far picks next (a coin decides when they are
// even); a team picks its ranker's best title not yet in the list. Every
// prefix of the result therefore holds as many titles of each team, or one
// more of one, and each ranker's picks appear in its own order.
//
// Credit: a play of a title in the list counts for the title's team; titles
// both rankers would have shown still belong to the team that picked them
// (team draft's rule: the coin makes that fair on average).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "marquee/util/status.h"

namespace marquee::experiment {

enum class Team : uint8_t { kA = 0, kB = 1 };
// "a", "b".
std::string_view TeamName(Team team);

struct InterleavedTitle {
  uint32_t title = 0;
  Team team = Team::kA;
  friend bool operator==(const InterleavedTitle&, const InterleavedTitle&) = default;
};

// Team-draft interleaving of `a` and `b` (dense title indices, best first,
// each without duplicates; they may share titles) into at most `k` titles,
// fewer when the two lists together hold fewer distinct titles. When one
// list runs out of new titles the other keeps picking. `seed` drives the
// coins (the same seed, the same list: log it or derive it from the
// impression so a page can be reproduced).
std::vector<InterleavedTitle> TeamDraftInterleave(std::span<const uint32_t> a, std::span<const uint32_t> b,
                                                  size_t k, uint64_t seed);

// Plays credited to each team for one member (over any number of lists).
struct TeamCredit {
  uint32_t a = 0, b = 0;
  void Add(Team team, uint32_t plays = 1) { (team == Team::kA ? a : b) += plays; }
  friend bool operator==(const TeamCredit&, const TeamCredit&) = default;
};

// Members who preferred each team: more plays credited to it. Members with
// equal credit (including none) are ties and carry no preference.
struct PreferenceCounts {
  uint64_t a = 0, b = 0, ties = 0;
};
PreferenceCounts CountPreferences(std::span<const TeamCredit> members);

// The interleaving preference of B over A (the usual summary, Chapelle et
// al. 2012): (wins_b - wins_a) / (wins_a + wins_b + ties) in [-1, 1];
// 0 when there are no members.
double PreferenceDelta(const PreferenceCounts& counts);

}  // namespace marquee::experiment
