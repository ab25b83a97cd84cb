// Creating recommenders by name, with their parameters validated.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/util/parameters.h"
#include "marquee/models/recommender.h"
#include "marquee/util/status.h"

namespace marquee {

// "popularity", "itemknn", "ials", "ease". Unknown names, unknown parameters
// and out-of-range values are InvalidArgument errors naming what was expected.
Result<std::unique_ptr<Recommender>> CreateRecommender(std::string_view name,
                                                       const Parameters& parameters);

std::vector<std::string> RecommenderNames();

// The parameters model `name` takes, in its table's order, with defaults;
// InvalidArgument for an unknown name (as CreateRecommender).
Result<std::vector<ParameterInfo>> RecommenderParameters(std::string_view name);

}  // namespace marquee
