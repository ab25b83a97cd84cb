// The event store's title log read back (issue 15 §2): the titles a server
// added while serving, as new-title records, and a dataset grown by them --
// what offline tools (ledger verify, statements, experiment reports) need
// to read events that name those titles.
#pragma once

#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/data/new_title_json.h"
#include "marquee/store/event_store.h"
#include "marquee/util/status.h"

namespace marquee {

// Every logged title, in the order added, parsed against `catalog` (the
// trained catalog's genres and performers). Corruption naming `events_path`
// and the title when a definition cannot be read; the store's read error.
Result<std::vector<NewTitle>> ReadTitleLog(const EventStore& events, const std::string& events_path,
                                           const Catalog& catalog);

// `dataset` with the logged titles appended (WithNewTitles), or as it is
// when the log is empty. InvalidArgument naming `events_path` when a logged
// id is in the dataset already (a dataset grown offline by the same titles,
// or another service's).
Result<Dataset> WithTitleLog(Dataset dataset, const EventStore& events, const std::string& events_path);

}  // namespace marquee
