#include "marquee/serve/http/json_request.h"

#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "marquee/data/event_json.h"
#include "marquee/util/json_fields.h"

namespace marquee::serve {

namespace {

using nlohmann::json;

using json_fields::Expected;
using json_fields::IdText;
using json_fields::ReadString;
using json_fields::RejectUnknownFields;

Result<uint32_t> ParseKValue(const json& value) {
  if (!value.is_number_integer() || value.get<int64_t>() < 1 ||
      value.get<int64_t>() > static_cast<int64_t>(kMaxK)) {
    return Status::InvalidField("k", fmt::format("k: expected an integer in 1..{}, found {}", kMaxK, json_fields::Dump(value)));
  }
  return static_cast<uint32_t>(value.get<int64_t>());
}

// Reads an optional string-or-array-of-strings field into `out`.
Status ReadGenres(const json& value, std::vector<std::string>& out) {
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
    return Status::OK();
  }
  if (!value.is_array()) return Expected("genre", "a string or an array of strings", value);
  for (const json& g : value) {
    if (!g.is_string()) return Expected("genre", "an array of strings", g);
    out.push_back(g.get<std::string>());
  }
  return Status::OK();
}

// A JSON object, or the error naming the body.
// A JSON document, or ParseError naming the body (the HTTP layer answers
// malformed_json).
Result<json> ParseDocument(std::string_view body) {
  json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Status::ParseError("the request body is not valid JSON").WithField("body");
  return document;
}

Result<json> ParseObject(std::string_view body) {
  MARQUEE_ASSIGN_OR_RETURN(json document, ParseDocument(body));
  if (!document.is_object()) return Expected("body", "a JSON object", document);
  return document;
}

Result<HistoryRequest> ReadHistoryRequest(std::string_view body) {
  MARQUEE_ASSIGN_OR_RETURN(json object, ParseObject(body));
  MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(
      object, {"history", "k", "genre", "region", "maturity", "artwork", "session_id", "territory"}, ""));
  HistoryRequest request;
  auto history = object.find("history");
  if (history == object.end()) return json_fields::Invalid("history", "required");
  if (!history->is_array()) return Expected("history", "an array of title ids", *history);
  for (size_t i = 0; i < history->size(); ++i) {
    std::optional<std::string> id = IdText((*history)[i]);
    if (!id) return Expected(fmt::format("history[{}]", i), "a title id", (*history)[i]);
    request.title_ids.push_back(std::move(*id));
  }
  if (auto k = object.find("k"); k != object.end()) {
    MARQUEE_ASSIGN_OR_RETURN(request.k, ParseKValue(*k));
  }
  if (auto genre = object.find("genre"); genre != object.end()) {
    MARQUEE_RETURN_IF_ERROR(ReadGenres(*genre, request.filter.genres));
  }
  MARQUEE_RETURN_IF_ERROR(ReadString(object, "region", "", request.filter.region));
  MARQUEE_RETURN_IF_ERROR(ReadString(object, "maturity", "", request.filter.max_maturity));
  if (auto artwork = object.find("artwork"); artwork != object.end()) {
    if (!artwork->is_boolean()) return Expected("artwork", "true or false", *artwork);
    request.artwork = artwork->get<bool>();
  }
  if (auto session = object.find("session_id"); session != object.end()) {
    std::optional<std::string> id = IdText(*session);
    if (!id || id->empty()) return Expected("session_id", "a non-empty id", *session);
    request.session_id = std::move(*id);
  }
  MARQUEE_RETURN_IF_ERROR(ReadString(object, "territory", "", request.territory));
  if (!request.territory.empty() && !IsTerritoryCode(request.territory)) {
    return json_fields::Invalid("territory", "expected an ISO 3166 code such as \"US\" or \"US-NY\", found \"" +
                                                 request.territory + "\"");
  }
  if (request.artwork && request.session_id.empty()) {
    return json_fields::Invalid("session_id", "required when artwork is true (impressions are logged under it)");
  }
  return request;
}

// {"KEY": "path"} or an empty body: the optional path a reload names.
Result<std::optional<std::string>> ReadReloadRequest(std::string_view body, const std::string& key,
                                                     std::string_view what) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::optional<std::string>();
  MARQUEE_ASSIGN_OR_RETURN(json object, ParseObject(body));
  MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(object, {key}, ""));
  auto path = object.find(key);
  if (path == object.end()) return std::optional<std::string>();
  if (!path->is_string()) return Expected(key, what, *path);
  if (path->get<std::string>().empty()) {
    return Status::InvalidField(key, key + ": expected " + std::string(what) + ", found an empty string");
  }
  return std::optional<std::string>(path->get<std::string>());
}

// The HTTP layer's form of a Result: the value, or the ApiError its Status maps to.
template <typename T>
Parsed<T> ToParsed(Result<T> result) {
  if (!result.ok()) return FromStatus(result.status());
  return std::move(result).value();
}

}  // namespace

Parsed<uint32_t> ParseKParam(const QueryParams& params, uint32_t fallback) {
  return ParseCountParam(params, "k", 1, kMaxK, fallback);
}

Parsed<bool> ParseBoolParam(const QueryParams& params, const std::string& name, bool fallback) {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  if (it->second == "true" || it->second == "1") return true;
  if (it->second == "false" || it->second == "0") return false;
  return ApiError::BadField(name, name + ": expected true or false, found " + QuoteForError(it->second));
}

Parsed<TitleFilter> ParseFilterParams(const QueryParams& params) {
  TitleFilter filter;
  auto [begin, end] = params.equal_range("genre");
  for (auto it = begin; it != end; ++it) {
    if (it->second.empty()) return ApiError::BadField("genre", "genre: expected a genre name, found \"\"");
    filter.genres.push_back(it->second);
  }
  if (auto it = params.find("region"); it != params.end()) filter.region = it->second;
  if (auto it = params.find("maturity"); it != params.end()) filter.max_maturity = it->second;
  return filter;
}

Parsed<nlohmann::json> ParseJsonBody(std::string_view body) { return ToParsed(ParseDocument(body)); }

Parsed<std::string> ParseTerritoryParam(const QueryParams& params, const std::string& fallback) {
  auto it = params.find("territory");
  if (it == params.end()) return fallback;
  if (!IsTerritoryCode(it->second)) {
    return ApiError::BadField("territory", "territory: expected an ISO 3166 code such as US or US-NY, found \"" +
                                               it->second.substr(0, 40) + "\"");
  }
  return it->second;
}

// ?name=N with N in [min, max]; `fallback` when absent.
Parsed<uint32_t> ParseCountParam(const QueryParams& params, const std::string& name, uint32_t min, uint32_t max,
                                 uint32_t fallback) {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  const std::string& text = it->second;
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return ApiError::BadField(name, name + ": expected an integer in " + std::to_string(min) + ".." +
                                        std::to_string(max) + ", found " + QuoteForError(text));
  }
  return value;
}

std::vector<std::string> ParseListParam(const QueryParams& params, const std::string& name) {
  std::vector<std::string> out;
  for (auto [it, end] = params.equal_range(name); it != end; ++it) {
    std::string_view list = it->second;
    while (!list.empty()) {
      const size_t comma = list.find(',');
      std::string_view id = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      if (!id.empty()) out.emplace_back(id);
    }
  }
  return out;
}


Parsed<HomepageRequest> ParseHomepageRequest(const QueryParams& params, const std::string& default_territory,
                                             bool artwork_default) {
  HomepageRequest request;
  Parsed<uint32_t> rows = ParseCountParam(params, "rows", 1, kMaxPageRows, 0);
  if (!rows.ok()) return rows.error();
  Parsed<uint32_t> per_row = ParseCountParam(params, "per_row", 1, kMaxPagePerRow, 0);
  if (!per_row.ok()) return per_row.error();
  request.query.rows = *rows;
  request.query.per_row = *per_row;
  if (auto it = params.find("region"); it != params.end()) {
    if (!IsTerritoryCode(it->second)) {
      return ApiError::BadField("region", "region: expected an ISO 3166 code such as US or DE, found " +
                                              QuoteForError(it->second));
    }
    request.query.region = it->second;
  }
  if (auto it = params.find("maturity"); it != params.end()) request.query.max_maturity = it->second;
  request.query.exclude_ids = ParseListParam(params, "exclude");
  if (auto it = params.find("device"); it != params.end()) {
    const std::string& d = it->second;
    if (d != "tv" && d != "web" && d != "mobile" && d != "tablet") {
      return ApiError::BadField("device", "device: expected tv, web, mobile or tablet, found " + QuoteForError(d));
    }
    request.device = d;
  }
  request.territory = request.query.region.empty() ? default_territory : request.query.region;
  Parsed<bool> artwork = ParseBoolParam(params, "artwork", artwork_default);
  if (!artwork.ok()) return artwork.error();
  request.artwork = *artwork;
  Parsed<uint32_t> columns = ParseCountParam(params, "artwork_columns", 0, kMaxPagePerRow, kDefaultArtworkColumns);
  if (!columns.ok()) return columns.error();
  request.artwork_columns = *columns;
  return request;
}

Parsed<HistoryRequest> ParseHistoryRequest(std::string_view body) { return ToParsed(ReadHistoryRequest(body)); }

namespace {

// Exposures and experiment tags, refused before the event codec reads them
// (whose errors would explain how to write a tag the server then refuses).
std::optional<ApiError> ServerOnlyFields(std::string_view body) {
  const json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::nullopt;  // the codec says what is wrong
  const bool batch = doc.is_object() && doc.contains("events") && doc["events"].is_array();
  const json& list = batch ? doc["events"] : doc;
  auto check = [&](const json& e, const std::string& at) -> std::optional<ApiError> {
    if (!e.is_object()) return std::nullopt;
    if (e.contains("kind") && e["kind"] == "exposure") {
      return ApiError::BadField(at + "kind", at + "kind: exposures are logged by the server when it allocates a "
                                               "member to an experiment; expected play, rating, impression or click");
    }
    if (e.contains("experiment")) {
      return ApiError::BadField(at + "experiment", at + "experiment: set by the server for the experiments it "
                                                     "runs; expected no experiment on a posted event");
    }
    return std::nullopt;
  };
  if (!batch) return check(list, "");
  for (size_t i = 0; i < list.size(); ++i) {
    if (auto error = check(list[i], list.size() == 1 ? std::string() : fmt::format("events[{}].", i))) return error;
  }
  return std::nullopt;
}

}  // namespace

Parsed<std::vector<Event>> ParseEventsRequest(std::string_view body, int64_t now) {
  if (std::optional<ApiError> refused = ServerOnlyFields(body)) return *refused;
  Parsed<std::vector<Event>> events = ToParsed(ParseEventsJson(body, now));
  if (!events.ok()) return events;
  // Exposures and experiment tags are what the server itself logs when it
  // allocates members (issue 14): a client posting them would forge an
  // experiment's data.
  for (size_t i = 0; i < events->size(); ++i) {
    const Event& e = (*events)[i];
    const std::string at = events->size() == 1 ? std::string() : fmt::format("events[{}].", i);
    if (e.kind == EventKind::kExposure) {
      return ApiError::BadField(at + "kind", at + "kind: exposures are logged by the server when it allocates a "
                                               "member to an experiment; expected play, rating, impression or click");
    }
    if (e.experiment) {
      return ApiError::BadField(at + "experiment", at + "experiment: set by the server for the experiments it "
                                                     "runs; expected no experiment on a posted event");
    }
  }
  return events;
}

Parsed<std::optional<std::string>> ParseReloadRequest(std::string_view body) {
  return ToParsed(ReadReloadRequest(body, "model", "a model directory path"));
}

Parsed<std::optional<std::string>> ParsePageConfigReloadRequest(std::string_view body) {
  return ToParsed(ReadReloadRequest(body, "path", "a page configuration file path"));
}

}  // namespace marquee::serve
