#include "marquee/page/page_metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>
#include <vector>

namespace marquee::page {
namespace {

// Where a distinct title is counted: its cell of largest discount.
struct Cell {
  uint32_t row = 0, column = 0;
  double discount = 0.0;
};
struct Shown {
  uint32_t title = 0;
  Cell cell;
};

// Larger discount first; ties to the smaller row (then column), so "first"
// is well defined whatever the weights.
bool Before(const Cell& a, const Cell& b) {
  if (a.discount != b.discount) return a.discount > b.discount;
  if (a.row != b.row) return a.row < b.row;
  return a.column < b.column;
}

uint32_t DistinctGenres(const std::vector<Shown>& shown, const Catalog& catalog) {
  std::vector<uint8_t> seen(catalog.genres().size());
  uint32_t distinct = 0;
  for (const Shown& s : shown) {
    if (s.title >= catalog.size()) continue;  // not a title of this catalog: no genres to count
    for (uint16_t g : catalog.titles()[s.title].genres) {
      if (g < seen.size() && !seen[g]) {
        seen[g] = 1;
        ++distinct;
      }
    }
  }
  return distinct;
}

// The distinct titles of the visible cells, in page order, each at its best
// cell (a vector, so that sums do not depend on hash order); fills the
// measures that need no gain: visible_titles, distinct_genres,
// continue_watching_share.
std::vector<Shown> VisibleTitles(const Page& page, uint32_t rows, uint32_t per_row, const Catalog& catalog,
                                 const DiscountWeights& weights, PageMeasure* m) {
  std::vector<Shown> shown;
  std::unordered_map<uint32_t, size_t> index;  // title -> its entry in `shown`
  uint32_t continue_watching_cells = 0;
  const size_t shown_rows = std::min<size_t>(rows, page.rows.size());
  for (uint32_t r = 0; r < shown_rows; ++r) {
    const CandidateRow& row = page.rows[r].row;
    const size_t shown_columns = std::min<size_t>(per_row, row.titles.size());
    for (uint32_t c = 0; c < shown_columns; ++c) {
      const uint32_t t = row.titles[c].title;
      ++m->visible_titles;
      if (row.kind == RowKind::kContinueWatching) ++continue_watching_cells;
      const Cell cell{r, c, PageDiscount(r, c, weights)};
      const auto [it, inserted] = index.try_emplace(t, shown.size());
      if (!inserted) {
        if (Before(cell, shown[it->second].cell)) shown[it->second].cell = cell;
        continue;
      }
      shown.push_back({t, cell});
    }
  }
  if (m->visible_titles > 0) m->continue_watching_share = double(continue_watching_cells) / m->visible_titles;
  m->distinct_genres = DistinctGenres(shown, catalog);
  return shown;
}

// dcg and the first hit over the distinct titles shown; returns the gain shown.
double Score(const std::vector<Shown>& shown, const std::function<double(uint32_t)>& gain, PageMeasure* m) {
  double total = 0.0;
  const Cell* first = nullptr;
  for (const auto& [title, cell] : shown) {
    const double g = gain(title);
    if (!(g > 0)) continue;
    total += g;
    m->dcg += g * cell.discount;
    if (first == nullptr || Before(cell, *first)) first = &cell;
  }
  if (first != nullptr) {
    m->first_hit_row = first->row + 1;
    m->first_hit_column = first->column + 1;
  }
  return total;
}

// The best DCG of a rows x per_row page: the gains (descending) in the cells
// of largest discount. Only the first rows * per_row gains can be placed.
double IdealDcg(const std::vector<double>& gains_descending, uint32_t rows, uint32_t per_row,
                const DiscountWeights& weights) {
  std::vector<double> discounts;
  discounts.reserve(size_t(rows) * per_row);
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t c = 0; c < per_row; ++c) discounts.push_back(PageDiscount(r, c, weights));
  }
  std::sort(discounts.begin(), discounts.end(), std::greater<>());
  double ideal = 0.0;
  for (size_t i = 0; i < std::min(discounts.size(), gains_descending.size()); ++i) {
    ideal += gains_descending[i] * discounts[i];
  }
  return ideal;
}

void Normalize(double ideal, PageMeasure* m) {
  m->ndcg = ideal > 0 ? m->dcg / ideal : 0.0;
}

}  // namespace

double PageDiscount(uint32_t row, uint32_t column, const DiscountWeights& weights) {
  return 1.0 / std::log2(2.0 + weights.row * row + weights.column * column);
}

PageMeasure MeasurePage(const Page& page, std::span<const uint32_t> relevant, uint32_t rows, uint32_t per_row,
                        const Catalog& catalog, const DiscountWeights& weights) {
  PageMeasure m;
  const auto shown = VisibleTitles(page, rows, per_row, catalog, weights, &m);
  std::vector<uint32_t> wanted(relevant.begin(), relevant.end());
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  const double hits = Score(
      shown, [&](uint32_t t) { return std::binary_search(wanted.begin(), wanted.end(), t) ? 1.0 : 0.0; }, &m);
  if (wanted.empty()) return m;
  m.recall = hits / wanted.size();
  Normalize(IdealDcg(std::vector<double>(wanted.size(), 1.0), rows, per_row, weights), &m);
  return m;
}

PageMeasure MeasurePageGraded(const Page& page, std::span<const float> gain, std::span<const uint8_t> allowed,
                              uint32_t rows, uint32_t per_row, const Catalog& catalog,
                              const DiscountWeights& weights) {
  PageMeasure m;
  const auto shown = VisibleTitles(page, rows, per_row, catalog, weights, &m);
  const double gain_shown = Score(
      shown, [&](uint32_t t) { return t < gain.size() ? double(gain[t]) : 0.0; }, &m);
  std::vector<double> best;
  for (size_t t = 0; t < gain.size(); ++t) {
    if (gain[t] > 0 && (allowed.empty() || (t < allowed.size() && allowed[t]))) best.push_back(gain[t]);
  }
  const size_t cells = std::min(best.size(), size_t(rows) * per_row);
  std::partial_sort(best.begin(), best.begin() + cells, best.end(), std::greater<>());
  best.resize(cells);
  double attainable = 0.0;
  for (double g : best) attainable += g;
  if (attainable > 0) m.recall = gain_shown / attainable;
  Normalize(IdealDcg(best, rows, per_row, weights), &m);
  return m;
}

}  // namespace marquee::page
