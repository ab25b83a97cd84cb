// The ledger rows of posted plays (issue 11 §5): which impression each play
// is attributed to, how long it was watched and whether it qualified, written
// in the plays' own transaction by POST /v1/events.
#pragma once

#include <span>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/data/event.h"
#include "marquee/data/qualifying_play.h"
#include "marquee/store/event_store.h"
#include "marquee/util/status.h"

namespace marquee::serve {

// One PlayLedgerRow entry per play in `events` (other kinds get none), in
// order. The attributed impression is the member's latest impression of the
// title appended before the play -- in `store`, or earlier in `events` --
// with impression time <= play time <= impression time + window_seconds (the
// rule ledger/verify.h recomputes); its territory comes from its own ledger
// row (empty when it has none). A play without a watch fraction counts as
// watched whole. Titles outside `dataset` have an unknown runtime (0).
// Errors: the store's read errors.
Result<std::vector<LedgerEntry>> PlayLedgerEntries(const EventStore& store, const Dataset& dataset,
                                                   std::span<const Event> events, int64_t window_seconds,
                                                   const QualifyingPlayRule& rule);

}  // namespace marquee::serve
