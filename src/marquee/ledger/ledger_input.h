// Reading a ledger for accounting: opening an event store that must already
// exist (a statement must never create an empty store and report zeros) and
// folding its ledger into accounts.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "marquee/ledger/accounts.h"
#include "marquee/store/event_store.h"
#include "marquee/util/status.h"

namespace marquee {

// Opens the event store at `path` for reading. NotFound "PATH: no event
// store here" when the file does not exist; InvalidArgument "PATH: not an
// event store (SQLite) file" when it is something else; EventStore::Open's
// errors otherwise (with the path in front).
Result<std::unique_ptr<EventStore>> OpenExistingEventStore(const std::string& path);

// Every ledger row of `store` folded into accounts, `page` rows at a time.
// The store's read errors (Unsupported for a store without a ledger) and
// LedgerAccounts::Add's Corruption naming the row.
Result<LedgerAccounts> FoldLedger(const EventStore& store, size_t page = 4096);

}  // namespace marquee
