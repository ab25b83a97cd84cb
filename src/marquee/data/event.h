// Event: one thing a member did or was shown -- a play, a rating, an
// impression (a title or artwork shown, with the policy's propensity) or a
// click -- as the event store keeps it, the HTTP API receives it and the
// impression log reads it. One definition, one validation, one JSON codec
// (data/event_json.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/util/status.h"

namespace marquee {

// Stored as its number: never renumber. kExposure: a member's first
// exposure to an experiment (issue 14), logged by the server, once a member
// and experiment; it names no title.
enum class EventKind : uint8_t { kPlay = 0, kRating = 1, kImpression = 2, kClick = 3, kExposure = 4 };

// "play", "rating", "impression", "click", "exposure".
std::string_view EventKindName(EventKind kind);
// The inverse of EventKindName; InvalidArgument naming the accepted names otherwise.
Result<EventKind> ParseEventKind(std::string_view name);

// Where an impression was shown on a page (issue 13). Absent: not on a page
// (a recommendation list, an artwork call, logs from before pages).
struct PagePlacement {
  std::string page_id;  // the page's id (one per homepage answer), non-empty
  std::string row_id;   // the row's id on that page, e.g. "top_picks", "genre:Thriller", non-empty
  uint32_t row = 0;     // 0-based row position on the page
  uint32_t column = 0;  // 0-based position within the row
  friend bool operator==(const PagePlacement&, const PagePlacement&) = default;
};

// An experiment's mark on an event (issue 14): on an exposure, the
// experiment and the member's cell; on an impression of an interleaved list,
// the experiment and the team ("a" or "b") whose ranker picked the title.
struct ExperimentTag {
  std::string experiment;  // the experiment's name, non-empty
  std::string cell;        // exposures: the cell's name, non-empty; impressions: empty
  std::string team;        // interleaved impressions: "a" or "b"; exposures: empty
  friend bool operator==(const ExperimentTag&, const ExperimentTag&) = default;
};

struct Event {
  EventKind kind = EventKind::kPlay;
  std::string member_id;                   // external member id, non-empty
  std::string title_id;                    // external title id, non-empty
  int64_t time = 0;                        // epoch seconds
  std::optional<float> watch_fraction;     // plays: (0, 1]
  std::optional<float> rating;             // ratings: finite, required for kRating
  std::string artwork_id;                  // impressions/clicks: artwork id, may be empty
  std::optional<double> propensity;        // impressions: the policy's probability, (0, 1]
  std::string impression_id;               // links an outcome to its impression, may be empty
  // Impressions chosen behind the consent gate (issue 11 §3): the artwork ids
  // the policy could choose among, in the title's variant order; the chosen
  // artwork_id is one of them. Empty: not recorded (a log from before the
  // gate, or a title card with no eligible variant, artwork_id empty).
  std::vector<std::string> eligible_artwork_ids;
  // The page position the impression was shown at, so that row-level,
  // position-level and off-policy analyses can condition on it.
  std::optional<PagePlacement> placement;  // impressions only
  std::optional<ExperimentTag> experiment;  // exposures (required) and interleaved impressions
  friend bool operator==(const Event&, const Event&) = default;
};

// The latest time the JSON codec accepts: 9999-12-31T23:59:59Z (later ones
// are typos, and larger JSON integers would wrap). The store itself keeps any
// int64 time, so that imported history before 1970 survives.
inline constexpr int64_t kLatestEventTime = 253402300799;
// The earliest time the importers accept: 0000-01-01T00:00:00Z, the first
// instant a four-digit ISO date can write. Together with kLatestEventTime
// this is the one range every importer checks (numbers in any --time-unit
// and ISO dates alike); the JSON codec above additionally wants >= 0.
inline constexpr int64_t kEarliestImportTime = -62167219200;

// OK, or InvalidField naming the field when an event is not well formed:
// empty ids, a fraction or propensity
// outside (0, 1], a rating that is not finite, a rating event without one,
// and (field "eligible") eligible artwork ids on an event that is not an
// impression, an empty or repeated eligible id, or an impression whose
// artwork_id is not among its (non-empty) eligible ids; (field "placement")
// a placement on an event that is not an impression, and (fields
// "placement.page_id", "placement.row_id") an empty page or row id;
// (field "experiment") an exposure without a tag naming its experiment and
// cell, a tag on a play, rating or click, an impression's tag without a team
// "a" or "b" or with a cell. Only an exposure may leave title_id empty.
Status ValidateEvent(const Event& event);

}  // namespace marquee
