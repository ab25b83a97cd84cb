#include "marquee/serve/http/json_request.h"

#include "marquee/data/event_json.h"

#include <charconv>
#include <cmath>
#include <set>

namespace marquee::serve {

namespace {

using nlohmann::json;

// "a JSON string" / "a number" ... for "expected X, found Y" messages.
std::string JsonTypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    default: return "a value";
  }
}

ApiError Expected(const std::string& field, const std::string& what, const json& found) {
  return ApiError::BadField(field, field + ": expected " + what + ", found " + JsonTypeName(found));
}

std::string Join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// Ids are strings; integers are accepted too, since many catalogs number
// their titles and members (MovieLens, Netflix Prize).
std::optional<std::string> IdText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_unsigned()) return std::to_string(value.get<uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  return std::nullopt;
}

std::optional<ApiError> RejectUnknownFields(const json& object, const std::set<std::string>& known,
                                            const std::string& prefix) {
  for (const auto& [name, value] : object.items()) {
    if (known.count(name) == 0) {
      std::string expected;
      for (const std::string& k : known) expected += (expected.empty() ? "" : ", ") + k;
      return ApiError::BadField(Join(prefix, name), "unknown field " + QuoteForError(name) +
                                                        "; expected one of: " + expected);
    }
  }
  return std::nullopt;
}

Parsed<uint32_t> ParseKValue(const json& value) {
  if (!value.is_number_integer() || value.get<int64_t>() < 1 ||
      value.get<int64_t>() > static_cast<int64_t>(kMaxK)) {
    return ApiError::BadField("k", "k: expected an integer in 1.." + std::to_string(kMaxK) +
                                       ", found " + value.dump());
  }
  return static_cast<uint32_t>(value.get<int64_t>());
}

// Reads an optional string-or-array-of-strings field into `out`.
std::optional<ApiError> ReadGenres(const json& value, std::vector<std::string>& out) {
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
    return std::nullopt;
  }
  if (!value.is_array()) return Expected("genre", "a string or an array of strings", value);
  for (const json& g : value) {
    if (!g.is_string()) return Expected("genre", "an array of strings", g);
    out.push_back(g.get<std::string>());
  }
  return std::nullopt;
}

std::optional<ApiError> ReadString(const json& object, const char* name, const std::string& prefix,
                                   std::string& out) {
  auto it = object.find(name);
  if (it == object.end()) return std::nullopt;
  if (!it->is_string()) return Expected(Join(prefix, name), "a string", *it);
  out = it->get<std::string>();
  return std::nullopt;
}



}  // namespace

Parsed<uint32_t> ParseKParam(const QueryParams& params, uint32_t fallback) {
  auto it = params.find("k");
  if (it == params.end()) return fallback;
  const std::string& text = it->second;
  uint32_t k = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), k);
  if (ec != std::errc() || end != text.data() + text.size() || k < 1 || k > kMaxK) {
    return ApiError::BadField("k", "k: expected an integer in 1.." + std::to_string(kMaxK) +
                                       ", found " + QuoteForError(text));
  }
  return k;
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

Parsed<nlohmann::json> ParseJsonBody(std::string_view body) {
  json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return ApiError{400, "malformed_json", "the request body is not valid JSON", "body"};
  }
  return document;
}

Parsed<HistoryRequest> ParseHistoryRequest(std::string_view body) {
  Parsed<json> document = ParseJsonBody(body);
  if (!document.ok()) return document.error();
  const json& object = *document;
  if (!object.is_object()) return Expected("body", "a JSON object", object);
  if (auto e = RejectUnknownFields(object, {"history", "k", "genre", "region", "maturity"}, "")) return *e;
  HistoryRequest request;
  auto history = object.find("history");
  if (history == object.end()) return ApiError::BadField("history", "history: required");
  if (!history->is_array()) return Expected("history", "an array of title ids", *history);
  for (size_t i = 0; i < history->size(); ++i) {
    std::optional<std::string> id = IdText((*history)[i]);
    std::string field = "history[" + std::to_string(i) + "]";
    if (!id) return Expected(field, "a title id", (*history)[i]);
    request.title_ids.push_back(std::move(*id));
  }
  if (auto k = object.find("k"); k != object.end()) {
    Parsed<uint32_t> parsed = ParseKValue(*k);
    if (!parsed.ok()) return parsed.error();
    request.k = *parsed;
  }
  if (auto genre = object.find("genre"); genre != object.end()) {
    if (auto e = ReadGenres(*genre, request.filter.genres)) return *e;
  }
  if (auto e = ReadString(object, "region", "", request.filter.region)) return *e;
  if (auto e = ReadString(object, "maturity", "", request.filter.max_maturity)) return *e;
  return request;
}

Parsed<std::vector<Event>> ParseEventsRequest(std::string_view body, int64_t now) {
  Result<std::vector<Event>> events = ParseEventsJson(body, now);
  if (!events.ok()) return FromStatus(events.status());
  return std::move(events).value();
}

Parsed<std::optional<std::string>> ParseReloadRequest(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::optional<std::string>();
  Parsed<json> document = ParseJsonBody(body);
  if (!document.ok()) return document.error();
  const json& object = *document;
  if (!object.is_object()) return Expected("body", "a JSON object", object);
  if (auto e = RejectUnknownFields(object, {"model"}, "")) return *e;
  auto model = object.find("model");
  if (model == object.end()) return std::optional<std::string>();
  if (!model->is_string() || model->get<std::string>().empty()) {
    return Expected("model", "a model directory path", *model);
  }
  return std::optional<std::string>(model->get<std::string>());
}

}  // namespace marquee::serve
