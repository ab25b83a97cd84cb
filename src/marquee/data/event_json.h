// The JSON codec of Event: the one format for events in POST /v1/events,
// JSON-lines event logs and the impression logs the simulator writes.
//
//   {"kind": "play"|"rating"|"impression"|"click", "member": ID, "title": ID,
//    "time": epoch seconds, "watch_fraction": (0,1], "rating": number,
//    "artwork": ID, "propensity": (0,1], "impression_id": ID,
//    "eligible": [ID, ...],
//    "placement": {"page_id": ID, "row_id": ID, "row": N, "column": N}}
//
// "eligible" (impressions behind the consent gate) lists the artwork ids the
// policy could choose among; it is left out when empty, and its rules are
// ValidateEvent's (field "eligible").
// "placement" (impressions shown on a page, issue 13) says where: the page
// and row ids and the 0-based row and column positions, all four required;
// it is left out when absent.
// The wire names are the v1 API's ("member", "title", "artwork"); ids may be
// strings or integers (many catalogs number their titles). Unknown fields,
// wrong types and out-of-range values are errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/data/event.h"
#include "marquee/util/status.h"

namespace marquee {

// One event object, or {"events": [...]} with at least one event. Events
// without a "time" get `default_time`. Errors:
//   ParseError naming field "body" when the text is not JSON;
//   InvalidField naming "kind", "events[2].time", ... otherwise.
// Every event returned passes ValidateEvent.
Result<std::vector<Event>> ParseEventsJson(std::string_view text, int64_t default_time);

// One event object (as above, without the {"events": [...]} form).
Result<Event> ParseEventJson(std::string_view text, int64_t default_time);

// One event as a compact JSON object, the inverse of ParseEventJson: absent
// optional fields, empty artwork/impression ids and an empty eligible set
// are left out.
std::string EventToJson(const Event& event);

}  // namespace marquee
