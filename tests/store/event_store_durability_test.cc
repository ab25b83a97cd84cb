// Durability levels of EventStore::Append. A power cut cannot be tested, but
// the fsync that guards against one can be counted: a VFS over SQLite's
// default one counts the syncs of WAL files, so each test sees which commits
// were fsynced (kFsync) and which were only written (kProcess). That a
// kProcess commit survives kill -9 is event_store_test.cc's
// AcknowledgedEventsSurviveKillNineAtProcessDurability; that the ledger's
// rows commit with their impressions, whenever the process dies, is
// LedgerRowsSurviveKillNineWithTheirImpressions here.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "marquee/store/event_store.h"
#include "../test_util.h"

namespace marquee {
namespace {

using test::TempDir;

// The default VFS with every method forwarded, and xSync on WAL files
// counted. Registered as the default while it lives, so that the store's
// connections (opened with the default VFS) use it; stores must be closed
// before it goes.
class WalSyncCountingVfs {
 public:
  WalSyncCountingVfs() {
    real_ = sqlite3_vfs_find(nullptr);
    vfs_ = *real_;
    vfs_.zName = "marquee-wal-sync-counting";
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
    vfs_.xOpen = &Open;
    vfs_.pNext = nullptr;
    syncs_ = 0;
    EXPECT_EQ(sqlite3_vfs_register(&vfs_, /*makeDflt=*/1), SQLITE_OK);
  }
  ~WalSyncCountingVfs() { sqlite3_vfs_unregister(&vfs_); }
  WalSyncCountingVfs(const WalSyncCountingVfs&) = delete;
  WalSyncCountingVfs& operator=(const WalSyncCountingVfs&) = delete;

  // WAL file syncs since this VFS was registered.
  static int syncs() { return syncs_.load(); }

 private:
  // Our header, then the real VFS's file (szOsFile bytes).
  struct File {
    sqlite3_file base;
    sqlite3_file* real;
    bool wal;
  };
  static sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

  static int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    File* f = reinterpret_cast<File*>(file);
    f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + sizeof(File));
    f->wal = (flags & SQLITE_OPEN_WAL) != 0;
    int rc = real_->xOpen(real_, name, f->real, flags, out_flags);
    // SQLite calls xClose only when pMethods is set.
    f->base.pMethods = f->real->pMethods != nullptr ? &kMethods : nullptr;
    return rc;
  }
  static int Sync(sqlite3_file* f, int flags) {
    if (reinterpret_cast<File*>(f)->wal) ++syncs_;
    return Real(f)->pMethods->xSync(Real(f), flags);
  }
  static int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
  static int Read(sqlite3_file* f, void* p, int n, sqlite3_int64 o) { return Real(f)->pMethods->xRead(Real(f), p, n, o); }
  static int Write(sqlite3_file* f, const void* p, int n, sqlite3_int64 o) {
    return Real(f)->pMethods->xWrite(Real(f), p, n, o);
  }
  static int Truncate(sqlite3_file* f, sqlite3_int64 n) { return Real(f)->pMethods->xTruncate(Real(f), n); }
  static int FileSize(sqlite3_file* f, sqlite3_int64* n) { return Real(f)->pMethods->xFileSize(Real(f), n); }
  static int Lock(sqlite3_file* f, int l) { return Real(f)->pMethods->xLock(Real(f), l); }
  static int Unlock(sqlite3_file* f, int l) { return Real(f)->pMethods->xUnlock(Real(f), l); }
  static int CheckReservedLock(sqlite3_file* f, int* out) { return Real(f)->pMethods->xCheckReservedLock(Real(f), out); }
  static int FileControl(sqlite3_file* f, int op, void* arg) { return Real(f)->pMethods->xFileControl(Real(f), op, arg); }
  static int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
  static int DeviceCharacteristics(sqlite3_file* f) { return Real(f)->pMethods->xDeviceCharacteristics(Real(f)); }
  static int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** p) {
    return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, p);
  }
  static int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
    return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
  }
  static void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
  static int ShmUnmap(sqlite3_file* f, int del) { return Real(f)->pMethods->xShmUnmap(Real(f), del); }
  static int Fetch(sqlite3_file* f, sqlite3_int64 o, int n, void** p) { return Real(f)->pMethods->xFetch(Real(f), o, n, p); }
  static int Unfetch(sqlite3_file* f, sqlite3_int64 o, void* p) { return Real(f)->pMethods->xUnfetch(Real(f), o, p); }

  static constexpr sqlite3_io_methods kMethods = {
      3,        &Close,   &Read,     &Write,   &Truncate,   &Sync,    &FileSize,
      &Lock,    &Unlock,  &CheckReservedLock, &FileControl, &SectorSize, &DeviceCharacteristics,
      &ShmMap,  &ShmLock, &ShmBarrier, &ShmUnmap, &Fetch,  &Unfetch};

  static inline sqlite3_vfs* real_ = nullptr;
  static inline std::atomic<int> syncs_{0};
  sqlite3_vfs vfs_;
};

Event Impression(const std::string& member, int i) {
  Event e;
  e.kind = EventKind::kImpression;
  e.member_id = member;
  e.title_id = "t" + std::to_string(i);
  e.time = 1'700'000'000 + i;
  e.artwork_id = "a";
  e.propensity = 0.5;
  e.impression_id = member + "-" + std::to_string(i);
  return e;
}

TEST(EventStoreDurabilityTest, NamesRoundTrip) {
  for (Durability d : {Durability::kProcess, Durability::kFsync}) EXPECT_EQ(ParseDurability(DurabilityName(d)), d);
  EXPECT_EQ(DurabilityName(Durability::kProcess), "process");
  EXPECT_EQ(DurabilityName(Durability::kFsync), "fsync");
  EXPECT_FALSE(ParseDurability("FSYNC").has_value());
  EXPECT_FALSE(ParseDurability("").has_value());
}

// One thread alternating the levels: every kFsync commit syncs the WAL and no
// kProcess commit does, so the writer's synchronous setting is the one each
// commit asked for, switched both ways between transactions.
TEST(EventStoreDurabilityTest, EachCommitIsFsyncedExactlyWhenItAsks) {
  TempDir dir;
  WalSyncCountingVfs vfs;
  {
    auto store = EventStore::Open(dir.File("events.db"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<Event> expected;
    for (int i = 0; i < 20; ++i) {
      const Durability level = i % 3 == 0 ? Durability::kFsync : Durability::kProcess;
      std::vector<Event> batch = {Impression("m", 2 * i), Impression("m", 2 * i + 1)};
      const int before = WalSyncCountingVfs::syncs();
      ASSERT_TRUE((*store)->Append(batch, level).ok());
      const int synced = WalSyncCountingVfs::syncs() - before;
      if (level == Durability::kFsync) {
        EXPECT_GE(synced, 1) << "append " << i << " asked for fsync";
      } else {
        EXPECT_EQ(synced, 0) << "append " << i << " asked for process only";
      }
      expected.insert(expected.end(), batch.begin(), batch.end());
    }
    // Append without a level is kFsync.
    const int before = WalSyncCountingVfs::syncs();
    std::vector<Event> last = {Impression("m", 100)};
    ASSERT_TRUE((*store)->Append(last).ok());
    EXPECT_GE(WalSyncCountingVfs::syncs() - before, 1);
    expected.push_back(last[0]);
    EXPECT_EQ((*store)->MemberEvents("m").value(), expected);
  }
  // Both levels' events are read back by a new store on the same file.
  auto reopened = EventStore::Open(dir.File("events.db"));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->Count().value(), 41u);
}

// Many threads, mixed levels, so that groups mix them: everything is stored,
// and no kFsync caller returns before some WAL sync that began after it was
// called (its group's, when the group is committed under FULL).
TEST(EventStoreDurabilityTest, MixedLevelsInOneGroupCommit) {
  TempDir dir;
  WalSyncCountingVfs vfs;
  {
    auto store = EventStore::Open(dir.File("events.db"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    constexpr int kThreads = 8;
    constexpr int kAppends = 40;
    std::atomic<int> failures{0};
    std::atomic<int> unsynced_fsync_appends{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const std::string member = "member-" + std::to_string(t);
        for (int i = 0; i < kAppends; ++i) {
          const Durability level = (t + i) % 2 == 0 ? Durability::kFsync : Durability::kProcess;
          std::vector<Event> batch = {Impression(member, i)};
          const int before = WalSyncCountingVfs::syncs();
          if (!(*store)->Append(batch, level).ok()) failures++;
          if (level == Durability::kFsync && WalSyncCountingVfs::syncs() == before) unsynced_fsync_appends++;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(unsynced_fsync_appends.load(), 0);
    EXPECT_EQ((*store)->Count().value(), uint64_t{kThreads * kAppends});
    for (int t = 0; t < kThreads; ++t) {
      Result<std::vector<Event>> events = (*store)->MemberEvents("member-" + std::to_string(t));
      ASSERT_TRUE(events.ok());
      ASSERT_EQ(events->size(), size_t{kAppends});
      for (int i = 0; i < kAppends; ++i) EXPECT_EQ((*events)[i].impression_id, "member-" + std::to_string(t) + "-" + std::to_string(i));
    }
  }
}

// The child appends impressions, each with its ledger entry (entry id = the
// impression id), in batches of 1..4, until it is killed; it writes the
// number of acknowledged impressions to `ack_fd` after each append.
[[noreturn]] void AppendWithLedgerUntilKilled(const std::string& path, int ack_fd) {
  auto store = EventStore::Open(path);
  if (!store.ok()) _exit(2);
  uint64_t acked = 0;
  for (int round = 0; round < 100000; ++round) {
    std::vector<Event> events;
    std::vector<LedgerEntry> entries;
    for (int k = 0; k <= round % 4; ++k) {
      events.push_back(Impression("m", static_cast<int>(acked) + k));
      entries.push_back({LedgerKind::kImpression, events.back().impression_id, events.back().time,
                         "{\"n\":" + std::to_string(acked + k) + "}"});
    }
    const Durability level = round % 2 ? Durability::kProcess : Durability::kFsync;
    if (!(*store)->AppendWithLedger(events, entries, level).ok()) _exit(3);
    acked += events.size();
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

// Issue 11 §5: a crash leaves impressions and their ledger rows equal in
// number, and the chain intact.
TEST(EventStoreDurabilityTest, LedgerRowsSurviveKillNineWithTheirImpressions) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    AppendWithLedgerUntilKilled(path, fds[1]);
  }
  close(fds[1]);
  uint64_t acked = 0;
  for (int i = 0; i < 60 && ReadAck(fds[0], &acked); ++i) {
  }
  kill(child, SIGKILL);
  int wstatus = 0;
  waitpid(child, &wstatus, 0);
  for (uint64_t more; ReadAck(fds[0], &more);) acked = more;
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited with " << WEXITSTATUS(wstatus);

  auto store = EventStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  uint64_t impressions = 0;
  ASSERT_TRUE((*store)->Scan(1000, [&](std::span<const Event> page) {
                       for (const Event& e : page) impressions += e.kind == EventKind::kImpression;
                     }).ok());
  ASSERT_GE(impressions, acked);  // a commit may land before its ack is sent
  EXPECT_EQ((*store)->LedgerCount().value(), impressions);
  Result<ChainVerification> chain = (*store)->VerifyLedgerChain();
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_TRUE(chain->ok) << chain->problem;
  EXPECT_EQ(chain->rows, impressions);
  // Row n accounts for impression n: they were committed together, in order.
  std::vector<Event> events = (*store)->EventsAfter(0, impressions).value();
  uint64_t n = 0;
  ASSERT_TRUE((*store)->ScanLedger(1000, [&](std::span<const LedgerRow> rows) {
                       for (const LedgerRow& row : rows) {
                         EXPECT_EQ(row.entry.entry_id, events[n].impression_id) << "row " << row.seq;
                         ++n;
                       }
                     }).ok());
  EXPECT_EQ(n, impressions);
}

}  // namespace
}  // namespace marquee
