#include "marquee/ledger/ledger_input.h"

#include <fstream>

#include <fmt/format.h>

namespace marquee {

Result<std::unique_ptr<EventStore>> OpenExistingEventStore(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: no event store here (cannot open the file)", path));
  char header[16] = {};
  in.read(header, sizeof header);
  if (in.gcount() != 16 || std::string(header, 15) != "SQLite format 3") {
    return Status::InvalidArgument(fmt::format("{}: not an event store (SQLite) file", path));
  }
  Result<std::unique_ptr<EventStore>> store = EventStore::Open(path);
  if (!store.ok() && store.status().message().find(path) == std::string::npos) {
    return store.status().WithContext(path);
  }
  return store;
}

Result<LedgerAccounts> FoldLedger(const EventStore& store, size_t page) {
  LedgerAccounts accounts;
  Status folded;
  MARQUEE_RETURN_IF_ERROR(store.ScanLedger(page, [&](std::span<const LedgerRow> rows) {
    if (folded.ok()) folded = accounts.AddRows(rows);
  }));
  MARQUEE_RETURN_IF_ERROR(folded);
  return accounts;
}

}  // namespace marquee
