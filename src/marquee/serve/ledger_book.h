// LedgerBook: the server's running totals of its ledger (ledger/accounts.h),
// so that a statement or exposure request folds only the rows appended
// since the last one instead of the whole ledger.
//
// Thread contract: thread-safe; requests are served one at a time under the
// book's mutex (statements are admin requests, not the hot path).
#pragma once

#include <cstdint>
#include <functional>

#include "marquee/ledger/accounts.h"
#include "marquee/store/event_store.h"
#include "marquee/util/mutex.h"
#include "marquee/util/status.h"
#include "marquee/util/thread_annotations.h"

namespace marquee::serve {

class LedgerBook {
 public:
  // `store` must outlive the book.
  explicit LedgerBook(const EventStore& store) : store_(store) {}

  // Folds the rows appended since the last call, then calls `read` with the
  // accounts under the lock. Errors: the store's read errors and
  // LedgerAccounts::Add's (a row that is not a ledger row), each naming the row.
  Status Read(const std::function<void(const LedgerAccounts&)>& read);

 private:
  const EventStore& store_;
  Mutex mu_;
  LedgerAccounts accounts_ GUARDED_BY(mu_);
  uint64_t folded_ GUARDED_BY(mu_) = 0;  // seq of the last row folded
};

}  // namespace marquee::serve
