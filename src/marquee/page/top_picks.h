// Top Picks for You: the recommender's best titles for the member (the
// request's score vector, live plays folded in), unwatched and allowed.
// For a non-personalized page the heading is "Popular on Marquee" (the
// scores are popularity).
#pragma once

#include <memory>

#include "marquee/page/row_generator.h"

namespace marquee::page {

std::unique_ptr<RowGenerator> MakeTopPicksRow(const RowSpec& spec);

}  // namespace marquee::page
