#include "marquee/page/page_builder.h"

#include <algorithm>
#include <string>

namespace marquee::page {

PageBuilder::PageBuilder(PageConfig config) : config_(std::move(config)) {
  for (const RowSpec& spec : config_.rows) generators_.push_back(MakeRowGenerator(spec));
}

std::vector<CandidateRow> PageBuilder::Candidates(const PageInputs& in) const {
  std::vector<CandidateRow> rows;
  for (const auto& generator : generators_) {
    size_t first = rows.size();
    generator->Generate(in, rows);
    const RowSpec& spec = generator->spec();
    for (size_t i = first; i < rows.size(); ++i) {
      rows[i].pin = spec.pin;
      rows[i].required = spec.required;
      rows[i].weight = static_cast<float>(spec.weight);
    }
  }
  return rows;
}

Page PageBuilder::Build(PageInputs in, const AssembleRequest& request) const {
  // Room for de-duplication: a row may lose up to all of its visible titles
  // to rows above it, but in practice a few; twice the row is plenty.
  in.row_length = 2 * request.per_row + 8;
  // Relevance halves at the end of the first row's length: the titles a
  // member would see in one row are the ones that matter most.
  Relevance relevance(in.scores, in.allowed, request.per_row);
  Page page = AssemblePage(Candidates(in), config_.rules, relevance, request, *in.catalog);
  page.personalized = in.personalized;
  return page;
}

Page CutIntoRows(const PageInputs& in, const AssembleRequest& request) {
  std::vector<RowTitle> best;
  TopAllowed(in, in.scores, {}, /*skip_seen=*/true, request.rows * request.per_row, best);
  Page page;
  page.personalized = in.personalized;
  for (uint32_t r = 0; r * request.per_row < best.size(); ++r) {
    PageRow row;
    row.row.kind = RowKind::kTopPicks;
    row.row.row_id = "top_picks:" + std::to_string(r);
    row.row.heading = r == 0 ? "Top Picks for You" : "More Top Picks";
    row.row.reason = "Ranks " + std::to_string(r * request.per_row + 1) + " and on of one top-picks list";
    auto begin = best.begin() + r * request.per_row;
    auto end = best.begin() + std::min<size_t>(best.size(), (r + 1) * request.per_row);
    row.row.titles.assign(begin, end);
    page.rows.push_back(std::move(row));
  }
  return page;
}

}  // namespace marquee::page
