// Page assembly: from the candidate rows of every generator to the page a
// member sees -- which rows, in which order, which titles in each.
//
// Relevance of a title for the member: how likely a play is, from where the
// title ranks among the member's allowed titles by score,
//   rel(t) = 1 / (1 + rank(t) / half_rank)          (rank 0 = the best title)
// -- the power-law fall of play rates with rank that implicit-feedback
// rankings show. It is scale-free (any model's scores and popularity counts
// compare alike) and never 0, so a row of titles the model ranks low is
// still worth its weight rather than nothing.
//
// Value of a row placed at the next position, given what is shown above:
//   weight * sum_c rel(t_c) D(0, c) / sum_c D(0, c)          (its visible titles)
//          * (1 - overlap_penalty * share of its first C titles already shown)
//          * (1 - same_genre_penalty  if the row above is about the same genre)
// where a row is "about" a genre when it is a genre row, or when more than
// half of its visible titles have that primary genre.
// D the two-dimensional discount of page_metrics.h (column part). Rows are
// chosen greedily, best value first (the marginal-gain greedy of whole-page
// optimisation), under the rules: a pinned row takes its position when it
// has titles; required rows are placed before the page runs out; at most
// max_genre_rows genre rows. With RowOrder::kConfig the candidate rows are
// taken in the configuration's order instead (the "fixed order" baseline).
//
// De-duplication: within the first dedupe_rows rows and dedupe_columns
// columns (0 = all) a title appears once; a later duplicate is replaced by
// its row's next title not yet shown. A row left with no titles is dropped.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "marquee/page/page_config.h"
#include "marquee/page/page_types.h"

namespace marquee::page {

inline constexpr size_t kRelevanceSample = 512;

class Relevance {
 public:
  // `scores` per title; only titles with allowed[t] (all when empty) and a
  // finite score are ranked. half_rank >= 1: the rank of relevance 1/2.
  // Ranks are exact among (at least about) the best `exact` titles and
  // estimated below them from a systematic sample of one title in
  // n / kRelevanceSample (the share ranked above has a standard error of
  // about sqrt(p (1 - p) / kRelevanceSample)): plenty to value a row.
  Relevance(std::span<const float> scores, std::span<const uint8_t> allowed, uint32_t half_rank,
            uint32_t exact = 128);
  float Of(uint32_t title) const;
  // 0-based rank of `title` among the ranked titles (estimated beyond `exact`).
  double Rank(uint32_t title) const;

 private:
  std::span<const float> scores_;
  double half_rank_ = 1.0;
  std::vector<float> top_;     // every score at or above the sample's estimate of the exact-th, descending
  std::vector<float> sample_;  // every stride_-th ranked title's score, descending
  double stride_ = 1.0;
};

enum class RowOrder : uint8_t { kByValue, kConfig };

struct AssembleRequest {
  uint32_t rows = 10;
  uint32_t per_row = 20;
  RowOrder order = RowOrder::kByValue;
};

// `candidates` in configuration order (generator order), pins, required and
// weights already set from their RowSpecs.
// Rows and per_row of `request` >= 1; `catalog` gives the titles' genres.
Page AssemblePage(std::vector<CandidateRow> candidates, const PageRules& rules, const Relevance& relevance,
                  const AssembleRequest& request, const Catalog& catalog);

}  // namespace marquee::page
