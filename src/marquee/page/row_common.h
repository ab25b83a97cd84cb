// Page-internal: what the row generators share -- the last step of every
// generator (keep a row only when it has enough titles) and the words of
// headings and reasons. Not part of the library's interface.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/page/page_config.h"
#include "marquee/page/page_types.h"

namespace marquee::page {

// Appends `row` to `out` when it has at least spec.min_titles titles (and
// one at least: an empty row is never proposed). Returns whether it did.
bool Propose(const RowSpec& spec, CandidateRow&& row, std::vector<CandidateRow>& out);

}  // namespace marquee::page

namespace marquee::page::text {

// "today", "yesterday", "3 days ago", "2 weeks ago", "5 months ago"; "" when
// the time is unknown (0) or after now.
std::string Ago(int64_t time, int64_t now);
// 1 -> "1st", 2 -> "2nd", 11 -> "11th", 22 -> "22nd".
std::string Ordinal(uint32_t n);
// A genre name as a row heading: "Thriller" -> "Thrillers", "Comedy" ->
// "Comedies"; names already plural ("Kids") and genres read as a mass noun
// ("Action", "Horror", "Sci-Fi") stay as they are.
std::string GenreHeading(std::string_view genre);
// progress in [0, 1] as a whole percentage: 0.915 -> 92.
int Percent(double share);

}  // namespace marquee::page::text
