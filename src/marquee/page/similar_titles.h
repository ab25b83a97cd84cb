// SimilarTitles: each title's nearest titles under the serving model
// (Recommender::ScoreSimilar), for "Because You Watched" rows. Computed the
// first time a title is asked for and kept for the model's life, so a page
// reads precomputed neighbours instead of scoring the catalog per anchor.
//
// Thread safety: Of() may be called from many threads at once; a title's
// list is computed once (a concurrent first call waits for it).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "marquee/models/recommender.h"
#include "marquee/page/page_types.h"

namespace marquee::page {

class SimilarTitles {
 public:
  // `model` must outlive this. `neighbours`: list length kept per title (>= 1).
  // `positives`: members per title in the model's training rows; a title with
  // 0 has no neighbours (the model learned nothing about it). Empty = all known.
  SimilarTitles(const Recommender& model, uint32_t neighbours, std::vector<uint32_t> positives = {});
  ~SimilarTitles();

  // The `neighbours` titles most similar to `title`, best first, the title
  // itself, titles with no positives and titles of similarity <= 0 (not
  // similar at all) left out. Empty for a title out of
  // range or without positives. The span lives as long as this object.
  std::span<const RowTitle> Of(uint32_t title) const;
  uint32_t neighbours() const { return neighbours_; }

 private:
  struct Slot;
  const Recommender& model_;
  uint32_t neighbours_;
  std::vector<uint32_t> positives_;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace marquee::page
