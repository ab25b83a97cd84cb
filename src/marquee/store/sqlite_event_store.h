// SqliteEventStore: the embedded EventStore, one SQLite file in WAL mode.
//
// Append() groups concurrent callers into one transaction (group commit): the
// first caller to find no commit in progress becomes the leader and commits
// everything queued so far, so throughput grows with concurrency while each
// caller still waits for its own events to be durable. The group's commit is
// fsynced when any of its callers asked for Durability::kFsync, and only
// written to the WAL otherwise. Reads use a second connection and never wait
// for an fsync. The WAL is checkpointed into the database by the store's own
// thread (on a third connection), never by an appending caller.
//
// Schema version 2: tables events (with `eligible`), ledger (store/ledger.h)
// and meta. Open upgrades a version 1 file in place, in one transaction.
#pragma once

#include <memory>
#include <string>

#include "marquee/store/event_store.h"

namespace marquee {

class SqliteEventStore final : public EventStore {
 public:
  // Opens or creates the store at `path` (creating its tables). Errors:
  // NotFound when the folder does not exist; Corruption or Unsupported when
  // the file is not an event store or was written by a newer schema.
  static Result<std::unique_ptr<SqliteEventStore>> Open(const std::string& path,
                                                        const EventStoreOptions& options = {});
  ~SqliteEventStore() override;

  using EventStore::Append;
  Status Append(std::span<const Event> events, Durability durability) override;
  // The ledger is a table of the same file, written in the events'
  // transaction (and group commit): a group's events and ledger rows are all
  // stored or none are.
  Status AppendWithLedger(std::span<const Event> events, std::span<const LedgerEntry> ledger,
                          Durability durability) override;
  Result<LedgerPage> LedgerAfter(uint64_t after, size_t limit) const override;
  Result<std::optional<LedgerRow>> FindLedgerEntry(std::string_view entry_id) const override;
  Result<uint64_t> LedgerCount() const override;
  // Experiments are rare administrative writes: each call opens a connection
  // of its own (the busy timeout waits out a group commit).
  Status CreateExperiment(const PlaceExperimentFn& place) override;
  Status StopExperiment(std::string_view name, int64_t at) override;
  Result<std::vector<ExperimentRecord>> Experiments() const override;
  // The title log: rare administrative writes, on a connection of their own.
  Status AppendAddedTitles(std::span<const AddedTitleRecord> titles) override;
  Result<std::vector<AddedTitleRecord>> AddedTitles() const override;
  Result<std::vector<std::pair<std::string, std::string>>> ExposureKeys() const override;
  Result<std::vector<Event>> MemberEvents(std::string_view member_id) const override;
  Result<EventPage> PageAfter(uint64_t after, size_t limit) const override;
  Result<uint64_t> Count() const override;
  Result<uint64_t> LastSequence() const override;

 private:
  struct Impl;
  explicit SqliteEventStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace marquee
