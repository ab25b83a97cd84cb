// Lane: sixteen floats as one GCC vector (one AVX-512 register; the compiler
// splits it into two AVX2 or four SSE registers elsewhere), and the small
// building blocks the factor kernels are written in. Rows of a FactorMatrix
// are whole numbers of lanes.
#pragma once

#include "marquee/util/factor_matrix.h"

namespace marquee::simd {

// may_alias: rows are float arrays.
using Lane = float __attribute__((vector_size(64), may_alias));
static_assert(sizeof(Lane) == kLaneFloats * sizeof(float));

// Horizontal sum, halving the width each step.
inline float Sum(Lane v) {
  using Half = float __attribute__((vector_size(32)));
  using Quarter = float __attribute__((vector_size(16)));
  const Half h = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
                 __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
  const Quarter q = __builtin_shufflevector(h, h, 0, 1, 2, 3) + __builtin_shufflevector(h, h, 4, 5, 6, 7);
  return (q[0] + q[2]) + (q[1] + q[3]);
}

inline const Lane* Lanes(const float* p) { return reinterpret_cast<const Lane*>(p); }
inline Lane* Lanes(float* p) { return reinterpret_cast<Lane*>(p); }

// Kernels take the number of lanes per row as a template argument (kLanes >
// 0) so that a whole vector lives in registers and every loop over it
// unrolls; kLanes == 0 is the general fallback with the count `n` at run time.
template <int kLanes>
inline float DotLanes(const Lane* a, const Lane* b, int n) {
  if constexpr (kLanes > 0) n = kLanes;
  Lane s = a[0] * b[0];
  for (int j = 1; j < n; ++j) s += a[j] * b[j];
  return Sum(s);
}

}  // namespace marquee::simd
