#include "marquee/data/event.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace marquee {
namespace {

template <typename Number>
std::string FormatNumber(Number value) {
  if (std::isnan(value)) return "nan";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest exact form
  return std::string(buf, end);
}

// (0, 1]; false for NaN.
bool IsProbability(double value) { return value > 0 && value <= 1; }

Status FieldError(std::string_view field, std::string_view expected, std::string_view found) {
  std::string msg(field);
  msg.append(": expected ").append(expected).append(", found ").append(found);
  return Status::InvalidField(std::string(field), std::move(msg));
}

// The eligible set (issue 11 §3): only impressions carry one; its ids are
// non-empty and distinct, and the chosen artwork is one of them.
Status ValidateEligible(const Event& event) {
  const std::vector<std::string>& eligible = event.eligible_artwork_ids;
  if (eligible.empty()) return Status::OK();
  if (event.kind != EventKind::kImpression) {
    return FieldError("eligible", "no eligible artwork on a " + std::string(EventKindName(event.kind)) + " event",
                      std::to_string(eligible.size()) + " ids");
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < eligible.size(); ++i) {
    const std::string at = "eligible[" + std::to_string(i) + "]";
    if (eligible[i].empty()) return FieldError("eligible", "non-empty artwork ids", "an empty id at " + at);
    if (!seen.insert(eligible[i]).second) {
      return FieldError("eligible", "distinct artwork ids", QuoteForError(eligible[i]) + " again at " + at);
    }
  }
  if (!event.artwork_id.empty() && !seen.contains(event.artwork_id)) {
    return FieldError("eligible", "the chosen artwork " + QuoteForError(event.artwork_id) + " among the eligible ids",
                      std::to_string(eligible.size()) + " ids without it");
  }
  return Status::OK();
}

// The page position (issue 13): only impressions are shown on a page, and
// the ids that attribute them to a page and a row must be there.
Status ValidatePlacement(const Event& event) {
  if (!event.placement) return Status::OK();
  if (event.kind != EventKind::kImpression) {
    return FieldError("placement", "no placement on a " + std::string(EventKindName(event.kind)) + " event",
                      "a placement");
  }
  const PagePlacement& placement = *event.placement;
  if (placement.page_id.empty()) return FieldError("placement.page_id", "a page id", "an empty string");
  if (placement.row_id.empty()) return FieldError("placement.row_id", "a row id", "an empty string");
  return Status::OK();
}

// The experiment tag (issue 14): exposures carry experiment and cell,
// interleaved impressions experiment and team; nothing else carries one.
Status ValidateExperimentTag(const Event& event) {
  if (!event.experiment) {
    if (event.kind == EventKind::kExposure) return FieldError("experiment", "the experiment and cell", "none");
    return Status::OK();
  }
  const ExperimentTag& tag = *event.experiment;
  if (event.kind != EventKind::kExposure && event.kind != EventKind::kImpression) {
    return FieldError("experiment", "no experiment on a " + std::string(EventKindName(event.kind)) + " event",
                      "an experiment");
  }
  if (tag.experiment.empty()) return FieldError("experiment.name", "an experiment name", "an empty string");
  if (event.kind == EventKind::kExposure) {
    if (tag.cell.empty()) return FieldError("experiment.cell", "the member's cell", "an empty string");
    if (!tag.team.empty()) return FieldError("experiment.team", "no team on an exposure", QuoteForError(tag.team));
    return Status::OK();
  }
  if (tag.team != "a" && tag.team != "b") {
    return FieldError("experiment.team", "a or b (the interleaved team)", QuoteForError(tag.team));
  }
  if (!tag.cell.empty()) return FieldError("experiment.cell", "no cell on an impression", QuoteForError(tag.cell));
  return Status::OK();
}

constexpr EventKind kAllKinds[] = {EventKind::kPlay, EventKind::kRating, EventKind::kImpression,
                                   EventKind::kClick, EventKind::kExposure};

}  // namespace

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kPlay: return "play";
    case EventKind::kRating: return "rating";
    case EventKind::kImpression: return "impression";
    case EventKind::kClick: return "click";
    case EventKind::kExposure: return "exposure";
  }
  return "unknown";
}

Result<EventKind> ParseEventKind(std::string_view name) {
  for (EventKind kind : kAllKinds) {
    if (EventKindName(kind) == name) return kind;
  }
  return Status::InvalidArgument("expected play, rating, impression, click or exposure, found " +
                                 QuoteForError(name));
}

Status ValidateEvent(const Event& event) {
  if (static_cast<uint8_t>(event.kind) > static_cast<uint8_t>(EventKind::kExposure)) {
    return FieldError("kind", "play, rating, impression, click or exposure",
                      std::to_string(static_cast<int>(event.kind)));
  }
  if (event.member_id.empty()) return FieldError("member", "a member id", "an empty string");
  if (event.title_id.empty() && event.kind != EventKind::kExposure) {
    return FieldError("title", "a title id", "an empty string");
  }
  if (event.watch_fraction && !IsProbability(*event.watch_fraction)) {
    return FieldError("watch_fraction", "a number in (0, 1]", FormatNumber(*event.watch_fraction));
  }
  if (event.rating && !std::isfinite(*event.rating)) {
    return FieldError("rating", "a finite number", FormatNumber(*event.rating));
  }
  if (event.kind == EventKind::kRating && !event.rating) {
    return FieldError("rating", "a value for a rating event", "none");
  }
  if (event.propensity && !IsProbability(*event.propensity)) {
    return FieldError("propensity", "a number in (0, 1]", FormatNumber(*event.propensity));
  }
  MARQUEE_RETURN_IF_ERROR(ValidateEligible(event));
  MARQUEE_RETURN_IF_ERROR(ValidatePlacement(event));
  return ValidateExperimentTag(event);
}

}  // namespace marquee
