// Page-level metrics: how good a whole R x C page is for one member.
//
// Two-dimensional discount (after the carousel metrics of Felicioni, Ferrari
// Dacrema, Perez Maurera and Cremonesi, "Measuring the Ranking Quality of
// Recommendations in a Two-Dimensional Carousel Setting", IIR 2021, which
// discount a cell by its row and its column together): for 0-based row r
// and column c,
//   D(r, c) = 1 / log2(2 + row_weight * r + column_weight * c)
// so a single row is DCG's 1/log2(i + 1) with 1-based i, and the top-left
// cell counts 1. Page DCG = sum over visible cells of gain(t) D(r, c);
// page NDCG divides by the ideal: the largest gains placed in the cells of
// largest discount (the best any page of that shape could do).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/page/page_types.h"

namespace marquee::page {

struct DiscountWeights {
  double row = 1.0;     // >= 0
  double column = 1.0;  // >= 0
};

double PageDiscount(uint32_t row, uint32_t column, const DiscountWeights& weights = {});

struct PageMeasure {
  // Share of the distinct relevant titles shown anywhere in the visible area.
  double recall = 0.0;
  double dcg = 0.0;
  double ndcg = 0.0;  // 0 when there is nothing relevant
  // The hit with the largest discount (ties: smaller row), 1-based; 0 = no hit.
  uint32_t first_hit_row = 0;
  uint32_t first_hit_column = 0;
  uint32_t visible_titles = 0;    // cells filled
  uint32_t distinct_genres = 0;   // among the visible titles
  double continue_watching_share = 0.0;  // share of filled cells in continue_watching rows
};

// The visible area is the first `rows` rows and `per_row` columns of `page`.
// A title shown more than once counts once, at its cell of largest discount
// (ties: smaller row); visible_titles still counts every filled cell.
// Binary gain: 1 for each title in `relevant` (distinct titles, any order).
PageMeasure MeasurePage(const Page& page, std::span<const uint32_t> relevant, uint32_t rows, uint32_t per_row,
                        const Catalog& catalog, const DiscountWeights& weights = {});
// Graded gain: gain[t] per title (>= 0; e.g. the synthetic service's expected
// plays). The ideal places the rows * per_row largest gains among the titles
// with allowed[t] (all when empty) in the page's cells of largest discount;
// recall is the gain of the titles shown over the sum of those largest gains
// (the most any page of this shape could show); a hit is a title of gain > 0.
PageMeasure MeasurePageGraded(const Page& page, std::span<const float> gain, std::span<const uint8_t> allowed,
                              uint32_t rows, uint32_t per_row, const Catalog& catalog,
                              const DiscountWeights& weights = {});

}  // namespace marquee::page
