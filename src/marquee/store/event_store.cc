#include "marquee/store/event_store.h"

#include <fmt/format.h>

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

Status EventStore::ScanLedger(size_t page, const std::function<void(std::span<const LedgerRow>)>& visit) const {
  if (page == 0) return Status::InvalidArgument("ledger scan: a page of 0 rows");
  uint64_t after = 0;
  for (;;) {
    MARQUEE_ASSIGN_OR_RETURN(LedgerPage next, LedgerAfter(after, page));
    visit(next.rows);
    if (next.rows.size() < page) return Status::OK();
    after = next.last_sequence;
  }
}

namespace {

// Checks one row against the chain so far (`checked` holds the rows before
// it, all good, so the next seq is rows + 1); counts it, and at a break fills
// in first_bad and problem and returns false.
bool CheckChainLink(const LedgerRow& row, ChainVerification& checked) {
  const uint64_t expected_seq = ++checked.rows;
  if (row.seq != expected_seq) {
    checked.first_bad = expected_seq;
    checked.problem = expected_seq == 1 ? fmt::format("row {} is the first row: a row is missing", row.seq)
                                        : fmt::format("row {} follows row {}: a row is missing", row.seq,
                                                      expected_seq - 1);
    return false;
  }
  if (row.prev_hash != checked.last_hash) {
    checked.first_bad = row.seq;
    checked.problem = row.seq == 1 ? "row 1: prev_hash is not the genesis hash"
                                   : fmt::format("row {}: prev_hash is not row {}'s hash", row.seq, row.seq - 1);
    return false;
  }
  if (LedgerHash(row.prev_hash, row.seq, row.entry) != row.hash) {
    checked.first_bad = row.seq;
    checked.problem = fmt::format("row {}: hash does not match its fields", row.seq);
    return false;
  }
  checked.last_hash = row.hash;
  return true;
}

}  // namespace

// Reads page by page (a large ledger is never held whole) and stops reading
// at the first break.
Result<ChainVerification> EventStore::VerifyLedgerChain() const {
  constexpr size_t kPage = 4096;
  ChainVerification checked;
  checked.last_hash = std::string(kLedgerGenesisHash);
  uint64_t after = 0;
  for (;;) {
    MARQUEE_ASSIGN_OR_RETURN(LedgerPage next, LedgerAfter(after, kPage));
    for (const LedgerRow& row : next.rows) {
      if (!CheckChainLink(row, checked)) {
        checked.ok = false;
        return checked;
      }
    }
    if (next.rows.size() < kPage) return checked;
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

Result<std::optional<LedgerRow>> EventStore::FindLedgerEntry(std::string_view) const {
  return std::optional<LedgerRow>();
}

Result<uint64_t> EventStore::LedgerCount() const { return uint64_t{0}; }

Status EventStore::CreateExperiment(const PlaceExperimentFn&) {
  return Status::Unsupported("this event store keeps no experiments");
}

Status EventStore::StopExperiment(std::string_view, int64_t) {
  return Status::Unsupported("this event store keeps no experiments");
}

Result<std::vector<ExperimentRecord>> EventStore::Experiments() const {
  return Status::Unsupported("this event store keeps no experiments");
}

Result<std::vector<std::pair<std::string, std::string>>> EventStore::ExposureKeys() const {
  return Status::Unsupported("this event store keeps no experiments");
}

Status EventStore::AppendAddedTitles(std::span<const AddedTitleRecord>) {
  return Status::Unsupported("this event store keeps no title log");
}

Result<std::vector<AddedTitleRecord>> EventStore::AddedTitles() const { return std::vector<AddedTitleRecord>(); }

}  // namespace marquee
