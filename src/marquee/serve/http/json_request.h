// Reading requests: query parameters and JSON bodies into typed values, with
// errors that name the field and say what was expected. Nothing here knows
// about HTTP or the models; the server hands in the raw text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "marquee/data/territory.h"

#include "marquee/data/event.h"
#include "marquee/data/title_filter.h"
#include "marquee/serve/http/api_error.h"
#include "marquee/serve/homepage_service.h"
#include "marquee/serve/queries.h"

namespace marquee::serve {

// A parsed value or the ApiError explaining why there is none.
template <typename T>
class Parsed {
 public:
  Parsed(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Parsed(ApiError error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  T& value() { return std::get<T>(v_); }
  const ApiError& error() const { return std::get<ApiError>(v_); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }

 private:
  std::variant<T, ApiError> v_;
};

// Query parameters as the HTTP layer decodes them (a name may repeat).
using QueryParams = std::multimap<std::string, std::string>;

inline constexpr uint32_t kMaxK = 1000;
// GET /v1/members/{id}/artwork?titles=...: titles a request may name.
inline constexpr size_t kMaxArtworkTitles = 200;
// Titles one POST /v1/titles may add (each rebuilds nothing, but the
// catalog and model are copied once per request).
inline constexpr size_t kMaxNewTitles = 1000;

// ?name=N, a whole number in [min, max]; `fallback` when absent. The error
// names the parameter and the range.
Parsed<uint32_t> ParseCountParam(const QueryParams& params, const std::string& name, uint32_t min, uint32_t max,
                                 uint32_t fallback);
// ?name=a,b&name=c: the non-empty items of every comma-separated value, in order.
std::vector<std::string> ParseListParam(const QueryParams& params, const std::string& name);
// ?k=N, 1..kMaxK; `fallback` when absent.
Parsed<uint32_t> ParseKParam(const QueryParams& params, uint32_t fallback = kDefaultK);
// ?name=true|false|1|0; `fallback` when absent.
Parsed<bool> ParseBoolParam(const QueryParams& params, const std::string& name, bool fallback);
// ?territory=CC or CC-SUB (ISO 3166-1 alpha-2, optionally a 3166-2
// subdivision of 1 to 3 letters or digits); `fallback` when absent.
Parsed<std::string> ParseTerritoryParam(const QueryParams& params, const std::string& fallback);
// ?genre=A&genre=B&region=US&maturity=PG-13 (names are checked against the
// catalog later, by the service).
Parsed<TitleFilter> ParseFilterParams(const QueryParams& params);

// GET /v1/members/{id}/homepage: the page's shape and filters, and how many
// leading titles of each row get artwork (the visible part; the rest is
// chosen when the member scrolls, through /v1/members/{id}/artwork).
inline constexpr uint32_t kDefaultArtworkColumns = 4;
struct HomepageRequest {
  HomepageQuery query;
  std::string territory;        // for the consent gate: the region when given, else the server's default
  std::string device;           // "tv", "web", "mobile", "tablet" or "" (echoed)
  bool artwork = true;
  uint32_t artwork_columns = kDefaultArtworkColumns;
};
// ?rows=R&per_row=C&region=DE&maturity=PG-13&exclude=a,b&device=tv&artwork=false&artwork_columns=N.
// Errors name the parameter (400); unknown maturity names and exclusions
// are checked by the service.
Parsed<HomepageRequest> ParseHomepageRequest(const QueryParams& params, const std::string& default_territory,
                                             bool artwork_default);

// A JSON document; malformed text is an error with code "malformed_json".
Parsed<nlohmann::json> ParseJsonBody(std::string_view body);

// POST /v1/recommendations: {"history": [title ids], "k": 20,
// "genre": "Drama" | [...], "region": "US", "maturity": "PG"}.
// The query, plus artwork for an anonymous session: with "artwork": true each
// title carries the policy's choice, and its impression is logged under
// "session_id" as the member id (so plays and clicks posted under the same id
// reward it). "session_id" is required then, and must be non-empty.
struct HistoryRequest : HistoryQuery {
  bool artwork = false;
  std::string session_id;
  std::string territory;  // "territory": empty = the server's default
};
Parsed<HistoryRequest> ParseHistoryRequest(std::string_view body);

// POST /v1/events: one event object, or {"events": [...]}. Times default to
// `now`. Unknown fields, wrong types and out-of-range values are errors naming
// "events[i].field" (or just "field" for a single object).
Parsed<std::vector<Event>> ParseEventsRequest(std::string_view body, int64_t now);

// POST /v1/models/reload: an empty body or {"model": "DIR"}.
// POST /v1/page-config/reload: {"path": FILE} or an empty body (the current file again).
Parsed<std::optional<std::string>> ParsePageConfigReloadRequest(std::string_view body);
Parsed<std::optional<std::string>> ParseReloadRequest(std::string_view body);

}  // namespace marquee::serve
