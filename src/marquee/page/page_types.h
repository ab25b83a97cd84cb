// The homepage's vocabulary: the member's plays as the rows read them, a
// candidate row (one row kind's proposal, ranked, longer than it will show),
// the per-request inputs every row generator reads, and the assembled page.
//
// Shapes: titles are dense title indices of the serving dataset; every span
// indexed by title has catalog->size() entries. Scores are the recommender's
// (any scale; higher is better); relevance (page_assembler.h) is in [0, 1].
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/data/id_map.h"
#include "marquee/util/status.h"

namespace marquee::page {

inline constexpr uint32_t kNoTitle = std::numeric_limits<uint32_t>::max();

// The row kinds, each a candidate generator of its own file (docs/homepage.md
// defines each). Names are the configuration's and the API's `kind`.
enum class RowKind : uint8_t {
  kContinueWatching = 0,  // continue_watching.h
  kTopPicks = 1,          // top_picks.h
  kBecauseYouWatched = 2, // because_you_watched.h
  kTrending = 3,          // trending.h: "Trending Now"
  kPopularInRegion = 4,   // trending.h: "Popular in <region>"
  kNewReleases = 5,       // new_releases.h
  kGenre = 6,             // genre_rows.h
};
inline constexpr RowKind kAllRowKinds[] = {RowKind::kContinueWatching, RowKind::kTopPicks,
                                           RowKind::kBecauseYouWatched, RowKind::kTrending,
                                           RowKind::kPopularInRegion, RowKind::kNewReleases, RowKind::kGenre};

// "continue_watching", "top_picks", "because_you_watched", "trending",
// "popular_in_region", "new_releases", "genre".
std::string_view RowKindName(RowKind kind);
// The inverse; InvalidArgument naming the known kinds otherwise.
Result<RowKind> ParseRowKind(std::string_view name);

// One title the member played or rated, as the rows read it.
struct PagePlay {
  uint32_t title = 0;
  // The latest play or rating, epoch seconds; 0 = unknown (data without times).
  int64_t time = 0;
  // The share of the title watched: watch fractions summed over plays
  // (a resumed play adds the part it watched) and capped at 1. Negative =
  // unknown (ratings, binary data): such a title is never "in progress".
  float progress = -1.0f;
  // Engagement as the model weighs it (the dataset's or event's weight).
  float weight = 0.0f;
};

struct RowTitle {
  uint32_t title = 0;
  float score = 0.0f;  // the generator's own ranking score (a recommender score, a decayed count, ...)
  friend bool operator==(const RowTitle&, const RowTitle&) = default;
};

// One row kind's proposal for this member: a ranked list, best first, that
// may be longer than the page shows (de-duplication replaces a title shown
// higher up by the row's next one).
struct CandidateRow {
  RowKind kind = RowKind::kTopPicks;
  // Unique within a page and stable across requests: a single row is its
  // kind's name ("top_picks", "popular_in_region", ...); the others
  // "because_you_watched:<anchor's title id>" (its dense index when the
  // inputs carry no title ids) and "genre:<genre name>".
  std::string row_id;
  std::string heading;  // what the member reads: "Because You Watched Heat"
  std::string reason;   // why the row is on the page, one sentence for people and logs
  uint32_t anchor = kNoTitle;  // because_you_watched: the title the row is similar to
  int genre = -1;              // genre rows: the genre index; -1 otherwise
  std::vector<RowTitle> titles;
  // Set by the assembler from the configuration (RowSpec): shown at this row
  // position when non-empty; required rows are never dropped for value.
  int pin = -1;
  bool required = false;
  float weight = 1.0f;  // the configuration's multiplier on the row's value
};

class CatalogIndex;    // catalog_index.h
class SimilarTitles;   // similar_titles.h
class TrendingIndex;   // trending.h

// What the row generators read for one request. Non-owning: everything must
// outlive the call. Thread safety: generators only read it.
struct PageInputs {
  const Catalog* catalog = nullptr;
  const CatalogIndex* index = nullptr;  // of *catalog; required
  // The titles' external ids, for row ids that name a title
  // ("because_you_watched:<title_id>"); null: the dense index is used.
  const IdMap* title_ids = nullptr;
  // The recommender's score of every title for this member (fold-in of live
  // plays included); for the non-personalized page, popularity.
  std::span<const float> scores;
  // 1 = the title may be shown: available in the request's region, within
  // its maturity limit, not excluded for the member.
  std::span<const uint8_t> allowed;
  // 1 = the member played or rated the title (discovery rows leave these out).
  std::span<const uint8_t> seen;
  // The member's plays and ratings, any order (may be empty).
  std::span<const PagePlay> plays;
  const SimilarTitles* similar = nullptr;  // for because_you_watched; null: no such rows
  const TrendingIndex* trending = nullptr; // for trending rows; null: no such rows
  std::string_view region;                 // the request's region ("" = unknown)
  int64_t now = 0;                         // epoch seconds the page is built for
  bool personalized = true;                // false: scores are popularity (unknown member)
  // How many titles a row should propose: the page's per_row plus slack for
  // de-duplication.
  uint32_t row_length = 40;
};

// A row as shown: its visible titles only.
struct PageRow {
  CandidateRow row;      // titles cut to the visible columns, after de-duplication
  double value = 0.0;    // the assembler's value when it chose the row (page_assembler.h)
};

struct Page {
  std::vector<PageRow> rows;
  bool personalized = true;
};

}  // namespace marquee::page
