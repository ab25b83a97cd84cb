// The AVX2 CG kernel (CMake compiles this file with -mavx2 -mfma). AVX2 has
// 16 ymm registers of 8 floats: a 64-factor vector alone takes 8, so the
// register-resident kernel of ials_cg_lanes.inc spills about half its vector
// instructions to the stack here. This one keeps only a small fixed working
// set in registers and streams the vectors (x, r, p, Ap: a few hundred bytes
// each, always in L1) through it:
//   - sparse part, four interactions at a time: four dot products share each
//     load of p (4 accumulators), then four updates share each load and store
//     of the output (4 broadcast coefficients + 1 accumulator);
//   - Gramian product, eight output registers at a time: each row of G is
//     loaded once per block and multiplied by a broadcast element of v.
// scripts/check_kernel_spills.sh checks the compiled code for stack traffic.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "marquee/models/ials_cg.h"

#if defined(__AVX2__) && defined(__FMA__)

namespace marquee::ials {
namespace {

constexpr int kWidth = 8;               // floats per ymm register
constexpr uint32_t kPrefetchAhead = 8;  // interactions fetched ahead of use

inline const float* RowOf(const CgRowProblem& pr, uint32_t k) {
  return pr.other + static_cast<size_t>(pr.columns[k]) * pr.stride;
}

inline void PrefetchRow(const float* row, uint32_t stride) {
  for (uint32_t j = 0; j < stride; j += 16) _mm_prefetch(reinterpret_cast<const char*>(row + j), _MM_HINT_T0);
}

// [sum(a), sum(b), sum(c), sum(d)]: one transpose-reduce instead of four
// horizontal sums.
inline __m128 Sum4(__m256 a, __m256 b, __m256 c, __m256 d) {
  const __m256 ab = _mm256_hadd_ps(a, b);  // a01 a23 b01 b23 | a45 a67 b45 b67
  const __m256 cd = _mm256_hadd_ps(c, d);
  const __m256 abcd = _mm256_hadd_ps(ab, cd);  // a0-3 b0-3 c0-3 d0-3 | a4-7 ...
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

inline float Sum1(__m256 a) {
  const __m128 q = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  const __m128 h = _mm_add_ps(q, _mm_movehl_ps(q, q));
  return _mm_cvtss_f32(_mm_add_ss(h, _mm_movehdup_ps(h)));
}

float Dot(const float* a, const float* b, uint32_t stride) {
  __m256 s0 = _mm256_setzero_ps();
  __m256 s1 = _mm256_setzero_ps();
  for (uint32_t j = 0; j < stride; j += 2 * kWidth) {  // stride is a multiple of 16
    s0 = _mm256_fmadd_ps(_mm256_load_ps(a + j), _mm256_load_ps(b + j), s0);
    s1 = _mm256_fmadd_ps(_mm256_load_ps(a + j + kWidth), _mm256_load_ps(b + j + kWidth), s1);
  }
  return Sum1(_mm256_add_ps(s0, s1));
}

// The coefficient of y_k in the sparse sum, from s = y_k.v (see
// ials_cg_lanes.inc): residual 1 + e (1 - s), product e s.
template <bool kResidual>
inline __m128 Coefficients(__m128 s, __m128 e) {
  if constexpr (kResidual) {
    const __m128 one = _mm_set1_ps(1.0f);
    return _mm_fmadd_ps(e, _mm_sub_ps(one, s), one);
  } else {
    return _mm_mul_ps(e, s);
  }
}

// out = sum_k coef(e_k, y_k.v) y_k over the row's interactions.
template <bool kResidual>
void SparseAccumulate(const CgRowProblem& pr, const float* v, float* out) {
  const uint32_t stride = pr.stride;
  for (uint32_t j = 0; j < stride; j += kWidth) _mm256_store_ps(out + j, _mm256_setzero_ps());
  uint32_t k = 0;
  for (; k + 4 <= pr.length; k += 4) {
    for (uint32_t a = k + kPrefetchAhead; a < k + kPrefetchAhead + 4 && a < pr.length; ++a) {
      PrefetchRow(RowOf(pr, a), stride);
    }
    const float* y0 = RowOf(pr, k);
    const float* y1 = RowOf(pr, k + 1);
    const float* y2 = RowOf(pr, k + 2);
    const float* y3 = RowOf(pr, k + 3);
    __m256 d0 = _mm256_setzero_ps(), d1 = _mm256_setzero_ps();
    __m256 d2 = _mm256_setzero_ps(), d3 = _mm256_setzero_ps();
    for (uint32_t j = 0; j < stride; j += kWidth) {
      const __m256 vj = _mm256_load_ps(v + j);
      d0 = _mm256_fmadd_ps(_mm256_load_ps(y0 + j), vj, d0);
      d1 = _mm256_fmadd_ps(_mm256_load_ps(y1 + j), vj, d1);
      d2 = _mm256_fmadd_ps(_mm256_load_ps(y2 + j), vj, d2);
      d3 = _mm256_fmadd_ps(_mm256_load_ps(y3 + j), vj, d3);
    }
    const __m128 coef = Coefficients<kResidual>(Sum4(d0, d1, d2, d3), _mm_loadu_ps(pr.extra + k));
    const __m256 c0 = _mm256_broadcastss_ps(coef);
    const __m256 c1 = _mm256_broadcastss_ps(_mm_shuffle_ps(coef, coef, 0x55));
    const __m256 c2 = _mm256_broadcastss_ps(_mm_shuffle_ps(coef, coef, 0xAA));
    const __m256 c3 = _mm256_broadcastss_ps(_mm_shuffle_ps(coef, coef, 0xFF));
    for (uint32_t j = 0; j < stride; j += kWidth) {
      __m256 acc = _mm256_load_ps(out + j);
      acc = _mm256_fmadd_ps(c0, _mm256_load_ps(y0 + j), acc);
      acc = _mm256_fmadd_ps(c1, _mm256_load_ps(y1 + j), acc);
      acc = _mm256_fmadd_ps(c2, _mm256_load_ps(y2 + j), acc);
      acc = _mm256_fmadd_ps(c3, _mm256_load_ps(y3 + j), acc);
      _mm256_store_ps(out + j, acc);
    }
  }
  for (; k < pr.length; ++k) {  // the last 0-3 interactions, one at a time
    const float* y = RowOf(pr, k);
    const float s = Dot(y, v, stride);
    const float e = pr.extra[k];
    const __m256 c = _mm256_set1_ps(kResidual ? 1.0f + e * (1.0f - s) : e * s);
    for (uint32_t j = 0; j < stride; j += kWidth) {
      _mm256_store_ps(out + j, _mm256_fmadd_ps(c, _mm256_load_ps(y + j), _mm256_load_ps(out + j)));
    }
  }
}

// out[block] += (G v)[block] + lambda v[block] for kCount registers of output
// starting at float `first`: kCount accumulators, one broadcast, and a row
// of G loaded once per k.
template <int kCount>
void GramBlock(const CgRowProblem& pr, const float* v, float* out, uint32_t first) {
  __m256 acc[kCount];  // unrolled loops below: each element is a register
  const __m256 lambda = _mm256_set1_ps(pr.lambda);
#pragma GCC unroll 8
  for (int i = 0; i < kCount; ++i) {
    acc[i] = _mm256_fmadd_ps(lambda, _mm256_load_ps(v + first + i * kWidth), _mm256_load_ps(out + first + i * kWidth));
  }
  for (uint32_t k = 0; k < pr.stride; ++k) {  // padding rows of G are zero
    const __m256 vk = _mm256_broadcast_ss(v + k);
    const float* g = pr.gram + static_cast<size_t>(k) * pr.stride + first;
#pragma GCC unroll 8
    for (int i = 0; i < kCount; ++i) acc[i] = _mm256_fmadd_ps(vk, _mm256_load_ps(g + i * kWidth), acc[i]);
  }
#pragma GCC unroll 8
  for (int i = 0; i < kCount; ++i) _mm256_store_ps(out + first + i * kWidth, acc[i]);
}

// out += G v + lambda v.
void AddGramProduct(const CgRowProblem& pr, const float* v, float* out) {
  uint32_t first = 0;
  for (; first + 8 * kWidth <= pr.stride; first += 8 * kWidth) GramBlock<8>(pr, v, out, first);
  switch ((pr.stride - first) / kWidth) {  // stride is a multiple of 16: 0, 2, 4 or 6 left
    case 2: GramBlock<2>(pr, v, out, first); break;
    case 4: GramBlock<4>(pr, v, out, first); break;
    case 6: GramBlock<6>(pr, v, out, first); break;
    default: break;
  }
}

}  // namespace

// Conjugate gradient as in ials_cg_lanes.inc (Hestenes-Stiefel, warm start).
void SolveCgAvx2(const CgRowProblem& pr, float* x, float* scratch) {
  const uint32_t stride = pr.stride;
  float* r = scratch;
  float* p = r + stride;
  float* ap = p + stride;

  // r = b - A x; p = r.
  SparseAccumulate<true>(pr, x, r);
  for (uint32_t j = 0; j < stride; j += kWidth) _mm256_store_ps(ap + j, _mm256_setzero_ps());
  AddGramProduct(pr, x, ap);
  for (uint32_t j = 0; j < stride; j += kWidth) {
    const __m256 rj = _mm256_sub_ps(_mm256_load_ps(r + j), _mm256_load_ps(ap + j));
    _mm256_store_ps(r + j, rj);
    _mm256_store_ps(p + j, rj);
  }
  float rr = Dot(r, r, stride);

  for (uint32_t step = 0; step < pr.steps && rr > 1e-20f; ++step) {
    SparseAccumulate<false>(pr, p, ap);
    AddGramProduct(pr, p, ap);
    const float pap = Dot(p, ap, stride);
    if (!(pap > 0)) break;  // p is (numerically) zero: x is already the solution
    const __m256 a = _mm256_set1_ps(rr / pap);
    for (uint32_t j = 0; j < stride; j += kWidth) {
      _mm256_store_ps(x + j, _mm256_fmadd_ps(a, _mm256_load_ps(p + j), _mm256_load_ps(x + j)));
      _mm256_store_ps(r + j, _mm256_fnmadd_ps(a, _mm256_load_ps(ap + j), _mm256_load_ps(r + j)));
    }
    const float rr_next = Dot(r, r, stride);
    const __m256 beta = _mm256_set1_ps(rr_next / rr);
    for (uint32_t j = 0; j < stride; j += kWidth) {
      _mm256_store_ps(p + j, _mm256_fmadd_ps(beta, _mm256_load_ps(p + j), _mm256_load_ps(r + j)));
    }
    rr = rr_next;
  }
}

}  // namespace marquee::ials

#endif  // __AVX2__ && __FMA__
