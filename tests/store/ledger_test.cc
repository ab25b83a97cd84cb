// The event store's ledger (store/ledger.h): entries appended in the events'
// transaction, hash-chained, idempotent by entry id, and checked by
// VerifyLedgerChain -- including against rows changed behind the store's back.
#include "marquee/store/ledger.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "marquee/store/event_store.h"
#include "marquee/util/sha256.h"
#include "../test_util.h"

namespace marquee {
namespace {

using test::TempDir;

Event Impression(const std::string& id, int64_t time = 1'700'000'000) {
  Event e;
  e.kind = EventKind::kImpression;
  e.member_id = "m";
  e.title_id = "t";
  e.time = time;
  e.artwork_id = "a2";
  e.propensity = 0.5;
  e.impression_id = id;
  e.eligible_artwork_ids = {"a1", "a2", "a3"};
  return e;
}

LedgerEntry Entry(const std::string& id, LedgerKind kind = LedgerKind::kImpression, int64_t time = 1'700'000'000) {
  return LedgerEntry{kind, id, time, R"({"entry":")" + id + R"(","n":1})"};
}

std::unique_ptr<EventStore> OpenOrDie(const std::string& path) {
  auto store = EventStore::Open(path);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::vector<LedgerRow> AllRows(const EventStore& store) {
  auto page = store.LedgerAfter(0, std::numeric_limits<size_t>::max());
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? std::move(page->rows) : std::vector<LedgerRow>{};
}

std::vector<std::string> EntryIds(const EventStore& store) {
  std::vector<std::string> ids;
  for (const LedgerRow& row : AllRows(store)) ids.push_back(row.entry.entry_id);
  return ids;
}

ChainVerification VerifyOrDie(const EventStore& store) {
  Result<ChainVerification> v = store.VerifyLedgerChain();
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : ChainVerification{};
}

// SQL run on the store's file behind its back.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// The first column of the first row of `sql`, as text ("" for none).
std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST(LedgerTest, KindNames) {
  EXPECT_EQ(LedgerKindName(LedgerKind::kImpression), "impression");
  EXPECT_EQ(LedgerKindName(LedgerKind::kPlay), "play");
  EXPECT_EQ(LedgerKindName(LedgerKind::kReversal), "reversal");
  EXPECT_EQ(kLedgerGenesisHash, std::string(64, '0'));
}

TEST(LedgerTest, RoundTripsEventsAndEntries) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->LedgerCount().value(), 0u);
  EXPECT_TRUE(AllRows(*store).empty());
  std::vector<Event> events = {Impression("imp-1"), Impression("imp-2")};
  std::vector<LedgerEntry> entries = {Entry("imp-1"), Entry("imp-2"), Entry("play-1", LedgerKind::kPlay, 5),
                                      Entry("rev-1", LedgerKind::kReversal, -7)};
  entries[1].payload = "bytes\nwith a newline and \xff";  // opaque to the store
  ASSERT_TRUE(store->AppendWithLedger(events, entries, Durability::kFsync).ok());

  EXPECT_EQ(store->EventsAfter(0, 10).value(), events);  // eligible sets included
  EXPECT_EQ(store->LedgerCount().value(), 4u);
  std::vector<LedgerRow> rows = AllRows(*store);
  ASSERT_EQ(rows.size(), 4u);
  std::string prev(kLedgerGenesisHash);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].seq, i + 1);
    EXPECT_EQ(rows[i].entry, entries[i]);
    EXPECT_EQ(rows[i].prev_hash, prev);
    EXPECT_EQ(rows[i].hash, LedgerHash(prev, i + 1, entries[i]));
    EXPECT_EQ(rows[i].hash.size(), 64u);
    prev = rows[i].hash;
  }
  ChainVerification v = VerifyOrDie(*store);
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.rows, 4u);
  EXPECT_EQ(v.first_bad, 0u);
  EXPECT_EQ(v.last_hash, rows.back().hash);

  // Pages and scans by seq.
  Result<LedgerPage> page = store->LedgerAfter(1, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->rows.size(), 2u);
  EXPECT_EQ(page->rows[0].seq, 2u);
  EXPECT_EQ(page->last_sequence, 3u);
  Result<LedgerPage> past_end = store->LedgerAfter(4, 2);
  ASSERT_TRUE(past_end.ok());
  EXPECT_TRUE(past_end->rows.empty());
  EXPECT_EQ(past_end->last_sequence, 4u);
  EXPECT_TRUE(store->LedgerAfter(0, 0)->rows.empty());
  EXPECT_TRUE(store->LedgerAfter(std::numeric_limits<uint64_t>::max(), 1)->rows.empty());
  std::vector<uint64_t> scanned;
  size_t pages = 0;
  ASSERT_TRUE(store->ScanLedger(3, [&](std::span<const LedgerRow> rows) {
                     ++pages;
                     for (const LedgerRow& r : rows) scanned.push_back(r.seq);
                   }).ok());
  EXPECT_EQ(scanned, (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(pages, 2u);
  EXPECT_FALSE(store->ScanLedger(0, [](std::span<const LedgerRow>) {}).ok());
}

TEST(LedgerTest, EmptyLedgerVerifiesAtTheGenesisHash) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append(std::vector<Event>{Impression("i")}).ok());  // events alone: no ledger rows
  ChainVerification v = VerifyOrDie(*store);
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.rows, 0u);
  EXPECT_EQ(v.last_hash, kLedgerGenesisHash);
  // Entries alone (a reversal has no event of its own) are a valid append.
  ASSERT_TRUE(store->AppendWithLedger({}, std::vector<LedgerEntry>{Entry("r", LedgerKind::kReversal)},
                                      Durability::kProcess).ok());
  EXPECT_EQ(store->LedgerCount().value(), 1u);
  EXPECT_EQ(store->Count().value(), 1u);
}

// LedgerHash's text is the formula's byte for byte at the integers' edges
// (a negative time, the largest seq) and with a payload holding newlines.
TEST(LedgerTest, HashTextMatchesTheFormulaAtTheEdges) {
  const std::string prev(64, 'a');
  for (const auto& [seq, entry] : std::vector<std::pair<uint64_t, LedgerEntry>>{
           {1, {LedgerKind::kImpression, "imp-1", -86'400, "{}"}},
           {std::numeric_limits<uint64_t>::max(), {LedgerKind::kReversal, "rev", std::numeric_limits<int64_t>::min(), "a\nb\n"}},
           {42, {LedgerKind::kPlay, "p", 0, ""}}}) {
    const std::string text = prev + "\n" + std::to_string(seq) + "\n" + std::to_string(static_cast<int>(entry.kind)) +
                             "\n" + entry.entry_id + "\n" + std::to_string(entry.time) + "\n" + entry.payload;
    EXPECT_EQ(LedgerHash(prev, seq, entry), Sha256Hex(text)) << seq;
  }
}

// Row 1's hash, computed here from the formula in store/ledger.h without
// LedgerHash: the stored chain is what the header says, byte for byte.
TEST(LedgerTest, RowOneHashIsTheDocumentedFormula) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  LedgerEntry entry{LedgerKind::kPlay, "play-42", 1'700'000'123, R"({"title":"t","seconds":600})"};
  ASSERT_TRUE(store->AppendWithLedger({}, std::vector<LedgerEntry>{entry}, Durability::kFsync).ok());
  const std::string text = std::string(64, '0') + "\n1\n1\nplay-42\n1700000123\n" + R"({"title":"t","seconds":600})";
  std::vector<LedgerRow> rows = AllRows(*store);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].hash, Sha256Hex(text));
  EXPECT_EQ(rows[0].prev_hash, std::string(64, '0'));
  EXPECT_EQ(LedgerHash(kLedgerGenesisHash, 1, entry), Sha256Hex(text));
  // Any SQLite client sees the same.
  EXPECT_EQ(RawQuery(dir.File("events.db"), "SELECT hash FROM ledger WHERE seq = 1"), Sha256Hex(text));
}

TEST(LedgerTest, ValidationNamesTheEntry) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  std::vector<LedgerEntry> entries = {Entry("a"), Entry("")};
  Status s = store->AppendWithLedger(std::vector<Event>{Impression("a")}, entries, Durability::kFsync);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "entry_id");
  EXPECT_EQ(s.message(), "ledger entry 1: entry_id: expected a non-empty id, found an empty string");
  entries[1] = Entry("b", static_cast<LedgerKind>(7));
  s = store->AppendWithLedger({}, entries, Durability::kFsync);
  EXPECT_EQ(s.field(), "kind");
  EXPECT_EQ(s.message(), "ledger entry 1: kind: expected impression, play or reversal, found 7");
  EXPECT_EQ(store->Count().value(), 0u);
  EXPECT_EQ(store->LedgerCount().value(), 0u);
}

// An invalid event rejects the batch's entries too; the chain is where it
// was, and the next append continues it.
TEST(LedgerTest, InvalidEventStoresNoLedgerRow) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->AppendWithLedger(std::vector<Event>{Impression("i1")}, std::vector<LedgerEntry>{Entry("i1")},
                                      Durability::kFsync).ok());
  const std::string before = VerifyOrDie(*store).last_hash;

  std::vector<Event> bad = {Impression("i2"), Impression("i3")};
  bad[1].artwork_id = "not-eligible";
  Status s = store->AppendWithLedger(bad, std::vector<LedgerEntry>{Entry("i2"), Entry("i3")}, Durability::kFsync);
  EXPECT_EQ(s.field(), "eligible") << s.ToString();
  EXPECT_EQ(s.message().rfind("event 1: eligible: ", 0), 0u) << s.message();
  EXPECT_EQ(store->Count().value(), 1u);
  EXPECT_EQ(store->LedgerCount().value(), 1u);
  EXPECT_EQ(VerifyOrDie(*store).last_hash, before);

  ASSERT_TRUE(store->AppendWithLedger(std::vector<Event>{Impression("i2")}, std::vector<LedgerEntry>{Entry("i2")},
                                      Durability::kFsync).ok());
  std::vector<LedgerRow> rows = AllRows(*store);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].seq, 2u);
  EXPECT_EQ(rows[1].prev_hash, before);
  EXPECT_TRUE(VerifyOrDie(*store).ok);
}

// A transaction that fails inside SQLite, after some of its ledger rows were
// inserted (a trigger refuses the second): nothing of it is stored, and the
// writer's cached chain tip is restored, so the next row is seq 1 again.
TEST(LedgerTest, FailedCommitRestoresTheChainTip) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  RawExec(path,
          "CREATE TRIGGER refuse_boom BEFORE INSERT ON ledger WHEN NEW.entry_id = 'boom' "
          "BEGIN SELECT RAISE(ABORT, 'boom refused'); END");
  Status s = store->AppendWithLedger(std::vector<Event>{Impression("ok")},
                                     std::vector<LedgerEntry>{Entry("ok"), Entry("boom")}, Durability::kFsync);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("boom refused"), std::string::npos) << s.ToString();
  EXPECT_EQ(store->Count().value(), 0u);
  EXPECT_EQ(store->LedgerCount().value(), 0u);

  RawExec(path, "DROP TRIGGER refuse_boom");
  ASSERT_TRUE(store->AppendWithLedger(std::vector<Event>{Impression("ok")}, std::vector<LedgerEntry>{Entry("ok")},
                                      Durability::kFsync).ok());
  std::vector<LedgerRow> rows = AllRows(*store);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].seq, 1u);
  EXPECT_EQ(rows[0].prev_hash, kLedgerGenesisHash);
  EXPECT_TRUE(VerifyOrDie(*store).ok);
}

TEST(LedgerTest, DuplicateEntryIdsAreSkipped) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->AppendWithLedger({}, std::vector<LedgerEntry>{Entry("a"), Entry("b")}, Durability::kFsync).ok());
  // Resent: "a" again (with another payload: the first one stays), and "c".
  LedgerEntry resent = Entry("a");
  resent.payload = "{}";
  ASSERT_TRUE(store->AppendWithLedger(std::vector<Event>{Impression("x")}, std::vector<LedgerEntry>{resent, Entry("c")},
                                      Durability::kFsync).ok());
  // Repeated within one append.
  ASSERT_TRUE(store->AppendWithLedger({}, std::vector<LedgerEntry>{Entry("d"), Entry("d"), Entry("e"), Entry("b")},
                                      Durability::kProcess).ok());
  EXPECT_EQ(EntryIds(*store), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(AllRows(*store)[0].entry, Entry("a"));
  EXPECT_EQ(store->LedgerCount().value(), 5u);
  EXPECT_EQ(store->Count().value(), 1u);  // events are not deduplicated: only entries are
  ChainVerification v = VerifyOrDie(*store);
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.rows, 5u);
  // Only duplicates: nothing new, and the chain does not move.
  ASSERT_TRUE(store->AppendWithLedger({}, std::vector<LedgerEntry>{Entry("a"), Entry("e")}, Durability::kFsync).ok());
  EXPECT_EQ(VerifyOrDie(*store).last_hash, v.last_hash);
}

// Threads append at once (so groups commit many callers' entries together),
// some ids shared between threads: every distinct id is stored once, and
// the chain verifies.
TEST(LedgerTest, ConcurrentAppendsKeepOneChain) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 8;
  constexpr int kAppends = 60;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        const std::string own = "t" + std::to_string(t) + "-" + std::to_string(i);
        std::vector<Event> events = {Impression(own)};
        std::vector<LedgerEntry> entries = {Entry(own), Entry("shared-" + std::to_string(i % 10))};
        const Durability level = i % 2 ? Durability::kProcess : Durability::kFsync;
        if (!store->AppendWithLedger(events, entries, level).ok()) failures++;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store->Count().value(), uint64_t{kThreads * kAppends});
  EXPECT_EQ(store->LedgerCount().value(), uint64_t{kThreads * kAppends + 10});
  std::vector<std::string> ids = EntryIds(*store);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  ChainVerification v = VerifyOrDie(*store);
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.rows, uint64_t{kThreads * kAppends + 10});
}

TEST(LedgerTest, ReopenContinuesTheChain) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  std::string tip;
  {
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->AppendWithLedger({}, std::vector<LedgerEntry>{Entry("a"), Entry("b")}, Durability::kFsync).ok());
    tip = AllRows(*store).back().hash;
  }
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->AppendWithLedger({}, std::vector<LedgerEntry>{Entry("b"), Entry("c")}, Durability::kFsync).ok());
  std::vector<LedgerRow> rows = AllRows(*store);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].seq, 3u);
  EXPECT_EQ(rows[2].prev_hash, tip);
  EXPECT_TRUE(VerifyOrDie(*store).ok);
}

// A store with rows 1..5, closed, then `tamper` run on its file; returns the
// verification of the reopened store.
ChainVerification VerifyAfter(const std::string& tamper) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  {
    auto store = OpenOrDie(path);
    std::vector<LedgerEntry> entries;
    for (int i = 1; i <= 5; ++i) entries.push_back(Entry("e" + std::to_string(i)));
    EXPECT_TRUE(store->AppendWithLedger({}, entries, Durability::kFsync).ok());
    EXPECT_TRUE(VerifyOrDie(*store).ok);
  }
  RawExec(path, tamper);
  auto store = OpenOrDie(path);
  return store ? VerifyOrDie(*store) : ChainVerification{};
}

TEST(LedgerTest, TamperedPayloadIsFound) {
  ChainVerification v = VerifyAfter(R"(UPDATE ledger SET payload = '{"entry":"e3","n":2}' WHERE seq = 3)");
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad, 3u);
  EXPECT_EQ(v.problem, "row 3: hash does not match its fields");
  EXPECT_EQ(v.rows, 3u);
}

TEST(LedgerTest, TamperedTimeOrIdIsFound) {
  ChainVerification time = VerifyAfter("UPDATE ledger SET time = time + 1 WHERE seq = 2");
  EXPECT_FALSE(time.ok);
  EXPECT_EQ(time.first_bad, 2u);
  ChainVerification id = VerifyAfter("UPDATE ledger SET entry_id = 'e9' WHERE seq = 5");
  EXPECT_FALSE(id.ok);
  EXPECT_EQ(id.first_bad, 5u);
  ChainVerification kind = VerifyAfter("UPDATE ledger SET kind = 1 WHERE seq = 1");
  EXPECT_FALSE(kind.ok);
  EXPECT_EQ(kind.first_bad, 1u);
}

TEST(LedgerTest, DeletedRowIsFound) {
  ChainVerification v = VerifyAfter("DELETE FROM ledger WHERE seq = 3");
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad, 3u);  // the missing one
  EXPECT_EQ(v.problem, "row 4 follows row 2: a row is missing");
  ChainVerification first = VerifyAfter("DELETE FROM ledger WHERE seq = 1");
  EXPECT_FALSE(first.ok);
  EXPECT_EQ(first.first_bad, 1u);
  EXPECT_EQ(first.problem, "row 2 is the first row: a row is missing");
}

TEST(LedgerTest, SwappedPayloadsAreFound) {
  ChainVerification v = VerifyAfter(
      "UPDATE ledger SET payload = CASE seq WHEN 2 THEN (SELECT payload FROM ledger WHERE seq = 4) "
      "ELSE (SELECT payload FROM ledger WHERE seq = 2) END WHERE seq IN (2, 4)");
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad, 2u);
  EXPECT_EQ(v.problem, "row 2: hash does not match its fields");
}

// Rewriting a row together with its own hash moves the break to the next row.
TEST(LedgerTest, RehashedRowBreaksTheNextLink) {
  const std::string forged = Sha256Hex("forged");
  ChainVerification v = VerifyAfter("UPDATE ledger SET hash = '" + forged + "' WHERE seq = 3");
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad, 3u);  // its hash no longer matches its fields
  // A forger who also recomputes row 3's hash properly is caught at row 4.
  TempDir dir;
  const std::string path = dir.File("events.db");
  {
    auto store = OpenOrDie(path);
    std::vector<LedgerEntry> entries = {Entry("e1"), Entry("e2"), Entry("e3"), Entry("e4")};
    ASSERT_TRUE(store->AppendWithLedger({}, entries, Durability::kFsync).ok());
    std::vector<LedgerRow> rows = AllRows(*store);
    LedgerEntry changed = rows[2].entry;
    changed.payload = "{}";
    RawExec(path, "UPDATE ledger SET payload = '{}', hash = '" + LedgerHash(rows[2].prev_hash, 3, changed) +
                      "' WHERE seq = 3");
  }
  auto store = OpenOrDie(path);
  ChainVerification rehashed = VerifyOrDie(*store);
  EXPECT_FALSE(rehashed.ok);
  EXPECT_EQ(rehashed.first_bad, 4u);
  EXPECT_EQ(rehashed.problem, "row 4: prev_hash is not row 3's hash");
}

TEST(LedgerTest, UnknownKindIsACorruptionNamingTheRow) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->AppendWithLedger({}, std::vector<LedgerEntry>{Entry("a"), Entry("b")}, Durability::kFsync).ok());
  RawExec(path, "UPDATE ledger SET kind = 9 WHERE seq = 2");
  Result<ChainVerification> v = store->VerifyLedgerChain();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Status::Code::kCorruption);
  EXPECT_EQ(v.status().message(), path + ": ledger row 2: kind 9 is not known");
}

// A backend without a ledger: EventStore's defaults.
class EventsOnlyStore final : public EventStore {
 public:
  using EventStore::Append;
  Status Append(std::span<const Event> events, Durability) override {
    appended += events.size();
    return Status::OK();
  }
  Result<std::vector<Event>> MemberEvents(std::string_view) const override { return std::vector<Event>{}; }
  Result<EventPage> PageAfter(uint64_t after, size_t) const override { return EventPage{{}, after}; }
  Result<uint64_t> Count() const override { return appended; }
  Result<uint64_t> LastSequence() const override { return appended; }
  uint64_t appended = 0;
};

TEST(LedgerTest, BackendsWithoutALedgerSaySo) {
  EventsOnlyStore store;
  std::vector<Event> events = {Impression("i")};
  EXPECT_TRUE(store.AppendWithLedger(events, {}, Durability::kFsync).ok());  // no entries: a plain Append
  EXPECT_EQ(store.appended, 1u);
  Status s = store.AppendWithLedger(events, std::vector<LedgerEntry>{Entry("i")}, Durability::kFsync);
  EXPECT_EQ(s.code(), Status::Code::kUnsupported);
  EXPECT_EQ(store.appended, 1u);
  EXPECT_EQ(store.LedgerCount().value(), 0u);
  EXPECT_EQ(store.LedgerAfter(0, 10).status().code(), Status::Code::kUnsupported);
  EXPECT_EQ(store.VerifyLedgerChain().status().code(), Status::Code::kUnsupported);
  EXPECT_EQ(store.ScanLedger(10, [](std::span<const LedgerRow>) {}).code(), Status::Code::kUnsupported);
}

// The tables of a version 1 store, exactly as that build created them.
constexpr const char* kVersion1Schema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, kind INTEGER, member TEXT, "
    "title TEXT, time INTEGER, watch_fraction REAL, rating REAL, artwork TEXT, propensity REAL, "
    "impression_id TEXT);"
    "CREATE INDEX IF NOT EXISTS events_member_seq ON events(member, seq);"
    "INSERT INTO meta(key, value) VALUES ('schema_version', 1);";

TEST(LedgerTest, UpgradesAVersion1Store) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  RawExec(path, std::string(kVersion1Schema) +
                    "INSERT INTO events(kind, member, title, time, artwork, propensity, impression_id) "
                    "VALUES (2, 'm', 't', 5, 'a', 0.5, 'old-imp');");
  {
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    std::vector<Event> old = store->EventsAfter(0, 10).value();
    ASSERT_EQ(old.size(), 1u);
    EXPECT_EQ(old[0].impression_id, "old-imp");
    EXPECT_TRUE(old[0].eligible_artwork_ids.empty());
    EXPECT_FALSE(old[0].placement.has_value());
    EXPECT_EQ(store->LedgerCount().value(), 0u);
    ASSERT_TRUE(store->AppendWithLedger(std::vector<Event>{Impression("new-imp")},
                                        std::vector<LedgerEntry>{Entry("new-imp")}, Durability::kFsync).ok());
    EXPECT_EQ(store->EventsAfter(1, 10).value(), std::vector<Event>{Impression("new-imp")});
    EXPECT_TRUE(VerifyOrDie(*store).ok);
  }
  // Both upgrades, 1 -> 2 and 2 -> 3.
  EXPECT_EQ(RawQuery(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "5");
  EXPECT_EQ(RawQuery(path, "SELECT quote(page_id) FROM events WHERE seq = 1"), "NULL");
  EXPECT_EQ(RawQuery(path, "SELECT eligible FROM events WHERE seq = 2"), R"(["a1","a2","a3"])");
  EXPECT_EQ(RawQuery(path, "SELECT quote(eligible) FROM events WHERE seq = 1"), "NULL");
  // Reopening the upgraded store changes nothing.
  auto again = OpenOrDie(path);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->Count().value(), 2u);
  EXPECT_EQ(again->LedgerCount().value(), 1u);
}

TEST(LedgerTest, RefusesAVersion1StoreOfAnotherShape) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  RawExec(path,
          "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
          "CREATE TABLE events(seq INTEGER PRIMARY KEY, kind INTEGER);"
          "INSERT INTO meta(key, value) VALUES ('schema_version', 1);");
  auto store = EventStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kCorruption);
  EXPECT_NE(store.status().message().find("table events has columns (seq INTEGER, kind INTEGER)"),
            std::string::npos)
      << store.status().ToString();
  // Left as it was: still version 1, no ledger.
  EXPECT_EQ(RawQuery(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "1");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM sqlite_master WHERE name = 'ledger'"), "0");
}

// The tables of a version 2 store, exactly as that build created them.
constexpr const char* kVersion2Schema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, kind INTEGER, member TEXT, "
    "title TEXT, time INTEGER, watch_fraction REAL, rating REAL, artwork TEXT, propensity REAL, "
    "impression_id TEXT, eligible TEXT);"
    "CREATE INDEX IF NOT EXISTS events_member_seq ON events(member, seq);"
    "CREATE TABLE IF NOT EXISTS ledger(seq INTEGER PRIMARY KEY, kind INTEGER, entry_id TEXT UNIQUE, "
    "time INTEGER, payload TEXT, prev_hash TEXT, hash TEXT);"
    "INSERT INTO meta(key, value) VALUES ('schema_version', 2);";

// Version 2 -> 3 adds the page placement of impressions (issue 13). Here in
// the ledger's tests because a version 2 store has a ledger, whose chain
// must come through the upgrade unchanged.
TEST(LedgerTest, UpgradesAVersion2Store) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  Event old_play;
  old_play.kind = EventKind::kPlay;
  old_play.member_id = "m";
  old_play.title_id = "t";
  old_play.time = 4;
  old_play.watch_fraction = 0.5f;
  // The old impression's ledger row, chained from the genesis hash as a
  // version 2 build wrote it.
  const LedgerEntry old_entry = Entry("old-imp");
  RawExec(path,
          std::string(kVersion2Schema) +
              "INSERT INTO events(kind, member, title, time, watch_fraction) VALUES (0, 'm', 't', 4, 0.5);"
              "INSERT INTO events(kind, member, title, time, artwork, propensity, impression_id, eligible) "
              "VALUES (2, 'm', 't', 1700000000, 'a2', 0.5, 'old-imp', '[\"a1\",\"a2\",\"a3\"]');" +
              fmt::format("INSERT INTO ledger(seq, kind, entry_id, time, payload, prev_hash, hash) "
                          "VALUES (1, 0, 'old-imp', {}, '{}', '{}', '{}');",
                          old_entry.time, old_entry.payload, kLedgerGenesisHash,
                          LedgerHash(kLedgerGenesisHash, 1, old_entry)));

  Event placed = Impression("new-imp");
  placed.placement = PagePlacement{"page-1", "genre:Thriller", 2, 5};
  {
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    std::vector<Event> old = store->EventsAfter(0, 10).value();
    ASSERT_EQ(old.size(), 2u);
    EXPECT_EQ(old[0], old_play);
    EXPECT_EQ(old[1], Impression("old-imp"));  // eligible kept, placement absent
    EXPECT_FALSE(old[1].placement.has_value());
    const Status appended = store->AppendWithLedger(
        std::vector<Event>{placed}, std::vector<LedgerEntry>{Entry("new-imp")}, Durability::kFsync);
    ASSERT_TRUE(appended.ok()) << appended.ToString();
    EXPECT_EQ(store->EventsAfter(2, 10).value(), std::vector<Event>{placed});
    EXPECT_EQ(store->MemberEvents("m").value(),
              (std::vector<Event>{old_play, Impression("old-imp"), placed}));
    EXPECT_EQ(store->LedgerCount().value(), 2u);
    EXPECT_TRUE(VerifyOrDie(*store).ok);
  }
  EXPECT_EQ(RawQuery(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "5");
  EXPECT_EQ(RawQuery(path,
                     "SELECT quote(page_id) || quote(row_id) || quote(row_position) || "
                     "quote(column_position) FROM events WHERE seq = 2"),
            "NULLNULLNULLNULL");
  EXPECT_EQ(RawQuery(path,
                     "SELECT page_id || '|' || row_id || '|' || row_position || '|' || column_position "
                     "FROM events WHERE seq = 3"),
            "page-1|genre:Thriller|2|5");
  // Reopening the upgraded store changes nothing.
  auto again = OpenOrDie(path);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->EventsAfter(0, 10).value(), (std::vector<Event>{old_play, Impression("old-imp"), placed}));
}

TEST(LedgerTest, RefusesAVersion2StoreOfAnotherShape) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  RawExec(path,
          "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
          "CREATE TABLE events(seq INTEGER PRIMARY KEY, kind INTEGER, member TEXT, title TEXT, time INTEGER, "
          "watch_fraction REAL, rating REAL, artwork TEXT, propensity REAL, impression_id TEXT);"
          "INSERT INTO meta(key, value) VALUES ('schema_version', 2);");
  auto store = EventStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kCorruption);
  EXPECT_NE(store.status().message().find("table events has columns (seq INTEGER, kind INTEGER, member TEXT"),
            std::string::npos)
      << store.status().ToString();
  // Left as it was: still version 2, no placement columns, no ledger.
  EXPECT_EQ(RawQuery(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "2");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM pragma_table_info('events') WHERE name = 'page_id'"), "0");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM sqlite_master WHERE name = 'ledger'"), "0");
}

TEST(LedgerTest, RefusesALedgerTableOfAnotherShape) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  RawExec(path, "CREATE TABLE ledger(id INTEGER PRIMARY KEY, note TEXT)");
  auto store = EventStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kCorruption);
  EXPECT_NE(store.status().message().find("table ledger has columns (id INTEGER, note TEXT)"), std::string::npos)
      << store.status().ToString();
}

// Schema version 4 (issue 14): exposures and interleaved impressions keep
// their experiment tag; a version 3 store is upgraded in place and its rows
// read back without one.
TEST(LedgerTest, ExperimentTagsRoundTripAndAVersion3StoreUpgrades) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->Append(std::vector<Event>{Impression("i0", 10)}).ok());
  }
  // The store as version 3 wrote it.
  RawExec(path,
          "DROP INDEX events_exposures; DROP TABLE experiments; "
          "ALTER TABLE events DROP COLUMN team; ALTER TABLE events DROP COLUMN cell; "
          "ALTER TABLE events DROP COLUMN experiment; UPDATE meta SET value = 3 WHERE key = 'schema_version'");
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RawQuery(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "5");
  EXPECT_TRUE(store->Experiments().ok());
  Event exposure;
  exposure.kind = EventKind::kExposure;
  exposure.member_id = "m";
  exposure.time = 20;
  exposure.experiment = ExperimentTag{"homepage-ease", "ease", ""};
  Event interleaved = Impression("i1", 21);
  interleaved.experiment = ExperimentTag{"ials-vs-ease", "", "b"};
  ASSERT_TRUE(store->Append(std::vector<Event>{exposure, interleaved}).ok());
  Result<std::vector<Event>> events = store->MemberEvents("m");
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 3u);
  EXPECT_FALSE((*events)[0].experiment.has_value());
  EXPECT_EQ((*events)[1], exposure);
  EXPECT_EQ((*events)[2], interleaved);
  // An exposure must say its experiment and cell.
  exposure.experiment->cell.clear();
  EXPECT_EQ(store->Append(std::vector<Event>{exposure}).message(), "event 0: experiment.cell: expected the member's cell, found an empty string");
}

}  // namespace
}  // namespace marquee
