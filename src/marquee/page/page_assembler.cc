#include "marquee/page/page_assembler.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <unordered_set>

namespace marquee::page {

Relevance::Relevance(std::span<const float> scores, std::span<const uint8_t> allowed, uint32_t depth)
    : scores_(scores) {
  // The depth-th best allowed score by a bounded min-heap: one comparison for
  // most titles, no copy of the score vector.
  std::priority_queue<float, std::vector<float>, std::greater<float>> best;
  depth = std::max<uint32_t>(depth, 1);
  for (size_t t = 0; t < scores.size(); ++t) {
    float s = scores[t];
    if (!std::isfinite(s) || (!allowed.empty() && !allowed[t])) continue;
    if (best.size() < depth) {
      best.push(s);
    } else if (s > best.top()) {
      best.pop();
      best.push(s);
    }
  }
  if (best.empty()) return;
  ref_ = best.top();
  while (best.size() > 1) best.pop();
  top_ = best.top();
}

float Relevance::Of(uint32_t title) const {
  if (title >= scores_.size()) return 0.0f;
  float s = scores_[title];
  if (!std::isfinite(s)) return 0.0f;
  if (top_ <= ref_) return s >= top_ ? 1.0f : 0.0f;
  return std::clamp((s - ref_) / (top_ - ref_), 0.0f, 1.0f);
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

// The titles `row` shows at page position `position`: in the de-duplicated
// area a title already shown is replaced by the row's next one.
std::vector<RowTitle> VisibleTitles(const CandidateRow& row, uint32_t position, const Layout& layout) {
  std::vector<RowTitle> visible;
  visible.reserve(layout.per_row);
  bool dedupe = position < layout.dedupe_rows;
  std::unordered_set<uint32_t> in_row;
  for (const RowTitle& t : row.titles) {
    if (visible.size() == layout.per_row) break;
    if (!in_row.insert(t.title).second) continue;
    if (dedupe && visible.size() < layout.dedupe_columns && layout.shown.count(t.title)) continue;
    visible.push_back(t);
  }
  return visible;
}

// The genre a row is about (page_assembler.h), or -1.
int RowGenre(const CandidateRow& row, std::span<const RowTitle> visible, const Catalog& catalog) {
  if (row.genre >= 0) return row.genre;
  if (visible.empty()) return -1;
  std::vector<uint32_t> counts(catalog.genres().size(), 0);
  for (const RowTitle& t : visible) {
    const auto& genres = catalog.titles()[t.title].genres;
    if (!genres.empty()) ++counts[genres.front()];
  }
  for (size_t g = 0; g < counts.size(); ++g) {
    if (2 * counts[g] > visible.size()) return static_cast<int>(g);
  }
  return -1;
}

struct Scored {
  std::vector<RowTitle> visible;
  int genre = -1;
  double value = 0.0;
};

Scored ScoreRow(const CandidateRow& row, uint32_t position, const Layout& layout, int genre_above,
                const PageRules& rules, const Relevance& relevance, const Catalog& catalog) {
  Scored out;
  out.visible = VisibleTitles(row, position, layout);
  out.genre = RowGenre(row, out.visible, catalog);
  double gain = 0.0;
  for (size_t c = 0; c < out.visible.size(); ++c) gain += relevance.Of(out.visible[c].title) * layout.column_discount[c];
  size_t head = std::min<size_t>(row.titles.size(), layout.per_row);
  size_t repeated = 0;
  for (size_t c = 0; c < head; ++c) repeated += layout.shown.count(row.titles[c].title);
  double overlap = head == 0 ? 0.0 : static_cast<double>(repeated) / static_cast<double>(head);
  out.value = row.weight * gain / layout.discount_sum * (1.0 - rules.overlap_penalty * overlap);
  if (out.genre >= 0 && out.genre == genre_above) out.value *= 1.0 - rules.same_genre_penalty;
  return out;
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
  std::vector<bool> placed(candidates.size(), false);
  std::vector<Scored> scored(candidates.size());
  uint32_t genre_rows = 0;
  int genre_above = -1;
  for (uint32_t position = 0; position < request.rows; ++position) {
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (!placed[i]) scored[i] = ScoreRow(candidates[i], position, layout, genre_above, rules, relevance, catalog);
    }
    int chosen = ChooseRow(candidates, scored, placed, position, request.rows - position,
                           genre_rows >= rules.max_genre_rows, request.order);
    if (chosen < 0) break;
    placed[chosen] = true;
    Scored& s = scored[chosen];
    if (position < layout.dedupe_rows) {
      for (uint32_t c = 0; c < s.visible.size() && c < layout.dedupe_columns; ++c) layout.shown.insert(s.visible[c].title);
    }
    genre_rows += candidates[chosen].kind == RowKind::kGenre;
    genre_above = s.genre;
    PageRow row;
    row.row = std::move(candidates[chosen]);
    row.row.titles = std::move(s.visible);
    row.value = s.value;
    page.rows.push_back(std::move(row));
  }
  return page;
}

}  // namespace marquee::page
