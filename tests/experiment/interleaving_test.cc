#include "marquee/experiment/interleaving.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "marquee/util/random.h"

namespace marquee::experiment {
namespace {

std::vector<uint32_t> Titles(const std::vector<InterleavedTitle>& list) {
  std::vector<uint32_t> out;
  for (const InterleavedTitle& t : list) out.push_back(t.title);
  return out;
}

// A random ranking of `n` titles drawn from [0, universe).
std::vector<uint32_t> RandomList(Rng& rng, uint32_t n, uint32_t universe) {
  std::vector<uint32_t> all(universe);
  for (uint32_t i = 0; i < universe; ++i) all[i] = i;
  for (uint32_t i = 0; i < n; ++i) std::swap(all[i], all[i + rng.Below(universe - i)]);
  all.resize(n);
  return all;
}

// Team draft's invariants on one merge (header): no duplicates; each team's
// titles are a subsequence of its ranker's list, skipping only titles
// already shown; every prefix is balanced to within one while both lists
// have new titles; the length is min(k, distinct titles).
void ExpectValidMerge(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, size_t k,
                      const std::vector<InterleavedTitle>& merged) {
  std::set<uint32_t> distinct(a.begin(), a.end());
  distinct.insert(b.begin(), b.end());
  ASSERT_EQ(merged.size(), std::min(k, distinct.size()));
  std::set<uint32_t> shown;
  size_t next[2] = {0, 0};
  int64_t balance = 0;
  for (const InterleavedTitle& t : merged) {
    ASSERT_TRUE(shown.insert(t.title).second) << "title " << t.title << " twice";
    const std::vector<uint32_t>& list = t.team == Team::kA ? a : b;
    size_t& i = next[static_cast<int>(t.team)];
    // The ranker's best title not yet shown, at the time of the pick.
    while (i < list.size() && shown.count(list[i]) && list[i] != t.title) ++i;
    ASSERT_LT(i, list.size());
    ASSERT_EQ(list[i], t.title) << "team " << TeamName(t.team) << " did not pick its best new title";
    ++i;
    balance += t.team == Team::kA ? 1 : -1;
    const bool both_have_more = std::any_of(a.begin(), a.end(), [&](uint32_t x) { return !shown.count(x); }) &&
                                std::any_of(b.begin(), b.end(), [&](uint32_t x) { return !shown.count(x); });
    if (both_have_more) EXPECT_LE(std::abs(balance), 1);
  }
}

TEST(InterleavingTest, HandWorkedExampleHasExactlyItsFourOutcomes) {
  // a = [1, 2, 3], b = [2, 4, 5], k = 4. Round one: A takes 1 and B takes 2
  // in either order; round two: A takes 3 (its 2 is shown) and B takes 4, in
  // either order. Teams never change: 1, 3 are A's, 2, 4 are B's.
  const std::vector<uint32_t> a = {1, 2, 3}, b = {2, 4, 5};
  std::set<std::vector<uint32_t>> seen;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const auto merged = TeamDraftInterleave(a, b, 4, seed);
    ASSERT_EQ(merged.size(), 4u);
    for (const InterleavedTitle& t : merged) {
      EXPECT_EQ(t.team, t.title == 1 || t.title == 3 ? Team::kA : Team::kB) << t.title;
    }
    seen.insert(Titles(merged));
  }
  const std::set<std::vector<uint32_t>> expected = {{1, 2, 3, 4}, {1, 2, 4, 3}, {2, 1, 3, 4}, {2, 1, 4, 3}};
  EXPECT_EQ(seen, expected);
}

TEST(InterleavingTest, RandomListsGiveValidBalancedMerges) {
  Rng rng(7);
  for (int trial = 0; trial < 500; ++trial) {
    const uint32_t universe = 5 + rng.Below(60);
    const auto a = RandomList(rng, 1 + rng.Below(std::min<uint32_t>(universe, 30)), universe);
    const auto b = RandomList(rng, 1 + rng.Below(std::min<uint32_t>(universe, 30)), universe);
    const size_t k = 1 + rng.Below(40);
    ExpectValidMerge(a, b, k, TeamDraftInterleave(a, b, k, trial));
  }
}

TEST(InterleavingTest, IdenticalListsKeepTheirOrder) {
  const std::vector<uint32_t> list = {9, 4, 7, 1, 3, 8};
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const auto merged = TeamDraftInterleave(list, list, 6, seed);
    EXPECT_EQ(Titles(merged), list);
    ExpectValidMerge(list, list, 6, merged);
  }
}

TEST(InterleavingTest, AnEmptyListLeavesTheOther) {
  const std::vector<uint32_t> a = {3, 1, 2}, none;
  const auto merged = TeamDraftInterleave(a, none, 5, 11);
  EXPECT_EQ(Titles(merged), a);
  for (const InterleavedTitle& t : merged) EXPECT_EQ(t.team, Team::kA);
  EXPECT_TRUE(TeamDraftInterleave(none, none, 5, 11).empty());
  EXPECT_TRUE(TeamDraftInterleave(a, a, 0, 11).empty());
}

TEST(InterleavingTest, TheSeedDecidesAndTheCoinIsFair) {
  const std::vector<uint32_t> a = {1, 2, 3, 4}, b = {5, 6, 7, 8};
  EXPECT_EQ(TeamDraftInterleave(a, b, 8, 99), TeamDraftInterleave(a, b, 8, 99));
  // Who picks first over 10,000 seeds: a fair coin is within 4 standard
  // deviations (50 = sqrt(10000 / 4)) of 5,000; a stuck coin is not.
  int a_first = 0;
  for (uint64_t seed = 0; seed < 10000; ++seed) a_first += TeamDraftInterleave(a, b, 1, seed)[0].team == Team::kA;
  EXPECT_NEAR(a_first, 5000, 200);
}

TEST(InterleavingTest, PreferencesCountWinsAndTies) {
  const std::vector<TeamCredit> members = {{3, 1}, {0, 2}, {1, 1}, {0, 0}, {0, 5}};
  const PreferenceCounts c = CountPreferences(members);
  EXPECT_EQ(c.a, 1u);
  EXPECT_EQ(c.b, 2u);
  EXPECT_EQ(c.ties, 2u);
  EXPECT_DOUBLE_EQ(PreferenceDelta(c), (2.0 - 1.0) / 5.0);
  EXPECT_EQ(PreferenceDelta({}), 0.0);
  TeamCredit credit;
  credit.Add(Team::kB, 2);
  credit.Add(Team::kA);
  EXPECT_EQ(credit, (TeamCredit{1, 2}));
}

}  // namespace
}  // namespace marquee::experiment
