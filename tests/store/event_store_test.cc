#include "marquee/store/event_store.h"
#include "marquee/store/title_log.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <chrono>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "../test_util.h"

namespace marquee {
namespace {

using test::TempDir;

Event Play(std::string member, std::string title, int64_t time) {
  Event e;
  e.kind = EventKind::kPlay;
  e.member_id = std::move(member);
  e.title_id = std::move(title);
  e.time = time;
  return e;
}

std::unique_ptr<EventStore> OpenOrDie(const std::string& path, EventStoreOptions options = {}) {
  auto store = EventStore::Open(path, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::vector<Event> AllEvents(const EventStore& store) {
  auto events = store.EventsAfter(0, std::numeric_limits<size_t>::max());
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  return events.ok() ? std::move(events).value() : std::vector<Event>{};
}

// Runs SQL on a store's file behind its back, to build files it must refuse.
void RawExec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST(EventStoreTest, KindNamesRoundTrip) {
  for (EventKind kind : {EventKind::kPlay, EventKind::kRating, EventKind::kImpression, EventKind::kClick}) {
    EXPECT_EQ(ParseEventKind(EventKindName(kind)).value(), kind);
  }
  EXPECT_EQ(EventKindName(EventKind::kImpression), "impression");
  EXPECT_FALSE(ParseEventKind("Play").ok());
  EXPECT_FALSE(ParseEventKind("").ok());
}

TEST(EventStoreTest, RoundTripsEveryField) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);

  Event full;
  full.kind = EventKind::kImpression;
  full.member_id = "m\xc3\xa9mber 1";  // non-ASCII survives
  full.title_id = "title-42";
  full.time = -5'000'000'000;  // before 1970 and beyond 32 bits
  full.watch_fraction = 0.1f;
  full.rating = -3.25f;
  full.artwork_id = "art-7";
  full.propensity = 0.123456789012345;
  full.impression_id = "imp-9";
  full.eligible_artwork_ids = {"art-7", "art-\"8\"", "art-\xc3\xa9"};  // quotes and non-ASCII survive the JSON column
  full.placement =
      PagePlacement{"page-\xc3\xa9", "genre:Thriller", 4294967295u, 0};  // the widest row survives

  Event placed = full;  // a second page position: row 0, a later column
  placed.member_id = "m5";
  placed.placement = PagePlacement{"page-2", "top_picks", 0, 11};

  Event bare = Play("m2", "t2", 1'700'000'000);  // optionals absent, empty strings

  Event rating = Play("m3", "t3", 0);
  rating.kind = EventKind::kRating;
  rating.rating = 4.5f;

  Event click = Play("m4", "t4", std::numeric_limits<int64_t>::max());
  click.kind = EventKind::kClick;
  click.watch_fraction = 1.0f;
  click.propensity = 1.0;

  std::vector<Event> events = {full, bare, rating, click, placed};
  ASSERT_TRUE(store->Append(events).ok());

  EXPECT_EQ(AllEvents(*store), events);
  EXPECT_EQ(store->Count().value(), 5u);
  EXPECT_EQ(store->LastSequence().value(), 5u);
  // Every read path returns the placement: by member as well as by page.
  EXPECT_EQ(store->MemberEvents("m5").value(), std::vector<Event>{placed});
  EXPECT_EQ(store->EventsAfter(4, 1).value(), std::vector<Event>{placed});
  auto bare_back = store->MemberEvents("m2");
  ASSERT_TRUE(bare_back.ok());
  ASSERT_EQ(bare_back->size(), 1u);
  EXPECT_FALSE((*bare_back)[0].watch_fraction.has_value());
  EXPECT_FALSE((*bare_back)[0].propensity.has_value());
  EXPECT_FALSE((*bare_back)[0].placement.has_value());
  EXPECT_EQ((*bare_back)[0].artwork_id, "");
}

// A store whose table vanished behind its back (another connection dropped
// it): the counts must say they could not be read rather than report 0.
TEST(EventStoreTest, CountAndLastSequenceReportReadFailures) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append(std::vector<Event>{Play("m", "t", 1)}).ok());
  ASSERT_EQ(store->Count().value(), 1u);
  RawExec(path, "DROP TABLE events");
  Result<uint64_t> count = store->Count();
  ASSERT_FALSE(count.ok());
  EXPECT_NE(count.status().message().find("events"), std::string::npos) << count.status().ToString();
  Result<uint64_t> last = store->LastSequence();
  ASSERT_FALSE(last.ok());
  EXPECT_NE(last.status().message().find(path), std::string::npos) << last.status().ToString();
}

// Reads run on a pool of connections while a writer appends: every read sees
// a prefix of what was appended, in order, whatever the pool size (1: every
// read takes turns; 3: more readers than connections wait for one).
TEST(EventStoreTest, ConcurrentReadersSeeConsistentPrefixesWhileAppending) {
  for (size_t readers : {size_t{1}, size_t{3}}) {
    TempDir dir;
    auto store = OpenOrDie(dir.File("events.db"), {.max_readers = readers});
    ASSERT_NE(store, nullptr);
    constexpr int kEvents = 300;
    std::atomic<bool> failed{false};
    std::thread writer([&] {
      for (int i = 0; i < kEvents; ++i) {
        std::vector<Event> batch = {Play("m", "t" + std::to_string(i), i)};
        if (!store->Append(batch, Durability::kProcess).ok()) failed = true;
      }
    });
    std::vector<std::thread> threads;
    for (int r = 0; r < 6; ++r) {
      threads.emplace_back([&] {
        uint64_t last_count = 0;
        for (int round = 0; round < 60 && !failed; ++round) {
          Result<std::vector<Event>> events = store->MemberEvents("m");
          Result<uint64_t> count = store->Count();
          if (!events.ok() || !count.ok()) {
            failed = true;
            return;
          }
          for (size_t i = 0; i < events->size(); ++i) {
            if ((*events)[i].title_id != "t" + std::to_string(i)) failed = true;  // a gap or reordering
          }
          if (*count < last_count) failed = true;  // counts never go back
          last_count = *count;
        }
      });
    }
    writer.join();
    for (std::thread& t : threads) t.join();
    EXPECT_FALSE(failed) << readers << " readers";
    EXPECT_EQ(store->Count().value(), uint64_t{kEvents});
    EXPECT_EQ(store->MemberEvents("m").value().size(), size_t{kEvents});
  }
}

TEST(EventStoreTest, EmptyStoreAndEmptyAppend) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Append({}).ok());
  EXPECT_EQ(store->Count().value(), 0u);
  EXPECT_EQ(store->LastSequence().value(), 0u);
  auto none = store->MemberEvents("nobody");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(AllEvents(*store).empty());
}

TEST(EventStoreTest, ReadsInAppendOrder) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  // Times deliberately out of order: order is the order of appending.
  for (int i = 0; i < 10; ++i) {
    std::vector<Event> batch = {Play(i % 2 ? "odd" : "even", "t" + std::to_string(i), 100 - i)};
    ASSERT_TRUE(store->Append(batch).ok());
  }
  auto odd = store->MemberEvents("odd");
  ASSERT_TRUE(odd.ok());
  ASSERT_EQ(odd->size(), 5u);
  for (int k = 0; k < 5; ++k) EXPECT_EQ((*odd)[k].title_id, "t" + std::to_string(2 * k + 1));

  auto after = store->EventsAfter(3, 4);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 4u);
  EXPECT_EQ((*after)[0].title_id, "t3");  // sequence numbers start at 1
  EXPECT_EQ((*after)[3].title_id, "t6");
  EXPECT_TRUE(store->EventsAfter(10, 5)->empty());
  EXPECT_TRUE(store->EventsAfter(0, 0)->empty());
  EXPECT_EQ(store->EventsAfter(std::numeric_limits<uint64_t>::max(), 1)->size(), 0u);
  EXPECT_EQ(store->LastSequence().value(), 10u);

  // Paging by sequence number visits every event once, in order.
  std::vector<std::string> paged;
  uint64_t cursor = 0;
  for (int pages = 0; pages < 10; ++pages) {
    Result<EventPage> page = store->PageAfter(cursor, 3);
    ASSERT_TRUE(page.ok());
    if (page->events.empty()) {
      EXPECT_EQ(page->last_sequence, cursor);
      break;
    }
    for (const Event& e : page->events) paged.push_back(e.title_id);
    EXPECT_EQ(page->last_sequence, cursor + page->events.size());
    cursor = page->last_sequence;
  }
  ASSERT_EQ(paged.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(paged[i], "t" + std::to_string(i));
  std::vector<std::string> scanned;
  size_t pages = 0;
  ASSERT_TRUE(store->Scan(4, [&](std::span<const Event> page) {
                     ++pages;
                     for (const Event& e : page) scanned.push_back(e.title_id);
                   }).ok());
  EXPECT_EQ(scanned, paged);
  EXPECT_EQ(pages, 3u);  // 4 + 4 + 2
}

TEST(EventStoreTest, ValidationNamesEventIndexAndField) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  std::vector<Event> batch(5, Play("m", "t", 1));
  batch[3].watch_fraction = 1.5f;
  Status s = store->Append(batch);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "event 3: watch_fraction: expected a number in (0, 1], found 1.5");

  batch[3] = Play("", "t", 1);
  EXPECT_EQ(store->Append(batch).message(), "event 3: member: expected a member id, found an empty string");
  batch[3] = Play("m", "", 1);
  EXPECT_EQ(store->Append(batch).message(), "event 3: title: expected a title id, found an empty string");

  batch[3] = Play("m", "t", 1);
  batch[0].propensity = 0.0;
  EXPECT_EQ(store->Append(batch).message(), "event 0: propensity: expected a number in (0, 1], found 0");
  batch[0] = Play("m", "t", 1);
  batch[4].rating = std::nanf("");
  EXPECT_EQ(store->Append(batch).message(), "event 4: rating: expected a finite number, found nan");
  batch[4] = Play("m", "t", 1);
  batch[4].kind = EventKind::kRating;
  EXPECT_EQ(store->Append(batch).message(), "event 4: rating: expected a value for a rating event, found none");
  batch[4] = Play("m", "t", 1);
  batch[2].kind = static_cast<EventKind>(9);
  EXPECT_EQ(store->Append(batch).message(),
            "event 2: kind: expected play, rating, impression, click or exposure, found 9");
  batch[2].watch_fraction = std::nanf("");
  batch[2].kind = EventKind::kPlay;
  EXPECT_FALSE(store->Append(batch).ok());  // NaN is not in (0, 1]

  EXPECT_EQ(store->Count().value(), 0u);  // nothing of any rejected batch was stored
}

TEST(EventStoreTest, InvalidEventRejectsWholeBatch) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  std::vector<Event> good = {Play("a", "x", 1), Play("b", "y", 2)};
  ASSERT_TRUE(store->Append(good).ok());
  std::vector<Event> mixed = {Play("a", "z", 3), Play("b", "w", 4), Play("c", "v", 5)};
  mixed[2].propensity = 2.0;
  EXPECT_FALSE(store->Append(mixed).ok());
  EXPECT_EQ(AllEvents(*store), good);
}

TEST(EventStoreTest, ConcurrentAppendsStoredOnceInPerThreadOrder) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  std::atomic<int> failures{0};
  std::atomic<bool> writing{true};
  std::atomic<int> non_monotonic_reads{0};

  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      int i = 0;
      while (i < kPerThread) {
        // Batches of 1..4 events, so groups mix batch sizes.
        std::vector<Event> batch;
        for (int k = 0; k <= (i + t) % 4 && i < kPerThread; ++k, ++i) {
          batch.push_back(Play("member-" + std::to_string(t), std::to_string(i), i));
        }
        if (!store->Append(batch).ok()) failures++;
      }
    });
  }
  // Reads run alongside the writers and must only ever see the count grow.
  std::thread reader([&] {
    uint64_t last = 0;
    while (writing) {
      uint64_t n = store->Count().value();
      if (n < last) non_monotonic_reads++;
      last = n;
    }
  });
  for (auto& w : writers) w.join();
  writing = false;
  reader.join();

  EXPECT_EQ(failures, 0);
  EXPECT_EQ(non_monotonic_reads, 0);
  EXPECT_EQ(store->Count().value(), uint64_t{kThreads * kPerThread});
  EXPECT_EQ(store->LastSequence().value(), uint64_t{kThreads * kPerThread});
  std::vector<int> next(kThreads, 0);
  for (const Event& e : AllEvents(*store)) {
    int t = std::stoi(e.member_id.substr(std::strlen("member-")));
    EXPECT_EQ(e.title_id, std::to_string(next[t])) << "thread " << t;
    next[t]++;
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kPerThread) << "thread " << t;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(store->MemberEvents("member-" + std::to_string(t))->size(), size_t{kPerThread});
  }
}

TEST(EventStoreTest, ReopenKeepsEverything) {
  TempDir dir;
  std::string path = dir.File("events.db");
  std::vector<Event> events;
  for (int i = 0; i < 50; ++i) events.push_back(Play("m" + std::to_string(i % 7), "t" + std::to_string(i), i));
  {
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append(std::span(events).first(20)).ok());
    ASSERT_TRUE(store->Append(std::span(events).subspan(20)).ok());
  }
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(AllEvents(*store), events);
  std::vector<Event> more = {Play("late", "t", 99)};
  ASSERT_TRUE(store->Append(more).ok());
  EXPECT_EQ(store->LastSequence().value(), 51u);
}

// Checkpoints run on the store's own thread once the WAL passes a few
// thousand pages (sqlite_event_store.cc kCheckpointPages), not on the
// appending thread: while the store stays open the database file itself
// grows (nothing would reach it before close without a checkpoint), every
// event stays readable, and a reopened store has them all.
TEST(EventStoreTest, CheckpointsInTheBackgroundWhileOpen) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  const std::string padding(900, 'x');  // ~1 KB an event: 24 MB in all, past the threshold
  uint64_t appended = 0;
  {
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    for (int batch = 0; batch < 24; ++batch) {
      std::vector<Event> events;
      for (int k = 0; k < 1000; ++k) {
        Event e = Play("m" + std::to_string(k % 13), "t" + std::to_string(appended), batch);
        e.title_id += padding;
        events.push_back(std::move(e));
        ++appended;
      }
      ASSERT_TRUE(store->Append(events, Durability::kProcess).ok());
    }
    bool checkpointed = false;
    for (int wait = 0; wait < 200 && !checkpointed; ++wait) {
      checkpointed = std::filesystem::file_size(path) > (8u << 20);
      if (!checkpointed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(checkpointed) << "database file " << std::filesystem::file_size(path) << " bytes";
    EXPECT_EQ(store->Count().value(), appended);
  }
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Count().value(), appended);
  EXPECT_EQ(store->LastSequence().value(), appended);
}

// The child appends batches forever, writing the number of acknowledged
// events to `ack_fd` after each Append returns. It never returns into gtest.
[[noreturn]] void AppendUntilKilled(const std::string& path, Durability durability, int ack_fd) {
  auto store = EventStore::Open(path);
  if (!store.ok()) _exit(2);
  constexpr int kBatch = 5;
  uint64_t acked = 0;
  for (int round = 0; round < 100000; ++round) {
    std::vector<Event> batch;
    for (int k = 0; k < kBatch; ++k) batch.push_back(Play("m", std::to_string(acked + k), round));
    if (!(*store)->Append(batch, durability).ok()) _exit(3);
    acked += kBatch;
    if (write(ack_fd, &acked, sizeof acked) != sizeof acked) _exit(4);
  }
  _exit(0);
}

bool ReadAck(int fd, uint64_t* acked) {
  size_t got = 0;
  auto* bytes = reinterpret_cast<char*>(acked);
  while (got < sizeof *acked) {
    ssize_t n = read(fd, bytes + got, sizeof *acked - got);
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  return true;
}

void CheckSurvivesKill(Durability durability) {
  TempDir dir;
  std::string path = dir.File("events.db");
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    AppendUntilKilled(path, durability, fds[1]);
  }
  close(fds[1]);
  uint64_t acked = 0;
  for (int i = 0; i < 40 && ReadAck(fds[0], &acked); ++i) {
  }
  kill(child, SIGKILL);
  int wstatus = 0;
  waitpid(child, &wstatus, 0);
  // Acks the child sent before it died also count.
  for (uint64_t more; ReadAck(fds[0], &more);) acked = more;
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited with " << WEXITSTATUS(wstatus);
  ASSERT_GE(acked, 40u * 5);

  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  std::vector<Event> stored = AllEvents(*store);
  ASSERT_GE(stored.size(), acked);  // a commit may land before its ack is sent
  for (size_t i = 0; i < stored.size(); ++i) {
    ASSERT_EQ(stored[i].title_id, std::to_string(i)) << "event " << i;
  }
}

TEST(EventStoreTest, AcknowledgedEventsSurviveKillNine) { CheckSurvivesKill(Durability::kFsync); }

// kProcess promises exactly this much: the commit is in the WAL file (the
// OS's page cache) when Append returns, so the process dying loses nothing.
TEST(EventStoreTest, AcknowledgedEventsSurviveKillNineAtProcessDurability) {
  CheckSurvivesKill(Durability::kProcess);
}

TEST(EventStoreTest, RefusesFileThatIsNotADatabase) {
  TempDir dir;
  std::string path = dir.Write("notes.db", std::string(4096, 'x'));
  auto store = EventStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(path), std::string::npos) << store.status().ToString();
  EXPECT_NE(store.status().message().find("not a database"), std::string::npos) << store.status().ToString();
  EXPECT_EQ(test::ReadFile(path), std::string(4096, 'x'));  // left as it was
}

TEST(EventStoreTest, RefusesMissingFolder) {
  TempDir dir;
  std::string path = dir.File("no/such/folder/events.db");
  auto store = EventStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kNotFound);
  EXPECT_NE(store.status().message().find(path), std::string::npos) << store.status().ToString();
  EXPECT_NE(store.status().message().find("does not exist"), std::string::npos);
}

TEST(EventStoreTest, RefusesNewerSchemaVersion) {
  TempDir dir;
  std::string path = dir.File("events.db");
  ASSERT_NE(OpenOrDie(path), nullptr);
  for (int version : {6, 9}) {  // the next version, and one far ahead
    RawExec(path,
            ("UPDATE meta SET value = " + std::to_string(version) + " WHERE key = 'schema_version'").c_str());
    auto store = EventStore::Open(path);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), Status::Code::kUnsupported);
    EXPECT_EQ(store.status().message(), path + ": event store schema version " + std::to_string(version) +
                                            " is newer than this build supports (5)");
  }
}

// A placement half written behind the store's back (a page id without its
// positions, a position out of range) is refused with the row named, not
// read as a position 0.
TEST(EventStoreTest, BrokenPlacementIsACorruptionNamingTheRow) {
  TempDir dir;
  std::string path = dir.File("events.db");
  Event e;
  e.kind = EventKind::kImpression;
  e.member_id = "m";
  e.title_id = "t";
  e.placement = PagePlacement{"p", "r", 1, 2};
  {
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append(std::vector<Event>{e}).ok());
  }
  struct Case {
    const char* sql;
    const char* says;
  };
  for (const Case& c :
       {Case{"UPDATE events SET row_position = NULL", "event 1: row_position is NULL"},
        Case{"UPDATE events SET row_position = 1, column_position = -1", "event 1: column_position is -1"},
        Case{"UPDATE events SET column_position = 4294967296", "column_position is 4294967296"},
        Case{"UPDATE events SET column_position = 2, row_id = NULL", "event 1: row_id is NULL"}}) {
    RawExec(path, c.sql);
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    auto events = store->EventsAfter(0, 10);
    ASSERT_FALSE(events.ok()) << c.sql;
    EXPECT_EQ(events.status().code(), Status::Code::kCorruption);
    EXPECT_NE(events.status().message().find(c.says), std::string::npos) << events.status().ToString();
  }
}

TEST(EventStoreTest, RefusesEventsTableOfAnotherShape) {
  TempDir dir;
  std::string path = dir.File("other.db");
  RawExec(path, "CREATE TABLE events(id INTEGER PRIMARY KEY, name TEXT)");
  auto store = EventStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kCorruption);
  EXPECT_NE(store.status().message().find(path + ": table events has columns (id INTEGER, name TEXT)"),
            std::string::npos)
      << store.status().ToString();
}

}  // namespace
}  // namespace marquee

namespace marquee {
namespace {

TEST(EventStoreExperimentsTest, CreateStopListAndExposureKeys) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  auto record = [](std::string name, uint32_t begin, uint32_t end) {
    return ExperimentRecord{std::move(name), "{\"x\": 1}", begin, end, 100, 0};
  };
  // `place` sees what is stored.
  size_t seen = 99;
  ASSERT_TRUE(store->CreateExperiment([&](std::span<const ExperimentRecord> existing) -> Result<ExperimentRecord> {
                     seen = existing.size();
                     return record("a", 0, 5000);
                   }).ok());
  EXPECT_EQ(seen, 0u);
  ASSERT_TRUE(store->CreateExperiment([&](std::span<const ExperimentRecord> existing) -> Result<ExperimentRecord> {
                     seen = existing.size();
                     return record("b", existing.back().range_end, 10000);
                   }).ok());
  EXPECT_EQ(seen, 1u);
  // A refusal from `place` is returned and nothing is stored; so is a name taken.
  Status refused = store->CreateExperiment(
      [](std::span<const ExperimentRecord>) -> Result<ExperimentRecord> {
        return Status::InvalidField("traffic", "traffic: no room");
      });
  EXPECT_EQ(refused.field(), "traffic");
  Status twice = store->CreateExperiment(
      [&](std::span<const ExperimentRecord>) -> Result<ExperimentRecord> { return record("a", 0, 1); });
  EXPECT_EQ(twice.field(), "name");
  Result<std::vector<ExperimentRecord>> all = store->Experiments();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0], record("a", 0, 5000));
  EXPECT_EQ((*all)[1].range_begin, 5000u);
  // Stopping.
  EXPECT_TRUE(store->StopExperiment("a", 500).ok());
  EXPECT_EQ(store->StopExperiment("a", 600).field(), "name");
  EXPECT_EQ(store->StopExperiment("nope", 600).code(), Status::Code::kNotFound);
  EXPECT_EQ(store->Experiments()->at(0).stopped_at, 500);
  // Exposure keys: the exposures alone.
  Event exposure;
  exposure.kind = EventKind::kExposure;
  exposure.member_id = "m1";
  exposure.time = 5;
  exposure.experiment = ExperimentTag{"a", "control", ""};
  ASSERT_TRUE(store->Append(std::vector<Event>{exposure, Play("m1", "t", 6)}).ok());
  Result<std::vector<std::pair<std::string, std::string>>> keys = store->ExposureKeys();
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(*keys, (std::vector<std::pair<std::string, std::string>>{{"a", "m1"}}));
  // All of it survives reopening.
  store.reset();
  store = OpenOrDie(dir.File("events.db"));
  EXPECT_EQ(store->Experiments()->size(), 2u);
  EXPECT_EQ(store->ExposureKeys()->size(), 1u);
}

// The title log (issue 15 §2, schema version 5): appended all or nothing,
// read back in order after a reopen; a version 4 store is upgraded with an
// empty log.
TEST(EventStoreTest, TitleLogRoundTripsAllOrNothing) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  const std::vector<AddedTitleRecord> first = {{"n1", R"({"title":"n1"})", 100}, {"n2", R"({"title":"n2"})", 100}};
  {
    auto store = OpenOrDie(path);
    EXPECT_TRUE(store->AddedTitles()->empty());
    ASSERT_TRUE(store->AppendAddedTitles(first).ok());
    // n2 again refuses the batch: n3 is not stored either.
    Status again = store->AppendAddedTitles(
        std::vector<AddedTitleRecord>{{"n3", R"({"title":"n3"})", 101}, {"n2", R"({"title":"n2"})", 101}});
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.field(), "title");
    EXPECT_NE(again.message().find("n2"), std::string::npos) << again.ToString();
    EXPECT_EQ(store->AppendAddedTitles(std::vector<AddedTitleRecord>{{"", "{}", 1}}).field(), "title");
  }
  auto store = OpenOrDie(path);
  Result<std::vector<AddedTitleRecord>> log = store->AddedTitles();
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(*log, first);

  // As version 4 wrote it: no title log.
  store.reset();
  RawExec(path, "DROP TABLE added_titles; UPDATE meta SET value = 4 WHERE key = 'schema_version'");
  store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->AddedTitles()->empty());
  ASSERT_TRUE(store->AppendAddedTitles(first).ok());
  EXPECT_EQ(store->AddedTitles()->size(), 2u);
}

// Offline tools read the title log into the dataset they were given.
TEST(EventStoreTest, WithTitleLogGrowsTheDatasetByTheLoggedTitles) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  Dataset dataset;
  dataset.titles.GetOrAdd("t0");
  dataset.catalog.Resize(1);
  dataset.interactions = InteractionMatrix(0, 1, {0}, {}, {}, {});
  Result<Dataset> same = WithTitleLog(dataset, *store, "ev.db");
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->titles.size(), 1u);
  ASSERT_TRUE(store->AppendAddedTitles(std::vector<AddedTitleRecord>{
                      {"n1", R"({"title":"n1","runtime_minutes":110})", 5}}).ok());
  Result<Dataset> grown = WithTitleLog(dataset, *store, "ev.db");
  ASSERT_TRUE(grown.ok()) << grown.status().ToString();
  ASSERT_EQ(grown->titles.Find("n1"), 1u);
  EXPECT_EQ(grown->catalog.titles()[1].runtime_minutes, 110u);
  EXPECT_EQ(grown->interactions.cols(), 2u);
  // A dataset grown offline by the same titles already has them.
  Result<Dataset> twice = WithTitleLog(*grown, *store, "ev.db");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("ev.db: the 1 titles of its title log"), std::string::npos)
      << twice.status().ToString();
}

}  // namespace
}  // namespace marquee
