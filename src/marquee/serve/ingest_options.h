// How durable the events a server logs must be before it answers: what an
// acknowledged event survives (Durability, store/event_store.h). Each route
// that appends gets its own level because the costs differ: impressions are
// written for every title shown, client events only when a client sends them.
#pragma once

#include "marquee/store/event_store.h"

namespace marquee::serve {

struct IngestOptions {
  // Impressions logged when an answer shows artwork (`serve
  // --impression-durability`). kProcess keeps them through a server crash or
  // kill -9 but not a power cut; kFsync would make every answer with artwork
  // wait for a disk flush of its impressions, which cut a k=20 list with
  // artwork from 8.3k to about 1.5k requests/s (p99 85 ms; issue 10 §3).
  // A power cut may then lose the last moments' impressions: their plays
  // earn their artwork no reward, and offline evaluation misses them.
  Durability impressions = Durability::kProcess;
  // Events clients POST to /v1/events (`serve --event-durability`): the
  // client is told they are stored and will not send them again, so by
  // default they are fsynced before the answer.
  Durability posted_events = Durability::kFsync;
};

}  // namespace marquee::serve
