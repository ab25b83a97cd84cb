// Genre rows ("Thrillers", "Comedies", ...): the member's spec.count
// favourite genres, each a row of that genre's titles ranked by the
// request's scores (allowed, unwatched).
//
// Affinity of genre g: the sum over the member's plays of weight / |genres
// of the title| for titles having g (a title's weight shared among its
// genres). Without plays (a non-personalized page; also when no play has a
// positive weight and a genre), the genres by the sum of the request's
// scores' top titles (the 100 best allowed, each score shared among the
// title's genres as weights are) -- the popular genres. Ties: lower genre
// index. Genres with no titles left after the filters are skipped.
#pragma once

#include <memory>
#include <vector>

#include "marquee/page/row_generator.h"

namespace marquee::page {

std::unique_ptr<RowGenerator> MakeGenreRows(const RowSpec& spec);

// Genre indices by decreasing affinity of `in` (all genres with a positive
// affinity), for tests and the demo's "why".
std::vector<uint16_t> RankGenres(const PageInputs& in);

}  // namespace marquee::page
