#include "marquee/store/event_store.h"

#include "marquee/store/sqlite_event_store.h"

namespace marquee {

std::string_view DurabilityName(Durability durability) {
  switch (durability) {
    case Durability::kProcess: return "process";
    case Durability::kFsync: return "fsync";
  }
  return "unknown";
}

std::optional<Durability> ParseDurability(std::string_view name) {
  for (Durability d : {Durability::kProcess, Durability::kFsync}) {
    if (name == DurabilityName(d)) return d;
  }
  return std::nullopt;
}

Result<std::unique_ptr<EventStore>> EventStore::Open(const std::string& path, const EventStoreOptions& options) {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<SqliteEventStore> store, SqliteEventStore::Open(path, options));
  return std::unique_ptr<EventStore>(std::move(store));
}

Result<std::vector<Event>> EventStore::EventsAfter(uint64_t after, size_t limit) const {
  MARQUEE_ASSIGN_OR_RETURN(EventPage page, PageAfter(after, limit));
  return std::move(page.events);
}

Status EventStore::Scan(size_t page, const std::function<void(std::span<const Event>)>& visit) const {
  if (page == 0) return Status::InvalidArgument("event store scan: a page of 0 events");
  uint64_t after = 0;
  for (;;) {
    MARQUEE_ASSIGN_OR_RETURN(EventPage next, PageAfter(after, page));
    visit(next.events);
    if (next.events.size() < page) return Status::OK();
    after = next.last_sequence;
  }
}

Status EventStore::AppendWithLedger(std::span<const Event> events, std::span<const LedgerEntry> ledger,
                                    Durability durability) {
  if (!ledger.empty()) return Status::Unsupported("this event store keeps no ledger");
  return Append(events, durability);
}

Result<LedgerPage> EventStore::LedgerAfter(uint64_t, size_t) const {
  return Status::Unsupported("this event store keeps no ledger");
}

Result<uint64_t> EventStore::LedgerCount() const { return uint64_t{0}; }

}  // namespace marquee
