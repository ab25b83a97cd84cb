// PageConfig: what a product owner decides about the homepage -- which row
// kinds may appear, their parameters, and the rules of assembly -- read from
// a YAML file (docs/homepage.md is its reference). Every default is written
// once, here.
//
// Errors: ParsePageConfig/LoadPageConfig return InvalidArgument naming the
// file, the line (1-based) and the field, and what was expected: an unknown
// key or row kind, a value of the wrong type or out of range, a parameter
// that belongs to another row kind, a row kind listed twice, a pin beyond
// the page. A config is all or nothing: nothing of a bad file is used.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/page/page_types.h"
#include "marquee/util/status.h"

namespace marquee::page {

// One row kind on the page, with its parameters. Parameters of other kinds
// keep their defaults (the parser refuses them for this kind).
struct RowSpec {
  RowKind kind = RowKind::kTopPicks;
  // Rows of this kind at most: because_you_watched (one a different anchor)
  // and genre (one a genre); 1 for the others.
  uint32_t count = 1;
  // Always on the page when it has titles, whatever its value.
  bool required = false;
  // Shown at this row position (0 = the top) when non-empty; -1 = placed by
  // value. continue_watching defaults to 0.
  int pin = -1;
  // Multiplies the row's value in assembly (> 0).
  double weight = 1.0;
  // A row with fewer allowed titles than this is not proposed (>= 1).
  // continue_watching defaults to 1.
  uint32_t min_titles = 4;

  // continue_watching: in progress = progress < max_progress, played within
  // window_days of now.
  double max_progress = 0.9;   // (0, 1]
  double window_days = 90.0;   // > 0
  // because_you_watched: anchors are plays within anchor_window_days with
  // progress >= min_anchor_progress (or, without progress, weight >= the
  // member's median weight); ranked by engagement x recency with
  // anchor_half_life_days.
  double anchor_window_days = 180.0;    // > 0
  double min_anchor_progress = 0.5;     // [0, 1]
  double anchor_half_life_days = 30.0;  // > 0
  // trending: plays decay with this half-life (days) before now.
  double half_life_days = 7.0;  // > 0
  // new_releases: released within release_window_days before now.
  double release_window_days = 365.0;  // > 0

  friend bool operator==(const RowSpec&, const RowSpec&) = default;
};

// The rules of assembly (page_assembler.h says how each is applied).
struct PageRules {
  // The page a request gets when it does not say (?rows=, ?per_row=).
  uint32_t rows = 10;     // 1..100
  uint32_t per_row = 20;  // 1..200
  // De-duplication: a title appears once in the first dedupe_columns
  // positions of the first dedupe_rows rows (0 = all of them).
  uint32_t dedupe_rows = 0;
  uint32_t dedupe_columns = 0;
  // At most this many genre rows on a page.
  uint32_t max_genre_rows = 4;
  // Diversity between rows: a row's value is multiplied by
  // (1 - overlap_penalty * share of its visible titles already shown above)
  // and by (1 - same_genre_penalty) when the row above is about the same genre.
  double overlap_penalty = 1.0;      // [0, 1]
  double same_genre_penalty = 0.5;   // [0, 1]
  // The column discount of a row's value: the two-dimensional discount of
  // page_metrics.h with these weights.
  double column_weight = 1.0;  // >= 0
  friend bool operator==(const PageRules&, const PageRules&) = default;
};

struct PageConfig {
  std::vector<RowSpec> rows;  // in the order of the file: the "fixed order" of evaluation
  PageRules rules;
  std::string source;  // the file it came from; "built-in" for the default
  friend bool operator==(const PageConfig&, const PageConfig&) = default;
};

// Every row kind once, in a typical order (continue_watching pinned on top,
// 3 because_you_watched rows, 4 genre rows), default rules.
const PageConfig& DefaultPageConfig();

// `text` is YAML; `file_name` is what errors name.
Result<PageConfig> ParsePageConfig(std::string_view text, std::string_view file_name);
// Reads and parses `path`; IOError naming the path when it cannot be read.
Result<PageConfig> LoadPageConfig(const std::string& path);

// The config as YAML that ParsePageConfig reads back equal (docs, --dump).
std::string PageConfigYaml(const PageConfig& config);

}  // namespace marquee::page
