#include "marquee/data/event_json.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "marquee/data/logged_bandit_data.h"
#include "marquee/util/json_fields.h"

namespace marquee {
namespace {

using nlohmann::json;

using json_fields::Expected;
using json_fields::IdText;
using json_fields::Join;
using json_fields::ReadString;
using json_fields::RejectUnknownFields;

Status Required(const std::string& field, std::string_view why = "required") {
  return json_fields::Invalid(field, why);
}

const std::set<std::string> kEventFields = {"kind",           "member",   "title",    "time",
                                            "watch_fraction", "rating",   "artwork",  "propensity",
                                            "impression_id",  "eligible", "placement", "experiment"};
const std::set<std::string> kPlacementFields = {"page_id", "row_id", "row", "column"};
const std::set<std::string> kExperimentFields = {"name", "cell", "team"};

Status ReadId(const json& object, const char* name, const std::string& prefix, std::string& out) {
  const std::string field = Join(prefix, name);
  auto it = object.find(name);
  if (it == object.end()) return Required(field);
  std::optional<std::string> id = IdText(*it);
  if (!id) return Expected(field, "a non-empty string id", *it);
  if (id->empty()) return json_fields::Invalid(field, "expected a non-empty string id, found an empty string");
  out = std::move(*id);
  return Status::OK();
}

// A number in (0, 1] (watch fractions, propensities).
Status ReadFraction(const json& object, const char* name, const std::string& prefix,
                    std::optional<double>& out) {
  auto it = object.find(name);
  if (it == object.end()) return Status::OK();
  const std::string field = Join(prefix, name);
  if (!it->is_number()) return Expected(field, "a number in (0, 1]", *it);
  const double v = it->get<double>();
  // Checked as the float it is stored as: 1e-50 is positive, its float is not.
  if (!(v > 0 && v <= 1 && static_cast<float>(v) > 0)) {
    return Status::InvalidField(field, fmt::format("{}: expected a number in (0, 1], found {}", field, it->dump()));
  }
  out = v;
  return Status::OK();
}

Status ReadTime(const json& object, const std::string& prefix, int64_t& out) {
  auto time = object.find("time");
  if (time == object.end()) return Status::OK();
  // Unsigned JSON integers above INT64_MAX would wrap; years past 9999 are typos.
  const bool in_range = time->is_number_integer() &&
                        (time->is_number_unsigned() ? time->get<uint64_t>() <= uint64_t(kLatestEventTime)
                                                    : time->get<int64_t>() >= 0 &&
                                                          time->get<int64_t>() <= kLatestEventTime);
  if (!in_range) return Expected(Join(prefix, "time"), "an integer (epoch seconds) in [0, 253402300799]", *time);
  out = time->get<int64_t>();
  return Status::OK();
}

// "eligible": an optional array of artwork id strings. The rules on its
// contents (impressions only, non-empty, distinct, holding the chosen
// artwork) are ValidateEvent's, applied to the whole event afterwards.
Status ReadEligible(const json& object, const std::string& prefix, std::vector<std::string>& out) {
  auto it = object.find("eligible");
  if (it == object.end()) return Status::OK();
  const std::string field = Join(prefix, "eligible");
  if (!it->is_array()) return Expected(field, "an array of artwork ids", *it);
  out.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    const json& id = (*it)[i];
    if (!id.is_string()) {
      return Status::InvalidField(field, fmt::format("{}[{}]: expected an artwork id string, found {}", field, i,
                                                     json_fields::TypeName(id)));
    }
    out.push_back(id.get<std::string>());
  }
  return Status::OK();
}

// A required position in [0, 2^32) (placement.row, placement.column).
Status ReadPosition(const json& object, const char* name, const std::string& prefix, uint32_t& out) {
  const std::string field = Join(prefix, name);
  auto it = object.find(name);
  if (it == object.end()) return Required(field);
  if (!it->is_number_integer() || (!it->is_number_unsigned() && it->get<int64_t>() < 0)) {
    return Expected(field, "a non-negative integer", *it);
  }
  const uint64_t value = it->get<uint64_t>();
  if (value > std::numeric_limits<uint32_t>::max()) {
    return json_fields::Invalid(field,
                                fmt::format("expected a non-negative integer below 2^32, found {}", value));
  }
  out = static_cast<uint32_t>(value);
  return Status::OK();
}

// "placement": an optional object, every member of it required. Whether the
// event may carry one (impressions only) is ValidateEvent's rule.
Status ReadPlacement(const json& object, const std::string& prefix, std::optional<PagePlacement>& out) {
  auto it = object.find("placement");
  if (it == object.end()) return Status::OK();
  const std::string field = Join(prefix, "placement");
  if (!it->is_object()) return Expected(field, "a placement object", *it);
  MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(*it, kPlacementFields, field));
  PagePlacement placement;
  MARQUEE_RETURN_IF_ERROR(ReadId(*it, "page_id", field, placement.page_id));
  MARQUEE_RETURN_IF_ERROR(ReadId(*it, "row_id", field, placement.row_id));
  MARQUEE_RETURN_IF_ERROR(ReadPosition(*it, "row", field, placement.row));
  MARQUEE_RETURN_IF_ERROR(ReadPosition(*it, "column", field, placement.column));
  out = std::move(placement);
  return Status::OK();
}

// "experiment": an optional object {name, cell?, team?}. Which events may
// carry one, and which of cell and team, is ValidateEvent's rule.
Status ReadExperimentTag(const json& object, const std::string& prefix, std::optional<ExperimentTag>& out) {
  auto it = object.find("experiment");
  if (it == object.end()) return Status::OK();
  const std::string field = Join(prefix, "experiment");
  if (!it->is_object()) return Expected(field, "an experiment object {\"name\": ...}", *it);
  MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(*it, kExperimentFields, field));
  ExperimentTag tag;
  MARQUEE_RETURN_IF_ERROR(ReadId(*it, "name", field, tag.experiment));
  MARQUEE_RETURN_IF_ERROR(ReadString(*it, "cell", field, tag.cell));
  MARQUEE_RETURN_IF_ERROR(ReadString(*it, "team", field, tag.team));
  out = std::move(tag);
  return Status::OK();
}

// ValidateEvent's verdict on a parsed event, its field under `prefix`.
Status CheckParsed(const Event& event, const std::string& prefix) {
  Status s = ValidateEvent(event);
  if (s.ok() || prefix.empty()) return s;
  return Status::InvalidField(Join(prefix, s.field()), fmt::format("{}.{}", prefix, s.message()));
}

Result<Event> EventFromObject(const json& object, const std::string& prefix, int64_t default_time) {
  if (!object.is_object()) return Expected(prefix.empty() ? "event" : prefix, "an event object", object);
  MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(object, kEventFields, prefix));
  Event event;
  const std::string kind_field = Join(prefix, "kind");
  auto kind = object.find("kind");
  if (kind == object.end()) return Required(kind_field);
  if (!kind->is_string()) return Expected(kind_field, "play, rating, impression, click or exposure", *kind);
  Result<EventKind> parsed_kind = ParseEventKind(kind->get<std::string>());
  if (!parsed_kind.ok()) return Status::InvalidField(kind_field, fmt::format("{}: {}", kind_field, parsed_kind.status().message()));
  event.kind = *parsed_kind;
  MARQUEE_RETURN_IF_ERROR(ReadId(object, "member", prefix, event.member_id));
  // An exposure names no title (ValidateEvent).
  if (event.kind != EventKind::kExposure || object.contains("title")) {
    MARQUEE_RETURN_IF_ERROR(ReadId(object, "title", prefix, event.title_id));
  }
  event.time = default_time;
  MARQUEE_RETURN_IF_ERROR(ReadTime(object, prefix, event.time));
  std::optional<double> fraction;
  MARQUEE_RETURN_IF_ERROR(ReadFraction(object, "watch_fraction", prefix, fraction));
  if (fraction) event.watch_fraction = static_cast<float>(*fraction);
  if (auto rating = object.find("rating"); rating != object.end()) {
    if (!rating->is_number() || !std::isfinite(rating->get<double>())) {
      return Expected(Join(prefix, "rating"), "a finite number", *rating);
    }
    event.rating = rating->get<float>();
  }
  if (event.kind == EventKind::kRating && !event.rating) {
    return Required(Join(prefix, "rating"), "required for a rating event");
  }
  MARQUEE_RETURN_IF_ERROR(ReadString(object, "artwork", prefix, event.artwork_id));
  MARQUEE_RETURN_IF_ERROR(ReadFraction(object, "propensity", prefix, event.propensity));
  if (event.propensity && *event.propensity < kMinPropensity) {
    // Positive, but smaller than any real policy logs (see kMinPropensity):
    // said here, at the entrance, rather than as an overflow later.
    const std::string field = Join(prefix, "propensity");
    return json_fields::Invalid(field, fmt::format("expected a probability in [{:g}, 1], found {:g}",
                                                   kMinPropensity, *event.propensity));
  }
  MARQUEE_RETURN_IF_ERROR(ReadString(object, "impression_id", prefix, event.impression_id));
  MARQUEE_RETURN_IF_ERROR(ReadEligible(object, prefix, event.eligible_artwork_ids));
  MARQUEE_RETURN_IF_ERROR(ReadPlacement(object, prefix, event.placement));
  MARQUEE_RETURN_IF_ERROR(ReadExperimentTag(object, prefix, event.experiment));
  MARQUEE_RETURN_IF_ERROR(CheckParsed(event, prefix));
  return event;
}

Result<json> ParseDocument(std::string_view text) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Status::ParseError("expected a JSON object, found text that is not valid JSON").WithField("body");
  return document;
}

}  // namespace

Result<std::vector<Event>> ParseEventsJson(std::string_view text, int64_t default_time) {
  MARQUEE_ASSIGN_OR_RETURN(json root, ParseDocument(text));
  if (!root.is_object()) return Expected("body", "an event object or {\"events\": [...]}", root);
  std::vector<Event> events;
  if (!root.contains("events")) {
    MARQUEE_ASSIGN_OR_RETURN(Event event, EventFromObject(root, "", default_time));
    events.push_back(std::move(event));
    return events;
  }
  MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(root, {"events"}, ""));
  const json& list = root["events"];
  if (!list.is_array()) return Expected("events", "an array of event objects", list);
  if (list.empty()) return Status::InvalidField("events", "events: expected at least one event");
  events.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    MARQUEE_ASSIGN_OR_RETURN(Event event, EventFromObject(list[i], fmt::format("events[{}]", i), default_time));
    events.push_back(std::move(event));
  }
  return events;
}

Result<Event> ParseEventJson(std::string_view text, int64_t default_time) {
  MARQUEE_ASSIGN_OR_RETURN(json root, ParseDocument(text));
  return EventFromObject(root, "", default_time);
}

std::string EventToJson(const Event& e) {
  json j = {{"kind", std::string(EventKindName(e.kind))}, {"member", e.member_id}};
  if (!e.title_id.empty() || e.kind != EventKind::kExposure) j["title"] = e.title_id;
  j["time"] = e.time;
  if (e.watch_fraction) j["watch_fraction"] = *e.watch_fraction;
  if (e.rating) j["rating"] = *e.rating;
  if (!e.artwork_id.empty()) j["artwork"] = e.artwork_id;
  if (e.propensity) j["propensity"] = *e.propensity;
  if (!e.impression_id.empty()) j["impression_id"] = e.impression_id;
  if (!e.eligible_artwork_ids.empty()) j["eligible"] = e.eligible_artwork_ids;
  if (e.placement) {
    j["placement"] = {{"page_id", e.placement->page_id},
                      {"row_id", e.placement->row_id},
                      {"row", e.placement->row},
                      {"column", e.placement->column}};
  }
  if (e.experiment) {
    json tag = {{"name", e.experiment->experiment}};
    if (!e.experiment->cell.empty()) tag["cell"] = e.experiment->cell;
    if (!e.experiment->team.empty()) tag["team"] = e.experiment->team;
    j["experiment"] = std::move(tag);
  }
  return json_fields::Dump(j);
}

}  // namespace marquee
