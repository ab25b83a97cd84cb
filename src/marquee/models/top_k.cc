#include "marquee/models/top_k.h"

#include <algorithm>
#include <limits>

namespace marquee {

namespace {
constexpr float kExcluded = -std::numeric_limits<float>::infinity();

// "a ranks before b": higher score, then lower index.
inline bool Better(const ScoredTitle& a, const ScoredTitle& b) {
  return a.score > b.score || (a.score == b.score && a.title < b.title);
}
}  // namespace

std::vector<ScoredTitle> TopK(std::span<const float> scores, uint32_t k) {
  std::vector<ScoredTitle> heap;  // the worst of the current best k on top
  if (k == 0) return heap;
  heap.reserve(k);
  const uint32_t n = static_cast<uint32_t>(scores.size());
  for (uint32_t t = 0; t < n; ++t) {
    const float s = scores[t];
    if (!(s > kExcluded)) continue;  // also drops NaN
    if (heap.size() < k) {
      heap.push_back({t, s});
      std::push_heap(heap.begin(), heap.end(), Better);
    } else if (s > heap.front().score) {  // equal scores keep the lower index already held
      std::pop_heap(heap.begin(), heap.end(), Better);
      heap.back() = {t, s};
      std::push_heap(heap.begin(), heap.end(), Better);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), Better);
  return heap;
}

void ExcludeTitles(std::span<float> scores, std::span<const uint32_t> titles) {
  for (uint32_t t : titles) {
    if (t < scores.size()) scores[t] = kExcluded;
  }
}

void RestrictToCandidates(std::span<float> scores, std::span<const uint8_t> allowed) {
  if (allowed.empty()) return;
  for (size_t t = 0; t < scores.size(); ++t) {
    if (!allowed[t]) scores[t] = kExcluded;
  }
}

}  // namespace marquee
