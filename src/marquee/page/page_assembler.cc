#include "marquee/page/page_assembler.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <unordered_set>

namespace marquee::page {

Relevance::Relevance(std::span<const float> scores, std::span<const uint8_t> allowed, uint32_t half_rank,
                     uint32_t exact)
    : scores_(scores), half_rank_(std::max<uint32_t>(half_rank, 1)) {
  // Two passes and two small sorts instead of a heap over every title: a
  // systematic sample (every step-th title by index, the allowed ones kept)
  // estimates the `exact`-th best score, then every title at or above that
  // estimate is kept and sorted.
  const size_t step = std::max<size_t>(1, scores.size() / kRelevanceSample);
  stride_ = static_cast<double>(step);
  auto ranked = [&](size_t t) {
    return std::isfinite(scores[t]) && (allowed.empty() || (t < allowed.size() && allowed[t]));
  };
  for (size_t t = 0; t < scores.size(); t += step) {
    if (ranked(t)) sample_.push_back(scores[t]);
  }
  std::sort(sample_.begin(), sample_.end(), std::greater<float>());
  if (sample_.empty()) return;
  // The sample's estimate of the exact-th best score, taken half as far
  // again and 8 samples lower, so that the kept titles cover the exact part
  // despite sampling noise (several standard errors of the sample's count).
  const size_t exact_samples = (std::max<uint32_t>(exact, 1) + step - 1) / step;
  const float threshold = sample_[std::min(sample_.size() - 1, exact_samples * 3 / 2 + 8)];
  for (size_t t = 0; t < scores.size(); ++t) {
    if (scores[t] >= threshold && ranked(t)) top_.push_back(scores[t]);
  }
  std::sort(top_.begin(), top_.end(), std::greater<float>());
}

double Relevance::Rank(uint32_t title) const {
  const float s = scores_[title];
  // Titles scoring strictly higher: an exact count while the title is among
  // the best, else the sample's count scaled up (never less than the exact part).
  if (!top_.empty() && s >= top_.back()) {
    return static_cast<double>(std::lower_bound(top_.begin(), top_.end(), s, std::greater<float>()) - top_.begin());
  }
  const auto above = std::lower_bound(sample_.begin(), sample_.end(), s, std::greater<float>()) - sample_.begin();
  return std::max(static_cast<double>(top_.size()), static_cast<double>(above) * stride_);
}

float Relevance::Of(uint32_t title) const {
  if (title >= scores_.size() || !std::isfinite(scores_[title])) return 0.0f;
  return static_cast<float>(1.0 / (1.0 + Rank(title) / half_rank_));
}

namespace {

// What assembly keeps while it fills the page top to bottom.
struct Layout {
  uint32_t rows = 0, per_row = 0;
  uint32_t dedupe_rows = 0, dedupe_columns = 0;
  std::vector<double> column_discount;  // D(0, c) for c < per_row
  double discount_sum = 0.0;
  std::unordered_set<uint32_t> shown;  // titles in the de-duplicated area so far
};

Layout MakeLayout(const PageRules& rules, const AssembleRequest& request) {
  Layout layout;
  layout.rows = request.rows;
  layout.per_row = request.per_row;
  layout.dedupe_rows = rules.dedupe_rows == 0 ? request.rows : rules.dedupe_rows;
  layout.dedupe_columns = rules.dedupe_columns == 0 ? request.per_row : rules.dedupe_columns;
  for (uint32_t c = 0; c < request.per_row; ++c) {
    // The column part of page_metrics.h's PageDiscount.
    double d = 1.0 / std::log2(2.0 + rules.column_weight * c);
    layout.column_discount.push_back(d);
    layout.discount_sum += d;
  }
  layout.shown.reserve(static_cast<size_t>(request.rows) * request.per_row * 2);
  return layout;
}

// The titles `row` shows at page position `position`, as indices into
// row.titles: in the de-duplicated area a title already shown is replaced by
// the row's next one. (Generators propose each title once in a row.)
void VisibleTitles(const CandidateRow& row, uint32_t position, const Layout& layout, std::vector<uint32_t>& out) {
  out.clear();
  const bool dedupe = position < layout.dedupe_rows;
  for (uint32_t j = 0; j < row.titles.size() && out.size() < layout.per_row; ++j) {
    if (dedupe && out.size() < layout.dedupe_columns && layout.shown.count(row.titles[j].title)) continue;
    out.push_back(j);
  }
}

// The genre a row is about (page_assembler.h), or -1.
int RowGenre(const CandidateRow& row, std::span<const uint32_t> visible, const Catalog& catalog,
             std::vector<uint32_t>& counts) {
  if (row.genre >= 0) return row.genre;
  if (visible.empty()) return -1;
  counts.assign(catalog.genres().size(), 0);
  for (uint32_t j : visible) {
    const auto& genres = catalog.titles()[row.titles[j].title].genres;
    if (!genres.empty()) ++counts[genres.front()];
  }
  for (size_t g = 0; g < counts.size(); ++g) {
    if (2 * counts[g] > visible.size()) return static_cast<int>(g);
  }
  return -1;
}

// A candidate row as valued for the next position.
struct Scored {
  std::vector<uint32_t> visible;  // indices into the row's titles
  int genre = -1;
  double value = 0.0;
};

// `relevance`: of each of the row's titles, computed once per page.
void ScoreRow(const CandidateRow& row, std::span<const float> relevance, uint32_t position, const Layout& layout,
              int genre_above, const PageRules& rules, const Catalog& catalog, std::vector<uint32_t>& counts,
              Scored& out) {
  VisibleTitles(row, position, layout, out.visible);
  out.genre = RowGenre(row, out.visible, catalog, counts);
  double gain = 0.0;
  for (size_t c = 0; c < out.visible.size(); ++c) gain += relevance[out.visible[c]] * layout.column_discount[c];
  const size_t head = std::min<size_t>(row.titles.size(), layout.per_row);
  size_t repeated = 0;
  for (size_t c = 0; c < head; ++c) repeated += layout.shown.count(row.titles[c].title);
  const double overlap = head == 0 ? 0.0 : static_cast<double>(repeated) / static_cast<double>(head);
  out.value = row.weight * gain / layout.discount_sum * (1.0 - rules.overlap_penalty * overlap);
  if (out.genre >= 0 && out.genre == genre_above) out.value *= 1.0 - rules.same_genre_penalty;
}

// The candidate to place at `position`, or -1: a row pinned here first; then,
// when the page has just enough positions left for the required rows, only
// those; then the best value (or the configuration's next row).
int ChooseRow(const std::vector<CandidateRow>& rows, const std::vector<Scored>& scored,
              const std::vector<bool>& placed, uint32_t position, uint32_t positions_left, bool genre_full,
              RowOrder order) {
  auto usable = [&](size_t i) {
    return !placed[i] && !scored[i].visible.empty() && !(genre_full && rows[i].kind == RowKind::kGenre);
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    if (usable(i) && rows[i].pin >= 0 && static_cast<uint32_t>(rows[i].pin) <= position) return static_cast<int>(i);
  }
  uint32_t required_left = 0;
  for (size_t i = 0; i < rows.size(); ++i) required_left += usable(i) && rows[i].required;
  bool only_required = required_left > 0 && required_left >= positions_left;
  int best = -1;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!usable(i) || (only_required && !rows[i].required)) continue;
    // A row pinned further down waits for its position.
    if (rows[i].pin >= 0 && static_cast<uint32_t>(rows[i].pin) < position + positions_left) continue;
    if (order == RowOrder::kConfig) return static_cast<int>(i);
    if (best < 0 || scored[i].value > scored[best].value) best = static_cast<int>(i);
  }
  return best;
}

}  // namespace

Page AssemblePage(std::vector<CandidateRow> candidates, const PageRules& rules, const Relevance& relevance,
                  const AssembleRequest& request, const Catalog& catalog) {
  Page page;
  Layout layout = MakeLayout(rules, request);
  // Each candidate title's relevance, once: rows are valued again at every position.
  std::vector<std::vector<float>> title_relevance(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    for (const RowTitle& t : candidates[i].titles) title_relevance[i].push_back(relevance.Of(t.title));
  }
  std::vector<bool> placed(candidates.size(), false);
  std::vector<Scored> scored(candidates.size());
  std::vector<uint32_t> genre_counts;
  uint32_t genre_rows = 0;
  int genre_above = -1;
  for (uint32_t position = 0; position < request.rows; ++position) {
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (placed[i]) continue;
      ScoreRow(candidates[i], title_relevance[i], position, layout, genre_above, rules, catalog, genre_counts,
               scored[i]);
    }
    const int chosen = ChooseRow(candidates, scored, placed, position, request.rows - position,
                                 genre_rows >= rules.max_genre_rows, request.order);
    if (chosen < 0) break;
    placed[chosen] = true;
    const Scored& s = scored[chosen];
    PageRow row;
    row.row = std::move(candidates[chosen]);
    std::vector<RowTitle> titles;
    titles.reserve(s.visible.size());
    for (uint32_t j : s.visible) titles.push_back(row.row.titles[j]);
    row.row.titles = std::move(titles);
    row.value = s.value;
    if (position < layout.dedupe_rows) {
      for (uint32_t c = 0; c < row.row.titles.size() && c < layout.dedupe_columns; ++c) {
        layout.shown.insert(row.row.titles[c].title);
      }
    }
    genre_rows += row.row.kind == RowKind::kGenre;
    genre_above = s.genre;
    page.rows.push_back(std::move(row));
  }
  return page;
}

}  // namespace marquee::page
