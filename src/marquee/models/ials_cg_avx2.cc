// The AVX2 CG kernel (CMake compiles this file with -mavx2 -mfma -mf16c): the
// streaming kernel of ials_cg_stream.inc on 8-float ymm registers. AVX2 has
// 16 of them, and a 64-factor vector alone takes 8, so the register-resident
// kernel of ials_cg_lanes.inc spills about half its vector instructions to
// the stack here; this one has no vector spills at all
// (scripts/check_kernel_spills.sh checks the object code).
#if defined(__AVX2__) && defined(__FMA__)

#include <immintrin.h>

namespace marquee::ials {
namespace {

struct Ymm {
  using V = __m256;
  static constexpr unsigned kWidth = 8;
  static V Zero() { return _mm256_setzero_ps(); }
  static V Load(const float* p) { return _mm256_load_ps(p); }
  static void Store(float* p, V v) { _mm256_store_ps(p, v); }
  static V Set1(float x) { return _mm256_set1_ps(x); }
  static V Broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static V Spread(__m128 q) { return _mm256_broadcastss_ps(q); }
  static V Fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V Fnma(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
  static V Sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static float Sum1(V a) {
    const __m128 q = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    const __m128 h = _mm_add_ps(q, _mm_movehl_ps(q, q));
    return _mm_cvtss_f32(_mm_add_ss(h, _mm_movehdup_ps(h)));
  }
  // One transpose-reduce instead of four horizontal sums.
  static __m128 Sum4(V a, V b, V c, V d) {
    const V ab = _mm256_hadd_ps(a, b);      // a01 a23 b01 b23 | a45 a67 b45 b67
    const V cd = _mm256_hadd_ps(c, d);
    const V abcd = _mm256_hadd_ps(ab, cd);  // a0-3 b0-3 c0-3 d0-3 | a4-7 b4-7 ...
    return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
  }
};

}  // namespace
}  // namespace marquee::ials

#include "marquee/models/ials_cg_stream.inc"

namespace marquee::ials {

// fp16 rows where given: they halve the bytes gathered per interaction.
void SolveCgAvx2(const CgRowProblem& problem, float* x, float* scratch) {
  if (problem.other_half != nullptr) {
    StreamCg<Ymm, true>::Solve(problem, x, scratch);
  } else {
    StreamCg<Ymm>::Solve(problem, x, scratch);
  }
}

void ToHalfF16c(const float* in, size_t n, float scale, uint16_t* out) {
  const __m256 s = _mm256_set1_ps(scale);
  for (size_t i = 0; i < n; i += 8) {
    const __m256 v = _mm256_mul_ps(s, _mm256_load_ps(in + i));
    _mm_store_si128(reinterpret_cast<__m128i*>(out + i), _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
  }
}

}  // namespace marquee::ials

#endif  // __AVX2__ && __FMA__
