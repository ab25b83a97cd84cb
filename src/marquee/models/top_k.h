// Picking the k best titles from a dense score vector -- the last step of
// every recommendation. A bounded min-heap: one pass over the scores with a
// single comparison for most titles, O(n + k log k) for n titles.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace marquee {

struct ScoredTitle {
  uint32_t title;
  float score;
  friend bool operator==(const ScoredTitle&, const ScoredTitle&) = default;
};

// The k highest scores, best first; ties go to the lower title index so the
// result is deterministic. Titles with score -infinity are never returned
// (that is how callers exclude titles).
std::vector<ScoredTitle> TopK(std::span<const float> scores, uint32_t k);

// Sets scores[t] = -infinity for every t in `titles` (e.g. a member's history).
void ExcludeTitles(std::span<float> scores, std::span<const uint32_t> titles);

// Sets scores[t] = -infinity for every t not allowed by `allowed` (a mask of
// scores.size() bytes, nonzero = allowed). An empty mask allows everything.
void RestrictToCandidates(std::span<float> scores, std::span<const uint8_t> allowed);

}  // namespace marquee
