// New titles as JSON lines: what `marquee forecast --titles` forecasts and
// `marquee catalog add-titles` adds (and, later, the server's admin route
// takes): one JSON object a line, describing a title not yet on the service
// by its metadata:
//   {"title": "new-001", "name": "...", "genres": ["Drama"], "year": 2026,
//    "maturity": "PG-13", "runtime_minutes": 110, "performers": ["p000012"],
//    "tags": ["heist"]}
// "title" is required (1 to 100 letters, digits, '.', '_', '-': it names
// the chart file; each once in a file); the rest is optional. Genres match
// the catalog's ignoring case, and so do maturity ratings (else the standard
// US scale's, title_filter.h); genres, performers and ratings neither knows
// are named in `unknown` (they cannot be features: no title with plays has
// them).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/util/status.h"

namespace marquee {

struct NewTitle {
  std::string title_id;
  Title title;                       // genres and credits as indices into the catalog
  std::vector<std::string> unknown;  // "genre:X", "performer:Y" the catalog lacks
  // The title's JSON object as read (compact, keys sorted): what the
  // server's title log stores and parses again at start.
  std::string definition;
};

// Errors: "FILE:LINE: FIELD: expected ..., found ..." (InvalidArgument);
// NotFound for a missing file; a file with no title.
Result<std::vector<NewTitle>> ReadNewTitles(const std::string& path, const Catalog& catalog);

// The same from `text` (a request body), errors naming `source` where the
// file reader names the path ("body:2: genres: ..."). At most `max_titles`
// titles (InvalidArgument beyond).
Result<std::vector<NewTitle>> ParseNewTitles(std::string_view text, std::string_view source, const Catalog& catalog,
                                             size_t max_titles = SIZE_MAX);

// ParseNewTitles for many texts against one catalog (a title log read back
// one record at a time): the catalog's ratings are indexed once. `catalog`
// must outlive the parser.
class NewTitleParser {
 public:
  explicit NewTitleParser(const Catalog& catalog);
  Result<std::vector<NewTitle>> Parse(std::string_view text, std::string_view source,
                                      size_t max_titles = SIZE_MAX) const;

 private:
  const Catalog& catalog_;
  std::map<std::string, std::string> ratings_;  // the catalog's maturity ratings, by lower-case spelling
};

}  // namespace marquee
