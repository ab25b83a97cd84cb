// What a recommendation request asks for, as the services take it (the HTTP
// layer parses requests into these). Kept apart from the services so that
// request parsing needs no model or store headers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marquee/data/title_filter.h"
#include "marquee/models/recommend.h"

namespace marquee::serve {

// Titles a list holds when the request does not say.
inline constexpr uint32_t kDefaultK = RecommendOptions{}.k;

// GET /v1/members/{id}/recommendations.
struct MemberQuery {
  uint32_t k = kDefaultK;
  bool exclude_watched = true;
  TitleFilter filter;
};

// POST /v1/recommendations: a history the model never saw, as title ids
// (unknown ones are an error), the list size and the filters.
struct HistoryQuery {
  std::vector<std::string> title_ids;
  uint32_t k = kDefaultK;
  TitleFilter filter;
};

}  // namespace marquee::serve
