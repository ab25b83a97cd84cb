#include "marquee/bandit/bts_simulation.h"

#include <algorithm>
#include <numeric>

#include "marquee/util/random.h"

namespace marquee {

std::vector<double> BtsActionDistribution(const BtsPriors& priors, uint32_t positions,
                                          uint32_t samples, uint64_t seed) {
  const uint32_t items = static_cast<uint32_t>(std::min(priors.alpha.size(), priors.beta.size()));
  const uint32_t shown = std::min(positions, items);
  samples = std::max<uint32_t>(samples, 1);
  // Fixed-size chunks with their own generators: the counts do not depend on
  // how many threads share the work.
  constexpr uint32_t kChunk = 1024;
  const uint32_t chunks = (samples + kChunk - 1) / kChunk;
  std::vector<uint64_t> counts(static_cast<size_t>(items) * positions, 0);
#pragma omp parallel
  {
    std::vector<uint64_t> local(counts.size(), 0);
    std::vector<double> theta(items);
    std::vector<uint32_t> order(items);
#pragma omp for schedule(static)
    for (int64_t c = 0; c < static_cast<int64_t>(chunks); ++c) {
      Rng rng(DeriveSeed(seed, static_cast<uint64_t>(c)));
      const uint32_t end = std::min<uint32_t>(samples, (static_cast<uint32_t>(c) + 1) * kChunk);
      for (uint32_t s = static_cast<uint32_t>(c) * kChunk; s < end; ++s) {
        for (uint32_t i = 0; i < items; ++i) theta[i] = rng.Beta(priors.alpha[i], priors.beta[i]);
        std::iota(order.begin(), order.end(), 0u);
        std::partial_sort(order.begin(), order.begin() + shown, order.end(),
                          [&](uint32_t a, uint32_t b) { return theta[a] > theta[b]; });
        for (uint32_t p = 0; p < shown; ++p) ++local[static_cast<size_t>(order[p]) * positions + p];
      }
    }
#pragma omp critical
    for (size_t k = 0; k < counts.size(); ++k) counts[k] += local[k];
  }
  std::vector<double> distribution(counts.size());
  for (size_t k = 0; k < counts.size(); ++k) distribution[k] = static_cast<double>(counts[k]) / samples;
  return distribution;
}

}  // namespace marquee
