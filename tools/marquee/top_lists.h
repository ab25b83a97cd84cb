// Every member's top list, for the experiment commands: the k titles a model
// scores best that the member has not played.
#pragma once

#include <cstdint>
#include <vector>

#include "marquee/data/interactions.h"
#include "marquee/models/recommender.h"

namespace marquee::cli {

// Member-major (member m's list at [m * k, (m + 1) * k)), scored from
// `history` (what the model folds in), leaving out titles in `played`;
// positions a member has no title for hold title 0 (only when the catalog
// has fewer than k titles they have not played).
std::vector<uint32_t> TopLists(const Recommender& model, const InteractionMatrix& history,
                               const InteractionMatrix& played, uint32_t k);

}  // namespace marquee::cli
