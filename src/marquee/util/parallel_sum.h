// DeterministicSum: a parallel sum whose result does not depend on the number
// of threads, so that losses and metrics are reproducible on any machine.
// Parallel with OpenMP when the including file is compiled with it; serial
// (and identical) otherwise.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace marquee {

// Sum of f(i) for i in [0, n), in double: f is evaluated in parallel over
// fixed blocks of 1024 indices, and the block sums are added in block order.
// f must be safe to call concurrently.
template <typename F>
double DeterministicSum(uint32_t n, F f) {
  constexpr uint32_t kBlock = 1024;
  const uint32_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> partial(blocks, 0.0);
#pragma omp parallel for schedule(dynamic, 1)
  for (uint32_t b = 0; b < blocks; ++b) {
    double s = 0;
    const uint32_t end = std::min(n, (b + 1) * kBlock);
    for (uint32_t i = b * kBlock; i < end; ++i) s += f(i);
    partial[b] = s;
  }
  double total = 0;
  for (double s : partial) total += s;
  return total;
}

}  // namespace marquee
