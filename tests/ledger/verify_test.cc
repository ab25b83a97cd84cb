#include "marquee/ledger/verify.h"

#include <gtest/gtest.h>

#include <memory>

#include "ledger_test_util.h"
#include "marquee/ledger/ledger_rows.h"

namespace marquee {
namespace {

constexpr int64_t kT = 1'700'000'000;

// Title t1 (100 minutes): variant t1-a shows p1 recognizably and p2 in the
// background, unrecognizable; t1-b shows p2. Title t2 has no runtime.
Dataset VerifyDataset() {
  Dataset d;
  const uint32_t p1 = d.catalog.AddPerformer({.id = "p1", .name = "One"});
  const uint32_t p2 = d.catalog.AddPerformer({.id = "p2", .name = "Two"});
  d.titles.GetOrAdd("t1");
  Title t1;
  t1.runtime_minutes = 100;
  Artwork a{.id = "t1-a"};
  a.depicted = {{p1, true, CastRole::kLead}, {p2, false, CastRole::kBackground}};
  a.digital_source_type = DigitalSourceType::kDigitalCapture;
  Artwork b{.id = "t1-b"};
  b.depicted = {{p2, true, CastRole::kLead}};
  b.digital_source_type = DigitalSourceType::kDigitalCapture;
  t1.artwork = {a, b};
  d.catalog.titles().push_back(t1);
  d.titles.GetOrAdd("t2");
  d.catalog.titles().push_back(Title{});
  return d;
}

Event ImpressionEvent(const std::string& member, const std::string& id, int64_t time, const std::string& artwork) {
  Event e;
  e.kind = EventKind::kImpression;
  e.member_id = member;
  e.title_id = "t1";
  e.time = time;
  e.artwork_id = artwork;
  e.propensity = 0.25;
  e.impression_id = id;
  e.eligible_artwork_ids = {"t1-a", "t1-b"};
  return e;
}

Event PlayEvent(const std::string& member, int64_t time, float fraction, const std::string& title = "t1") {
  Event e;
  e.kind = EventKind::kPlay;
  e.member_id = member;
  e.title_id = title;
  e.time = time;
  e.watch_fraction = fraction;
  return e;
}

ImpressionLedgerRow ImpressionRowFor(const Event& e, std::vector<LedgerPerformer> performers) {
  ImpressionLedgerRow row;
  row.impression_id = e.impression_id;
  row.time = e.time;
  row.member_hash = HashMemberId(e.member_id);
  row.title_id = e.title_id;
  row.artwork_id = e.artwork_id;
  row.performers = std::move(performers);
  row.territory = "US";
  row.propensity = *e.propensity;
  row.eligible_set_hash = EligibleSetHash(e.eligible_artwork_ids);
  row.eligible_count = static_cast<uint32_t>(e.eligible_artwork_ids.size());
  row.digital_source_type = "digitalCapture";
  row.replica_kind = "none";
  return row;
}

PlayLedgerRow PlayRowFor(const Event& e, const std::string& impression_id, int64_t seconds, bool qualified) {
  return {.play_id = PlayEntryId(e.member_id, e.title_id, e.time, *e.watch_fraction), .time = e.time,
          .member_hash = HashMemberId(e.member_id), .title_id = e.title_id, .impression_id = impression_id,
          .territory = impression_id.empty() ? "" : "US", .seconds_watched = seconds, .qualified = qualified};
}

// A small history and the ledger a correct server writes for it.
struct Fixture {
  std::vector<Event> events;
  std::vector<LedgerEntry> entries;

  Fixture() {
    const Event i1 = ImpressionEvent("m1", "imp1", kT, "t1-a");
    const Event i2 = ImpressionEvent("m2", "imp2", kT + 10, "t1-b");
    const Event i3 = ImpressionEvent("m1", "imp3", kT + 100, "t1-b");  // m1's later impression of t1
    const Event q1 = PlayEvent("m1", kT + 600, 0.5f);                  // 3,000 s: attributed to imp3
    const Event q2 = PlayEvent("m1", kT + 100 + 3601, 0.5f);          // past the window: nothing
    const Event q3 = PlayEvent("m2", kT + 20, 0.05f);                  // 5 minutes of 100: not qualifying
    const Event q4 = PlayEvent("m1", kT + 50, 0.3f, "t2");             // runtime unknown: 0 s, qualifies by fraction
    events = {i1, i2, i3, q1, q1, q2, q3, q4};  // q1 posted twice
    entries = {ToLedgerEntry(ImpressionRowFor(i1, {{"p1", "c1", 1}})),
               ToLedgerEntry(ImpressionRowFor(i2, {{"p2", "c2", 1}})),
               ToLedgerEntry(ImpressionRowFor(i3, {{"p2", "c2", 1}})),
               ToLedgerEntry(PlayRowFor(q1, "imp3", 3000, true)),
               ToLedgerEntry(PlayRowFor(q2, "", 3000, true)),
               ToLedgerEntry(PlayRowFor(q3, "imp2", 300, false)),
               ToLedgerEntry(PlayRowFor(q4, "", 0, true))};
  }

  std::vector<LedgerRow> Rows() const {
    std::vector<LedgerRow> rows;
    for (size_t i = 0; i < entries.size(); ++i) rows.push_back({i + 1, entries[i], "", ""});
    return rows;
  }
};

std::string Problems(const LedgerVerification& v) {
  std::string out;
  for (const LedgerMismatch& m : v.mismatches) {
    out += std::to_string(m.event_seq) + "/" + std::to_string(m.ledger_seq) + " " + m.entry_id + ": " + m.problem + "\n";
  }
  return out;
}

TEST(LedgerVerifyTest, ACorrectLedgerVerifies) {
  const Fixture f;
  const LedgerVerification v = RecomputeLedger(f.events, f.Rows(), VerifyDataset());
  EXPECT_TRUE(v.ok) << Problems(v);
  EXPECT_EQ(v.events, 8u);
  EXPECT_EQ(v.impression_events, 3u);
  EXPECT_EQ(v.play_events, 4u);  // the repeat is one play
  EXPECT_EQ(v.impression_rows, 3u);
  EXPECT_EQ(v.play_rows, 4u);
  EXPECT_EQ(v.performers, 2u);
  EXPECT_NE(VerificationText(v).find("ledger verified"), std::string::npos);
}

TEST(LedgerVerifyTest, EachRecomputedFieldIsChecked) {
  struct Case {
    size_t entry;
    std::function<void(LedgerEntry&)> tamper;
    std::string expected;  // in the first mismatch
  };
  auto impression = [](size_t, std::function<void(ImpressionLedgerRow&)> change) {
    return [change](LedgerEntry& e) {
      ImpressionLedgerRow row = *ParseImpressionRow(e);
      change(row);
      e = ToLedgerEntry(row);
    };
  };
  auto play = [](std::function<void(PlayLedgerRow&)> change) {
    return [change](LedgerEntry& e) {
      PlayLedgerRow row = *ParsePlayRow(e);
      change(row);
      e = ToLedgerEntry(row);
    };
  };
  const std::vector<Case> cases = {
      {0, impression(0, [](ImpressionLedgerRow& r) { r.performers.push_back({"p2", "c2", 1}); }), "performers"},
      {0, impression(0, [](ImpressionLedgerRow& r) { r.performers.clear(); }), "performers"},
      {0, impression(0, [](ImpressionLedgerRow& r) { r.propensity = 0.25000000000000006; }), "propensity"},
      {0, impression(0, [](ImpressionLedgerRow& r) { r.artwork_id = "t1-b"; }), "artwork_id"},
      {0, impression(0, [](ImpressionLedgerRow& r) { r.eligible_set_hash = EligibleSetHash({}); }),
       "eligible_set_hash"},
      {0, impression(0, [](ImpressionLedgerRow& r) { r.member_hash = HashMemberId("m2"); }), "member_hash"},
      {3, play([](PlayLedgerRow& r) { r.impression_id = "imp1"; }), "impression_id"},
      {4, play([](PlayLedgerRow& r) { r.impression_id = "imp3"; }), "impression_id"},
      {3, play([](PlayLedgerRow& r) { r.seconds_watched = 2999; }), "seconds_watched"},
      {5, play([](PlayLedgerRow& r) { r.qualified = true; }), "qualified"},
      {3, play([](PlayLedgerRow& r) { r.territory = "GB"; }), "territory"},
  };
  for (const Case& c : cases) {
    Fixture f;
    c.tamper(f.entries[c.entry]);
    const LedgerVerification v = RecomputeLedger(f.events, f.Rows(), VerifyDataset());
    EXPECT_FALSE(v.ok) << c.expected;
    ASSERT_FALSE(v.mismatches.empty()) << c.expected;
    EXPECT_NE(v.mismatches[0].problem.find(c.expected), std::string::npos) << Problems(v);
    EXPECT_EQ(v.mismatches[0].ledger_seq, c.entry + 1) << Problems(v);
  }
}

TEST(LedgerVerifyTest, MissingAndOrphanRowsAndTotalsAreReported) {
  Fixture f;
  f.entries.erase(f.entries.begin());  // imp1's row is lost
  LedgerVerification v = RecomputeLedger(f.events, f.Rows(), VerifyDataset());
  EXPECT_FALSE(v.ok);
  ASSERT_FALSE(v.mismatches.empty());
  EXPECT_EQ(v.mismatches[0].event_seq, 1u);
  EXPECT_EQ(v.mismatches[0].entry_id, "imp1");
  EXPECT_EQ(v.mismatches[0].problem, "no ledger impression row");
  // p1's one impression is in the events but not in the ledger.
  EXPECT_NE(Problems(v).find("performer p1: qualifying impressions: the ledger counts 0, the events 1"),
            std::string::npos)
      << Problems(v);

  Fixture orphan;
  orphan.events.erase(orphan.events.begin() + 6);  // q3's event, but its row stays
  v = RecomputeLedger(orphan.events, orphan.Rows(), VerifyDataset());
  EXPECT_FALSE(v.ok);
  EXPECT_NE(Problems(v).find("ledger play row without a play event"), std::string::npos) << Problems(v);
  EXPECT_EQ(v.mismatches.back().ledger_seq, 6u);

  Fixture unnamed;
  unnamed.events[0].impression_id.clear();
  v = RecomputeLedger(unnamed.events, unnamed.Rows(), VerifyDataset());
  EXPECT_NE(Problems(v).find("without an impression_id"), std::string::npos) << Problems(v);
}

TEST(LedgerVerifyTest, ReversalsApplyToBothSidesAndBadOnesAreNotes) {
  Fixture f;
  f.entries.push_back(ToLedgerEntry(testing_ledger::Reversal("r1", kT + 9999, "imp3")));
  f.entries.push_back(ToLedgerEntry(testing_ledger::Reversal("r2", kT + 9999, "nothing")));
  const LedgerVerification v = RecomputeLedger(f.events, f.Rows(), VerifyDataset());
  EXPECT_TRUE(v.ok) << Problems(v);
  EXPECT_EQ(v.reversal_rows, 2u);
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_NE(VerificationText(v).find("note: reversal \"r2\""), std::string::npos);
}

TEST(LedgerVerifyTest, TheWindowIsAnOption) {
  Fixture f;
  VerifyOptions wide;
  wide.reward_window_seconds = 7200;  // q2 now falls in imp3's window
  const LedgerVerification v = RecomputeLedger(f.events, f.Rows(), VerifyDataset(), wide);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(Problems(v).find("impression_id: the ledger has \"\", recomputed from the events \"imp3\""),
            std::string::npos)
      << Problems(v);
}

// An event store in memory with a ledger chained as store/ledger.h says, to
// run VerifyLedger end to end before the SQLite ledger is at hand.
class MemoryLedgerStore : public EventStore {
 public:
  Status Append(std::span<const Event> events, Durability) override {
    events_.insert(events_.end(), events.begin(), events.end());
    return Status::OK();
  }
  Status AppendWithLedger(std::span<const Event> events, std::span<const LedgerEntry> ledger,
                          Durability durability) override {
    MARQUEE_RETURN_IF_ERROR(Append(events, durability));
    for (const LedgerEntry& e : ledger) {
      LedgerRow row{rows_.size() + 1, e, rows_.empty() ? std::string(kLedgerGenesisHash) : rows_.back().hash, ""};
      row.hash = LedgerHash(row.prev_hash, row.seq, e);
      rows_.push_back(row);
    }
    return Status::OK();
  }
  Result<LedgerPage> LedgerAfter(uint64_t after, size_t limit) const override {
    LedgerPage page{{}, after};
    for (size_t i = after; i < rows_.size() && page.rows.size() < limit; ++i) page.rows.push_back(rows_[i]);
    if (!page.rows.empty()) page.last_sequence = page.rows.back().seq;
    return page;
  }
  Result<uint64_t> LedgerCount() const override { return uint64_t{rows_.size()}; }
  Result<std::vector<Event>> MemberEvents(std::string_view) const override { return std::vector<Event>{}; }
  Result<EventPage> PageAfter(uint64_t after, size_t limit) const override {
    EventPage page{{}, after};
    for (size_t i = after; i < events_.size() && page.events.size() < limit; ++i) page.events.push_back(events_[i]);
    page.last_sequence = after + page.events.size();
    return page;
  }
  Result<uint64_t> Count() const override { return uint64_t{events_.size()}; }
  Result<uint64_t> LastSequence() const override { return uint64_t{events_.size()}; }

  std::vector<LedgerRow>& rows() { return rows_; }

 private:
  std::vector<Event> events_;
  std::vector<LedgerRow> rows_;
};

TEST(LedgerVerifyTest, VerifiesAStoreAndReportsABrokenChain) {
  const Fixture f;
  MemoryLedgerStore store;
  ASSERT_TRUE(store.AppendWithLedger(f.events, f.entries, Durability::kFsync).ok());
  VerifyOptions small_pages;
  small_pages.page = 2;
  Result<LedgerVerification> v = VerifyLedger(store, VerifyDataset(), small_pages);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->ok) << Problems(*v) << v->chain.problem;
  EXPECT_EQ(v->chain.rows, 7u);
  EXPECT_EQ(v->events, 8u);

  store.rows()[2].entry.time += 1;  // tampered without rehashing
  v = VerifyLedger(store, VerifyDataset());
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_FALSE(v->chain.ok);
  EXPECT_EQ(v->chain.first_bad, 3u);
  EXPECT_NE(VerificationText(*v).find("chain broken at row 3"), std::string::npos) << VerificationText(*v);

  // A ledger the store cannot read is a finding too, not an error.
  class UnreadableLedger : public MemoryLedgerStore {
   public:
    Result<LedgerPage> LedgerAfter(uint64_t, size_t) const override {
      return Status::Corruption("ledger row 4: unknown kind 9");
    }
  };
  UnreadableLedger unreadable;
  v = VerifyLedger(unreadable, VerifyDataset());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_FALSE(v->ok);
  EXPECT_NE(VerificationText(*v).find("ledger unreadable: ledger row 4: unknown kind 9"), std::string::npos)
      << VerificationText(*v);

  VerifyOptions bad;
  bad.reward_window_seconds = -1;
  EXPECT_EQ(VerifyLedger(store, VerifyDataset(), bad).status().field(), "reward_window_seconds");
}

}  // namespace
}  // namespace marquee
