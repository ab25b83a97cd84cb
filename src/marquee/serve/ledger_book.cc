#include "marquee/serve/ledger_book.h"

namespace marquee::serve {

Status LedgerBook::Read(const std::function<void(const LedgerAccounts&)>& read) {
  constexpr size_t kPage = 4096;
  MutexLock lock(&mu_);
  for (;;) {
    MARQUEE_ASSIGN_OR_RETURN(LedgerPage page, store_.LedgerAfter(folded_, kPage));
    if (page.rows.empty()) break;
    MARQUEE_RETURN_IF_ERROR(accounts_.AddRows(page.rows));
    folded_ = page.last_sequence;
    if (page.rows.size() < kPage) break;
  }
  read(accounts_);
  return Status::OK();
}

}  // namespace marquee::serve
