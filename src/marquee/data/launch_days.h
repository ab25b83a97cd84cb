// A title's launch day: its release date when the catalog has one, else
// the day of its first interaction -- the one rule the ranking features
// (title age) and the audience forecasts (first N days) share.
#pragma once

#include <cstdint>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/data/interactions.h"

namespace marquee {

// Each title's launch day (days since 1970-01-01, UTC), one per column of
// `data`; INT64_MIN when the title has neither a release date nor a timed
// interaction.
std::vector<int64_t> LaunchDays(const InteractionMatrix& data, const Catalog& catalog);

}  // namespace marquee
