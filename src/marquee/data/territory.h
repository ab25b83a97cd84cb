// Territories: where a member is, as ISO 3166 codes -- a country ("US",
// ISO 3166-1 alpha-2) or a subdivision ("US-NY", ISO 3166-2: the country,
// '-', then 1 to 3 letters or digits). Requests name one (?territory=);
// experiments target them (experiment_spec.h regions).
#pragma once

#include <string_view>

namespace marquee {

// True for "US", "US-NY", "GB"; false for "us", "USA", "US-", "US-ABCD".
bool IsTerritoryCode(std::string_view text);

}  // namespace marquee
