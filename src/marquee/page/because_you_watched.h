// Because You Watched X: titles similar to a recent, well-liked play, one
// row per anchor, up to spec.count rows.
//
// Anchors are the member's plays within spec.anchor_window_days before now
// that were engaged with: progress >= spec.min_anchor_progress, or, where
// progress is unknown (ratings), weight >= the median weight of the
// member's plays. They are ranked by engagement x recency:
//   weight * 2^(-(now - time) / anchor_half_life_days)
// (ties: later play, then lower title index); titles with no neighbours are
// skipped. A row lists the anchor's neighbours (SimilarTitles::Of) that are
// allowed and unwatched, by similarity; anchors whose rows would be mostly
// the same as an earlier anchor's are kept (the assembler's diversity rule
// decides). Without times (time 0) every play is equally recent.
#pragma once

#include <memory>
#include <vector>

#include "marquee/page/row_generator.h"

namespace marquee::page {

std::unique_ptr<RowGenerator> MakeBecauseYouWatchedRow(const RowSpec& spec);

// The anchors of `in` by the rule above, best first (for tests and the
// demo's "why").
std::vector<uint32_t> RankAnchors(const PageInputs& in, const RowSpec& spec);

}  // namespace marquee::page
