#include "marquee/page/similar_titles.h"

#include <limits>
#include <mutex>

#include "marquee/models/top_k.h"

namespace marquee::page {

// One title's neighbours, computed by the first Of() that asks; call_once
// makes a concurrent first caller wait rather than score the title again.
struct SimilarTitles::Slot {
  std::once_flag once;
  std::vector<RowTitle> list;
};

SimilarTitles::SimilarTitles(const Recommender& model, uint32_t neighbours, std::vector<uint32_t> positives)
    : model_(model),
      neighbours_(neighbours),
      positives_(std::move(positives)),
      slots_(std::make_unique<Slot[]>(model.title_count())) {}

SimilarTitles::~SimilarTitles() = default;

std::span<const RowTitle> SimilarTitles::Of(uint32_t title) const {
  const uint32_t n = model_.title_count();
  if (title >= n) return {};
  auto known = [&](uint32_t t) { return positives_.empty() || (t < positives_.size() && positives_[t] > 0); };
  if (!known(title)) return {};
  Slot& slot = slots_[title];
  std::call_once(slot.once, [&] {
    std::vector<float> scores(n);
    model_.ScoreSimilar(title, scores);
    constexpr float kExcluded = -std::numeric_limits<float>::infinity();
    scores[title] = kExcluded;
    if (!positives_.empty()) {
      for (uint32_t t = 0; t < n; ++t) {
        if (!known(t)) scores[t] = kExcluded;
      }
    }
    const std::vector<ScoredTitle> best = TopK(scores, neighbours_);
    slot.list.reserve(best.size());
    // A neighbour must be similar at all: item-kNN scores unrelated titles 0
    // (and factor models may score them below), which would pad a thin
    // anchor's row with arbitrary titles in index order.
    for (const ScoredTitle& s : best) {
      if (s.score > 0.0f) slot.list.push_back({s.title, s.score});
    }
  });
  return slot.list;
}

}  // namespace marquee::page
