#include "marquee/models/top_k.h"

#include <algorithm>
#include <limits>

#ifdef __AVX2__
#include <immintrin.h>
#endif

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
  heap.reserve(std::min<size_t>(k, scores.size()));
  // A score enters only if it beats `threshold`: -infinity (which also drops
  // NaN) until k are held, then the worst one held -- equal scores keep the
  // lower index already held. Most titles of a long list fail this one
  // comparison, so it is done eight at a time below and only the titles that
  // pass go through the heap, in index order: the same result as one title
  // at a time.
  float threshold = kExcluded;
  auto offer = [&](uint32_t t, float s) {
    if (!(s > threshold)) return;
    if (heap.size() < k) {
      heap.push_back({t, s});
      std::push_heap(heap.begin(), heap.end(), Better);
      if (heap.size() == k) threshold = heap.front().score;
    } else {
      std::pop_heap(heap.begin(), heap.end(), Better);
      heap.back() = {t, s};
      std::push_heap(heap.begin(), heap.end(), Better);
      threshold = heap.front().score;
    }
  };
  const uint32_t n = static_cast<uint32_t>(scores.size());
  uint32_t t = 0;
#ifdef __AVX2__
  for (; t + 8 <= n; t += 8) {
    const __m256 v = _mm256_loadu_ps(scores.data() + t);
    // Ordered compare: NaN never passes, as in offer().
    unsigned pass = static_cast<unsigned>(
        _mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_set1_ps(threshold), _CMP_GT_OQ)));
    while (pass != 0) {
      const unsigned lane = static_cast<unsigned>(__builtin_ctz(pass));
      offer(t + lane, scores[t + lane]);  // rechecks: the threshold may have risen
      pass &= pass - 1;
    }
  }
#endif
  for (; t < n; ++t) offer(t, scores[t]);
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
