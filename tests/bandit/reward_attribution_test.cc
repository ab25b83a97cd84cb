#include "marquee/bandit/reward_attribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "marquee/bandit/impression_log.h"

#include "event_test_util.h"

namespace marquee {
namespace {

ImpressionRecord Shown(std::string id, std::string member, std::string title, int64_t time, uint64_t record) {
  ImpressionRecord r;
  r.impression_id = std::move(id);
  r.member_id = std::move(member);
  r.title_id = std::move(title);
  r.time = time;
  r.record = record;
  return r;
}

using test::Outcome;

// (record, reward) pairs, in the order they finished.
std::vector<std::pair<uint64_t, double>> Pairs(const std::vector<Attribution>& out) {
  std::vector<std::pair<uint64_t, double>> pairs;
  for (const Attribution& a : out) pairs.emplace_back(a.impression.record, a.reward);
  return pairs;
}

using PairList = std::vector<std::pair<uint64_t, double>>;

RewardRules Window(int64_t seconds) {
  RewardRules rules;
  rules.reward_window_seconds = seconds;
  return rules;
}

TEST(RewardAttributionTest, OneDefaultWindow) {
  EXPECT_EQ(RewardRules{}.reward_window_seconds, 3600);
  EXPECT_EQ(RewardRules{}.reward_window_seconds, kDefaultRewardWindowSeconds);
  EXPECT_FALSE(RewardRules{}.weight_by_watch_fraction);
}

TEST(RewardAttributionTest, ClickByIdRewardsThatImpressionOnly) {
  RewardAttributor a(Window(100));
  std::vector<Attribution> out;
  ASSERT_TRUE(a.AddImpression(Shown("i1", "m", "t", 1000, 1), out));
  ASSERT_TRUE(a.AddImpression(Shown("i2", "m", "t", 1000, 2), out));
  a.Observe(Outcome(EventKind::kClick, "m", "t", 1010, "i2"), out);
  EXPECT_EQ(Pairs(out), (PairList{{2, 1.0}}));
  EXPECT_EQ(a.pending(), 1u);
  a.Observe(Outcome(EventKind::kClick, "m", "t", 1011, "i2"), out);  // already rewarded: nothing
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(a.unmatched_clicks(), 0u);
}

TEST(RewardAttributionTest, PlayWithinAtTheEdgeAndAfterTheWindow) {
  RewardAttributor a(Window(100));
  std::vector<Attribution> out;
  ASSERT_TRUE(a.AddImpression(Shown("a", "m1", "t", 1000, 1), out));
  ASSERT_TRUE(a.AddImpression(Shown("b", "m2", "t", 1000, 2), out));
  ASSERT_TRUE(a.AddImpression(Shown("c", "m3", "t", 1000, 3), out));
  ASSERT_TRUE(a.AddImpression(Shown("d", "m4", "t", 1000, 4), out));
  a.Observe(Outcome(EventKind::kPlay, "m1", "t", 1050), out);  // within
  a.Observe(Outcome(EventKind::kPlay, "m2", "t", 1100), out);  // at the edge: T + window counts
  a.Observe(Outcome(EventKind::kPlay, "m3", "t", 1101), out);  // one second late
  a.Observe(Outcome(EventKind::kPlay, "m4", "t", 999), out);   // before the impression
  EXPECT_EQ(Pairs(out), (PairList{{1, 1.0}, {2, 1.0}}));
  a.Expire(1100, out);  // nothing has passed its window yet
  EXPECT_EQ(out.size(), 2u);
  a.Expire(1101, out);
  EXPECT_EQ(Pairs(out), (PairList{{1, 1.0}, {2, 1.0}, {3, 0.0}, {4, 0.0}}));
  EXPECT_EQ(a.pending(), 0u);
}

TEST(RewardAttributionTest, OnePlayRewardsEveryPendingImpressionOfTheTitle) {
  RewardAttributor a(Window(100));
  std::vector<Attribution> out;
  ASSERT_TRUE(a.AddImpression(Shown("a", "m", "t", 1000, 1), out));
  ASSERT_TRUE(a.AddImpression(Shown("b", "m", "t", 1030, 2), out));
  ASSERT_TRUE(a.AddImpression(Shown("c", "m", "u", 1030, 3), out));  // another title
  ASSERT_TRUE(a.AddImpression(Shown("d", "n", "t", 1030, 4), out));  // another member
  a.Observe(Outcome(EventKind::kPlay, "m", "t", 1060), out);
  EXPECT_EQ(Pairs(out), (PairList{{1, 1.0}, {2, 1.0}}));
}

TEST(RewardAttributionTest, UnknownImpressionClicksAreCountedNeverGuessed) {
  RewardAttributor a(Window(100));
  std::vector<Attribution> out;
  ASSERT_TRUE(a.AddImpression(Shown("a", "m", "t", 1000, 1), out));
  // Same member and title, but the id names no pending impression: a click
  // is not moved onto impression "a".
  a.Observe(Outcome(EventKind::kClick, "m", "t", 1010, "nope"), out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(a.unmatched_clicks(), 1u);
  // A click past its impression's window is unmatched too.
  a.Observe(Outcome(EventKind::kClick, "m", "t", 1101, "a"), out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(a.unmatched_clicks(), 2u);
  // A play with an unknown id still matches by member and title.
  a.Observe(Outcome(EventKind::kPlay, "m", "t", 1020, "nope"), out);
  EXPECT_EQ(Pairs(out), (PairList{{1, 1.0}}));
  // A click without an id matches by member and title as a play does.
  ASSERT_TRUE(a.AddImpression(Shown("b", "m", "t", 2000, 2), out));
  a.Observe(Outcome(EventKind::kClick, "m", "t", 2001), out);
  EXPECT_EQ(Pairs(out), (PairList{{1, 1.0}, {2, 1.0}}));
  EXPECT_EQ(a.unmatched_clicks(), 2u);
}

TEST(RewardAttributionTest, DuplicateIdsAreCountedAndRefused) {
  RewardAttributor a(Window(100));
  std::vector<Attribution> out;
  ASSERT_TRUE(a.AddImpression(Shown("a", "m", "t", 1000, 1), out));
  EXPECT_FALSE(a.AddImpression(Shown("a", "n", "u", 1000, 2), out));
  EXPECT_EQ(a.duplicate_ids(), 1u);
  EXPECT_EQ(a.pending(), 1u);
  // Impressions without an id are never duplicates.
  EXPECT_TRUE(a.AddImpression(Shown("", "m", "t", 1000, 3), out));
  EXPECT_TRUE(a.AddImpression(Shown("", "m", "t", 1000, 4), out));
  EXPECT_EQ(a.duplicate_ids(), 1u);
}

TEST(RewardAttributionTest, ExpiryIsRewardZero) {
  RewardAttributor a(Window(0));
  std::vector<Attribution> out;
  ASSERT_TRUE(a.AddImpression(Shown("a", "m", "t", 1000, 7), out));
  a.Expire(1000, out);  // window 0: [1000, 1000] is still open
  EXPECT_TRUE(out.empty());
  a.Expire(1001, out);
  EXPECT_EQ(Pairs(out), (PairList{{7, 0.0}}));
  a.Observe(Outcome(EventKind::kPlay, "m", "t", 1000), out);  // too late: already finished
  EXPECT_EQ(out.size(), 1u);
}

TEST(RewardAttributionTest, OverflowFinishesTheOldestWithRewardZero) {
  RewardRules rules = Window(100);
  rules.max_pending = 2;
  RewardAttributor a(rules);
  std::vector<Attribution> out;
  ASSERT_TRUE(a.AddImpression(Shown("a", "m", "t", 1000, 1), out));
  ASSERT_TRUE(a.AddImpression(Shown("b", "m", "u", 1001, 2), out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(a.AddImpression(Shown("c", "m", "v", 1002, 3), out));
  EXPECT_EQ(Pairs(out), (PairList{{1, 0.0}}));
  ASSERT_TRUE(a.AddImpression(Shown("d", "m", "w", 1003, 4), out));
  EXPECT_EQ(Pairs(out), (PairList{{1, 0.0}, {2, 0.0}}));
  EXPECT_EQ(a.pending(), 2u);
  EXPECT_EQ(a.evicted(), 2u);
  a.Observe(Outcome(EventKind::kPlay, "m", "t", 1010), out);  // "a" is gone
  EXPECT_EQ(out.size(), 2u);
  // Expiry and a full reward are not evictions.
  a.Observe(Outcome(EventKind::kPlay, "m", "v", 1010), out);  // "c" earns 1
  a.Expire(2000, out);                                         // "d" expires
  EXPECT_EQ(Pairs(out), (PairList{{1, 0.0}, {2, 0.0}, {3, 1.0}, {4, 0.0}}));
  EXPECT_EQ(a.evicted(), 2u);
}

TEST(RewardAttributionTest, WatchFractionWeighting) {
  RewardRules rules = Window(100);
  rules.weight_by_watch_fraction = true;
  RewardAttributor a(rules);
  std::vector<Attribution> out;
  ASSERT_TRUE(a.AddImpression(Shown("a", "m", "t", 1000, 1), out));
  ASSERT_TRUE(a.AddImpression(Shown("b", "n", "t", 1000, 2), out));
  a.Observe(Outcome(EventKind::kPlay, "m", "t", 1010, {}, 0.25f), out);
  a.Observe(Outcome(EventKind::kPlay, "m", "t", 1020, {}, 0.5f), out);  // the largest counts
  a.Observe(Outcome(EventKind::kPlay, "m", "t", 1030, {}, 0.125f), out);
  EXPECT_TRUE(out.empty());  // below 1 a later play could raise it: held until expiry
  a.Observe(Outcome(EventKind::kPlay, "n", "t", 1010, {}, 1.0f), out);  // a full watch finishes at once
  EXPECT_EQ(Pairs(out), (PairList{{2, 1.0}}));
  a.Expire(1101, out);
  EXPECT_EQ(Pairs(out), (PairList{{2, 1.0}, {1, 0.5}}));

  RewardAttributor unweighted(Window(100));
  out.clear();
  ASSERT_TRUE(unweighted.AddImpression(Shown("a", "m", "t", 1000, 1), out));
  unweighted.Observe(Outcome(EventKind::kPlay, "m", "t", 1010, {}, 0.25f), out);
  EXPECT_EQ(Pairs(out), (PairList{{1, 1.0}}));
}

// Every id and every (member, title) under one key: only comparing the
// strings tells them apart.
uint64_t ConstantHash(std::string_view, uint64_t) { return 0; }
// Few distinct keys, close together: collisions and long probe runs, so
// that removals shift entries in the table.
uint64_t LengthHash(std::string_view bytes, uint64_t seed) { return bytes.size() + 3 * seed; }

TEST(RewardAttributionTest, CollidingKeysNeverMisattribute) {
  for (RewardAttributor::StringHash hash : {&ConstantHash, &LengthHash}) {
    RewardAttributor a(Window(100), hash);
    std::vector<Attribution> out;
    ASSERT_TRUE(a.AddImpression(Shown("i1", "m", "t", 1000, 1), out));
    ASSERT_TRUE(a.AddImpression(Shown("i2", "m", "u", 1000, 2), out));
    ASSERT_TRUE(a.AddImpression(Shown("i3", "n", "t", 1000, 3), out));
    ASSERT_TRUE(a.AddImpression(Shown("j1", "mt", "", 1000, 4), out));  // "m"+"t" as one member
    ASSERT_TRUE(a.AddImpression(Shown("", "m", "t", 1000, 5), out));
    EXPECT_FALSE(a.AddImpression(Shown("i2", "x", "y", 1000, 6), out));
    EXPECT_EQ(a.duplicate_ids(), 1u);
    a.Observe(Outcome(EventKind::kClick, "m", "t", 1010, "i9"), out);  // same key as i1..i3
    EXPECT_EQ(a.unmatched_clicks(), 1u);
    a.Observe(Outcome(EventKind::kClick, "n", "t", 1010, "i3"), out);
    EXPECT_EQ(Pairs(out), (PairList{{3, 1.0}}));
    a.Observe(Outcome(EventKind::kPlay, "o", "t", 1020), out);  // the title, not the member
    a.Observe(Outcome(EventKind::kPlay, "m", "v", 1020), out);  // the member, not the title
    EXPECT_EQ(Pairs(out), (PairList{{3, 1.0}}));
    a.Observe(Outcome(EventKind::kPlay, "m", "t", 1020), out);
    EXPECT_EQ(Pairs(out), (PairList{{3, 1.0}, {1, 1.0}, {5, 1.0}}));
    a.Observe(Outcome(EventKind::kPlay, "x", "y", 1020), out);  // the refused impression
    EXPECT_EQ(out.size(), 3u);
    EXPECT_EQ(a.pending(), 2u);
    a.Expire(1101, out);
    EXPECT_EQ(Pairs(out), (PairList{{3, 1.0}, {1, 1.0}, {5, 1.0}, {2, 0.0}, {4, 0.0}}));
    // Everything left the indices: the ids are free again.
    EXPECT_TRUE(a.AddImpression(Shown("i1", "m", "t", 2000, 7), out));
    EXPECT_EQ(a.pending(), 1u);
  }
}

// The rules written as plainly as possible: every held impression in a
// vector, scanned. Finished impressions stay until they reach the front,
// as in RewardAttributor (their ids still count as pending until then).
class ReferenceAttributor {
 public:
  explicit ReferenceAttributor(const RewardRules& rules) : rules_(rules) {}

  bool AddImpression(ImpressionRecord impression, std::vector<Attribution>& out) {
    for (const Held& h : held_) {
      if (!impression.impression_id.empty() && h.impression.impression_id == impression.impression_id) {
        ++duplicate_ids;
        return false;
      }
    }
    held_.push_back({std::move(impression)});
    while (held_.size() > std::max<size_t>(rules_.max_pending, 1)) {
      if (!held_.front().done) {
        ++evicted;
        Finish(held_.front(), out);
      }
      held_.erase(held_.begin());
    }
    return true;
  }

  void Observe(const Event& e, std::vector<Attribution>& out) {
    if (e.kind != EventKind::kPlay && e.kind != EventKind::kClick) return;
    const double value = rules_.weight_by_watch_fraction && e.watch_fraction ? *e.watch_fraction : 1.0;
    if (!e.impression_id.empty()) {
      for (Held& h : held_) {
        if (h.impression.impression_id != e.impression_id) continue;
        if (e.time - h.impression.time <= rules_.reward_window_seconds) return Credit(h, value, out);
        break;
      }
      if (e.kind == EventKind::kClick) {
        ++unmatched_clicks;
        return;
      }
    }
    for (Held& h : held_) {
      if (!h.done && h.impression.member_id == e.member_id && h.impression.title_id == e.title_id &&
          e.time >= h.impression.time && e.time - h.impression.time <= rules_.reward_window_seconds) {
        Credit(h, value, out);
      }
    }
  }

  void Expire(int64_t now, std::vector<Attribution>& out) {
    while (!held_.empty()) {
      Held& h = held_.front();
      if (!h.done) {
        if (now - h.impression.time <= rules_.reward_window_seconds) return;
        Finish(h, out);
      }
      held_.erase(held_.begin());
    }
  }

  void ExpireAll(std::vector<Attribution>& out) {
    for (Held& h : held_) {
      if (!h.done) Finish(h, out);
    }
    held_.clear();
  }

  size_t pending() const {
    return std::count_if(held_.begin(), held_.end(), [](const Held& h) { return !h.done; });
  }

  uint64_t unmatched_clicks = 0;
  uint64_t duplicate_ids = 0;
  uint64_t evicted = 0;

 private:
  struct Held {
    ImpressionRecord impression;
    double reward = 0.0;
    bool done = false;
  };

  void Credit(Held& h, double value, std::vector<Attribution>& out) {
    if (h.done) return;
    h.reward = std::max(h.reward, value);
    if (h.reward >= 1.0) Finish(h, out);
  }

  void Finish(Held& h, std::vector<Attribution>& out) {
    h.done = true;
    out.push_back({h.impression, h.reward});
  }

  RewardRules rules_;
  std::vector<Held> held_;
};

// Everything an Attribution carries, comparable.
auto Fields(const Attribution& a) {
  const ImpressionRecord& r = a.impression;
  return std::tuple(r.impression_id, r.member_id, r.title_id, r.time, r.title, r.variant, r.record,
                    r.context.get(), a.reward);
}

struct RandomStream {
  int members;
  int titles;
  int ids;  // the pool impressions and outcomes draw their ids from
  size_t max_pending_limit;
  int64_t window_limit;
  int steps;
};

// Random impressions, plays, clicks, other events and expiries, roughly in
// time order (times jitter back and forth a little around a clock), into
// both attributors; every output and counter must agree after every step.
void CompareWithReference(const RandomStream& stream, RewardAttributor::StringHash hash, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto below = [&](uint64_t n) { return static_cast<int64_t>(rng() % n); };
  RewardRules rules;
  rules.reward_window_seconds = below(stream.window_limit + 1);
  rules.max_pending = 1 + below(stream.max_pending_limit);
  rules.weight_by_watch_fraction = below(2) == 1;
  RewardAttributor fast = hash ? RewardAttributor(rules, hash) : RewardAttributor(rules);
  ReferenceAttributor slow(rules);
  std::vector<Attribution> fast_out, slow_out;
  const std::vector<std::optional<float>> fractions = {std::nullopt, 0.25f, 0.5f, 1.0f};
  auto context = std::make_shared<const std::vector<float>>(3, 1.0f);
  int64_t clock = 1000;
  uint64_t record = 0;
  for (int step = 0; step < stream.steps; ++step) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed << " step " << step);
    clock += below(3);
    const int64_t time = clock + below(5) - 2;
    const std::string member = "m" + std::to_string(below(stream.members));
    const std::string title = "t" + std::to_string(below(stream.titles));
    const std::string id = below(5) == 0 ? "" : "i" + std::to_string(below(stream.ids));
    const int64_t op = below(10);
    if (op < 5) {
      ImpressionRecord r = Shown(id, member, title, time, record++);
      r.title = static_cast<uint32_t>(below(100));
      r.variant = static_cast<uint32_t>(below(4));
      if (below(2) == 0) r.context = context;
      ImpressionRecord copy = r;
      ASSERT_EQ(fast.AddImpression(std::move(r), fast_out), slow.AddImpression(std::move(copy), slow_out));
    } else if (op < 9) {
      const EventKind kinds[] = {EventKind::kPlay, EventKind::kClick, EventKind::kImpression};
      const Event e = Outcome(kinds[below(3)], member, title, time, id, fractions[below(4)]);
      fast.Observe(e, fast_out);
      slow.Observe(e, slow_out);
    } else if (below(50) == 0) {
      fast.ExpireAll(fast_out);
      slow.ExpireAll(slow_out);
    } else {
      fast.Expire(clock, fast_out);
      slow.Expire(clock, slow_out);
    }
    ASSERT_EQ(fast_out.size(), slow_out.size());
    for (size_t i = 0; i < fast_out.size(); ++i) ASSERT_EQ(Fields(fast_out[i]), Fields(slow_out[i])) << i;
    ASSERT_EQ(fast.pending(), slow.pending());
    ASSERT_EQ(fast.unmatched_clicks(), slow.unmatched_clicks);
    ASSERT_EQ(fast.duplicate_ids(), slow.duplicate_ids);
    ASSERT_EQ(fast.evicted(), slow.evicted);
  }
  fast.ExpireAll(fast_out);
  slow.ExpireAll(slow_out);
  ASSERT_EQ(fast_out.size(), slow_out.size());
  for (size_t i = 0; i < fast_out.size(); ++i) ASSERT_EQ(Fields(fast_out[i]), Fields(slow_out[i])) << i;
  EXPECT_EQ(fast.pending(), 0u);
}

TEST(RewardAttributionTest, MatchesBruteForceReferenceOnRandomStreams) {
  // Few members, titles and ids with a small cap: collisions of every kind,
  // duplicates, evictions, finished slots waiting behind pending ones.
  const RandomStream small{3, 3, 8, 6, 12, 400};
  // Many pairs and ids, a larger cap: the ring and both tables grow.
  const RandomStream large{40, 40, 3000, 400, 60, 6000};
  for (RewardAttributor::StringHash hash : {RewardAttributor::StringHash{}, &ConstantHash, &LengthHash}) {
    for (uint64_t seed = 1; seed <= 60; ++seed) CompareWithReference(small, hash, seed);
    for (uint64_t seed = 1; seed <= 3; ++seed) CompareWithReference(large, hash, seed);
  }
}

// Two titles (2 variants each) for the batch join.
Dataset TwoTitles() {
  Dataset d;
  d.members.GetOrAdd("m0");
  d.titles.GetOrAdd("t0");
  d.titles.GetOrAdd("t1");
  const uint16_t g = d.catalog.GenreIndex("Drama");
  d.catalog.Resize(2);
  d.catalog.titles()[0].genres = {g};
  d.catalog.titles()[0].artwork = {Artwork{"t0a"}, Artwork{"t0b"}};
  d.catalog.titles()[1].genres = {g};
  d.catalog.titles()[1].artwork = {Artwork{"t1a"}, Artwork{"t1b"}};
  d.interactions = InteractionMatrix(1, 2, {0, 1}, {0}, {1.0f}, {});
  return d;
}

Event ImpressionEvent(std::string id, std::string member, std::string title, std::string artwork,
                      int64_t time) {
  Event e = Outcome(EventKind::kImpression, std::move(member), std::move(title), time, std::move(id));
  e.artwork_id = std::move(artwork);
  e.propensity = 0.5;
  return e;
}

TEST(RewardAttributionTest, StreamingAndBatchJoinAgree) {
  Dataset d = TwoTitles();
  ArtworkFeatures f(d.catalog);
  RewardRules rules = Window(600);
  rules.weight_by_watch_fraction = true;
  rules.max_pending = 4;
  std::vector<Event> events;
  // A deterministic mix: members m0..m4, two titles, impressions every 50 s,
  // plays and clicks (some by id, some unknown) after some of them.
  for (int i = 0; i < 60; ++i) {
    const std::string member = "m" + std::to_string(i % 5);
    const std::string title = "t" + std::to_string(i % 2);
    const int64_t t = 1000 + 50 * i;
    const std::string id = "imp" + std::to_string(i);
    events.push_back(ImpressionEvent(i % 7 == 0 ? id + "-dup" : id, member, title,
                                     title + (i % 3 == 0 ? "a" : "b"), t));
    if (i % 4 == 1) events.push_back(Outcome(EventKind::kPlay, member, title, t + 30 * (i % 9), {}, 0.2f * (1 + i % 5)));
    if (i % 6 == 2) events.push_back(Outcome(EventKind::kClick, member, title, t + 10, id));
    if (i % 11 == 3) events.push_back(Outcome(EventKind::kClick, member, title, t + 10, "unknown"));
    if (i % 13 == 5) events.push_back(ImpressionEvent("imp0-dup", member, title, title + "a", t));
  }

  ImpressionLog log = JoinImpressions(events, d, f, rules, "test").value();
  ASSERT_GT(log.data.size(), 50u);

  // The same events, event by event, through one attributor.
  RewardAttributor a(rules);
  std::vector<Attribution> out;
  uint64_t record = 0;
  for (const Event& e : events) {
    a.Expire(e.time, out);
    if (e.kind == EventKind::kImpression) {
      ImpressionRecord r = Shown(e.impression_id, e.member_id, e.title_id, e.time, record);
      if (a.AddImpression(std::move(r), out)) ++record;
    } else {
      a.Observe(e, out);
    }
  }
  a.ExpireAll(out);
  ASSERT_EQ(out.size(), log.data.size());
  std::vector<double> streamed(out.size(), -1.0);
  for (const Attribution& x : out) streamed[x.impression.record] = x.reward;
  EXPECT_EQ(streamed, log.data.reward);
  EXPECT_EQ(a.unmatched_clicks(), log.unmatched_outcomes);
  EXPECT_EQ(a.duplicate_ids(), log.skipped_duplicate_id);
  EXPECT_GT(a.unmatched_clicks(), 0u);
  EXPECT_GT(std::count_if(streamed.begin(), streamed.end(), [](double r) { return r > 0 && r < 1; }), 0);
  EXPECT_GT(std::count(streamed.begin(), streamed.end(), 0.0), 0);
}

}  // namespace
}  // namespace marquee
