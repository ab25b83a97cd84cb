// An assembled homepage (page/page_types.h) rendered for people and programs:
// text for a terminal, a static HTML page, and JSON. `marquee homepage` and
// the demo use them; the library builds pages and never formats them.
//
// Every function reads titles by the page's dense title indices, which must
// be indices of `dataset` (the dataset the page was built from).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "marquee/data/dataset.h"
#include "marquee/page/page_types.h"

namespace marquee::cli {

// The page as plain text, one block a row:
//    1. Because You Watched Heat  [because_you_watched]
//       why: <the row's reason>
//       Collateral (2004) 0.912 | Thief (1981) 0.877 | ...
// Titles are wrapped at `width` columns (at least one title a line). An
// empty page is one line saying so. Ends with a newline.
std::string RenderPageText(const page::Page& page, const Dataset& dataset, size_t width = 100);

// The page as a self-contained HTML document (inline CSS, no scripts, no
// external resources): the title "Homepage for <member_id>", `subtitle`
// under it (e.g. "not personalized: ..."; empty = none), then one
// horizontally scrolling row of tiles per page row under its heading and
// reason. A tile is a card coloured by the title's primary genre with the
// title's name on it and, in small type under it, the id of the first
// artwork variant that is not quarantined (Artwork::quarantined()); a title
// without one gets a plain title card. Each tile carries
// data-title="<title id>" (one per visible title). All text is escaped.
std::string RenderPageHtml(const page::Page& page, const Dataset& dataset, std::string_view member_id,
                           std::string_view subtitle);

// What the page's JSON says besides its rows: the request and how it was met.
struct PageJsonHeader {
  std::string member;
  std::string region;           // "" = any region
  uint32_t per_row = 0;         // titles asked for per row
  int64_t now = 0;              // the time the page was built for, epoch seconds (written as its date)
  std::string config_source;    // the page configuration's file, or "built-in"
  std::string fallback_reason;  // why a page is not personalized (written only then)
};

// The page as JSON, in the shape of GET /v1/members/{id}/homepage (the
// serve layer's homepage_handlers.cc) less what only serving has (page_id,
// model_version, device, artwork), so that a program reads either alike:
//   {"member", "personalized", "fallback", "fallback_reason" (fallback only),
//    "region", "per_row", "now" ("YYYY-MM-DD"), "config",
//    "rows": [{"position" (0-based), "row_id", "kind", "title" (the heading),
//              "reason", "anchor": {"title": id, "name"} (rows with an anchor),
//              "genre": name (genre rows), "value" (the assembler's),
//              "titles": [{"column", "title" (id), "name", "score"}]}]}
// "now" and "config" are the CLI's own.
nlohmann::json PageJson(const page::Page& page, const Dataset& dataset, const PageJsonHeader& header);

// The artwork variant a tile shows: the first of `title` that is not
// quarantined; nullptr when there is none.
const Artwork* TileArtwork(const Title& title);

}  // namespace marquee::cli
