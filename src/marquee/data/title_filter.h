// TitleFilter: which titles may be recommended in a context -- a genre row,
// the member's region, a maturity limit (a kids' profile). It becomes a mask
// over title indices that the ranking step applies (RecommendOptions::candidates).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/util/status.h"

namespace marquee {

struct TitleFilter {
  std::vector<std::string> genres;  // any of these (case-insensitive); empty = any genre
  std::string region;               // available here (titles with no regions are everywhere)
  std::string max_maturity;         // at most this rating; empty = no limit

  bool empty() const { return genres.empty() && region.empty() && max_maturity.empty(); }
};

// Maturity ratings in increasing order of restriction, with US film and TV
// ratings on one scale: 0 G, TV-Y, TV-G; 1 TV-Y7, PG, TV-PG; 2 PG-13, TV-14;
// 3 R; 4 NC-17, TV-MA. nullopt for a rating not on the scale.
std::optional<int> MaturityLevel(std::string_view rating);

// A mask with one byte a title (1 = allowed). An unknown genre or maturity
// name is an InvalidArgument naming the known ones. Under a maturity limit,
// titles without a known rating are left out (the safe side for a child).
Result<std::vector<uint8_t>> CandidateMask(const Catalog& catalog, const TitleFilter& filter);

}  // namespace marquee
