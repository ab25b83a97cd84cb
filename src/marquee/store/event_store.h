// EventStore: the durable log of what members do -- plays, ratings,
// impressions, clicks -- behind an interface that more than one backend can
// implement. The embedded default is SQLite in WAL mode
// (store/sqlite_event_store.h); a networked database can be added later
// without touching the callers.
//
// The contract every backend keeps:
// - Append returns OK only once its events are durable at the level asked for
//   (Durability): an acknowledged event is never lost to the failures that
//   level covers. A batch is all or nothing.
// - Events get increasing sequence numbers in append order; reads return them
//   in that order.
// - Every method is safe to call from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/data/event.h"
#include "marquee/store/ledger.h"
#include "marquee/util/status.h"

namespace marquee {

// A page of a scan in sequence order: the events, and the sequence number of
// the last one (the `after` of the next page; unchanged when the page is empty).
struct EventPage {
  std::vector<Event> events;
  uint64_t last_sequence = 0;
};

// What an acknowledged append survives. The levels are ordered: kFsync
// promises everything kProcess does.
enum class Durability {
  // The commit is written to the store's files before Append returns (SQLite:
  // WAL with synchronous=NORMAL): it survives the process being killed
  // (kill -9, a crash), since the operating system holds the written pages,
  // but not a power cut or an OS crash, which may lose the last commits (the
  // store stays consistent). No fsync is waited for, so an append costs
  // microseconds instead of a disk flush.
  kProcess,
  // The commit is fsynced before Append returns (WAL with synchronous=FULL):
  // it survives power loss and an OS crash too.
  kFsync,
};

// "process", "fsync" (the names of the `serve --*-durability` flags).
std::string_view DurabilityName(Durability durability);
// The inverse of DurabilityName; nullopt for any other text.
std::optional<Durability> ParseDurability(std::string_view name);

struct EventStoreOptions {
  // Reads that may run at once (one connection each, opened on demand); a
  // further reader waits for one to finish. Serving threads beyond this
  // queue for reads, so match it to the HTTP workers that read events.
  size_t max_readers = 8;
};

// An experiment as the store keeps it (issue 14): its definition as the
// experiment library writes it (a JSON document the store does not read),
// the range of its layer's buckets, and when it was created and stopped.
struct ExperimentRecord {
  std::string name;
  std::string definition;
  uint32_t range_begin = 0, range_end = 0;
  int64_t created_at = 0;  // epoch seconds
  int64_t stopped_at = 0;  // epoch seconds; 0 = not stopped
  friend bool operator==(const ExperimentRecord&, const ExperimentRecord&) = default;
};

// A title added to the catalog while serving (issue 15 §2): its id, its
// definition (the JSON object the server took, which the store does not
// read) and when it was added.
struct AddedTitleRecord {
  std::string title_id;
  std::string definition;
  int64_t added_at = 0;  // epoch seconds
  friend bool operator==(const AddedTitleRecord&, const AddedTitleRecord&) = default;
};

class EventStore {
 public:
  // Opens or creates the embedded SQLite store at `path` (see
  // SqliteEventStore::Open for the errors).
  static Result<std::unique_ptr<EventStore>> Open(const std::string& path, const EventStoreOptions& options = {});

  virtual ~EventStore() = default;
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Validates (ValidateEvent) and appends; returns when the events are
  // durable at `durability`. All or nothing: one invalid event rejects the
  // batch, naming it ("event 3: member: ...").
  virtual Status Append(std::span<const Event> events, Durability durability) = 0;
  // Append at the strongest level, kFsync.
  Status Append(std::span<const Event> events) { return Append(events, Durability::kFsync); }

  // Appends `events` and `ledger` entries in ONE transaction (store/ledger.h):
  // both are stored or neither is, at `durability`. Ledger entries whose
  // entry_id is already stored are skipped (idempotent), not an error; an
  // entry with an empty entry_id is InvalidField "ledger entry N: entry_id".
  // The default implementation (a backend without a ledger) accepts only an
  // empty `ledger` and answers Unsupported otherwise.
  virtual Status AppendWithLedger(std::span<const Event> events, std::span<const LedgerEntry> ledger,
                                  Durability durability);

  // Ledger rows with seq > after, in order, at most `limit`. Unsupported by
  // default.
  virtual Result<LedgerPage> LedgerAfter(uint64_t after, size_t limit) const;
  // The ledger row with `entry_id`, or nullopt when there is none (also by
  // default).
  virtual Result<std::optional<LedgerRow>> FindLedgerEntry(std::string_view entry_id) const;
  // Ledger rows stored (0 by default).
  virtual Result<uint64_t> LedgerCount() const;
  // Every ledger row from the start, a page at a time, in seq order.
  Status ScanLedger(size_t page, const std::function<void(std::span<const LedgerRow>)>& visit) const;
  // Recomputes every row's hash and checks the links (store/ledger.h); a
  // read error is the Status, a broken chain is reported in the result.
  // (A row whose kind this build does not know cannot be read: that is a
  // Corruption naming the row, not a result.) Reads a page at a time, so
  // appends may run meanwhile; it checks the rows committed when each page
  // was read.
  Result<ChainVerification> VerifyLedgerChain() const;

  // Experiments (issue 14). CreateExperiment runs `place` on the
  // experiments stored and stores what it returns, in one transaction, so
  // two creations at once cannot both take the same buckets; `place`'s error
  // is returned as is, and a name stored already is InvalidField "name".
  // StopExperiment: NotFound for an unknown name, InvalidField "name" for
  // one stopped already. Experiments(): every one, oldest first.
  // ExposureKeys(): (experiment, member) of every exposure event stored.
  // Unsupported by default.
  using PlaceExperimentFn =
      std::function<Result<ExperimentRecord>(std::span<const ExperimentRecord> existing)>;
  virtual Status CreateExperiment(const PlaceExperimentFn& place);
  virtual Status StopExperiment(std::string_view name, int64_t at);
  virtual Result<std::vector<ExperimentRecord>> Experiments() const;
  virtual Result<std::vector<std::pair<std::string, std::string>>> ExposureKeys() const;

  // Titles added while serving (issue 15 §2), the server's title log.
  // AppendAddedTitles stores all of `titles` or none, durably (fsync) before
  // it returns; a title_id stored already or given twice is InvalidField
  // "title" naming it, an empty one InvalidField "title". AddedTitles():
  // every one, in the order added. By default the append is Unsupported and
  // the log empty.
  virtual Status AppendAddedTitles(std::span<const AddedTitleRecord> titles);
  virtual Result<std::vector<AddedTitleRecord>> AddedTitles() const;

  // A member's events in the order they were appended.
  virtual Result<std::vector<Event>> MemberEvents(std::string_view member_id) const = 0;

  // Every event with sequence number > after, in order, at most `limit`.
  virtual Result<EventPage> PageAfter(uint64_t after, size_t limit) const = 0;

  // Events stored, and the sequence number of the newest (0: none); a read
  // failure is reported, never answered as 0.
  virtual Result<uint64_t> Count() const = 0;
  virtual Result<uint64_t> LastSequence() const = 0;

  // PageAfter without the sequence number.
  Result<std::vector<Event>> EventsAfter(uint64_t after, size_t limit) const;

  // Every event from the start, in order, a page of at most `page` events at
  // a time (so a large store is never held whole); stops at a read error.
  Status Scan(size_t page, const std::function<void(std::span<const Event>)>& visit) const;

 protected:
  EventStore() = default;
};

}  // namespace marquee
