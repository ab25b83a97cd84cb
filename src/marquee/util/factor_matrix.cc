#include "marquee/util/factor_matrix.h"

// GCC 12 reports "may be used uninitialized" inside Eigen's AVX-512 product
// kernels (the intrinsics' _mm512_undefined_ps); a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <Eigen/Core>
#include <algorithm>
#include <new>
#include <cstring>
#include <vector>

#include "marquee/util/huge_pages.h"
#include "marquee/util/simd_lanes.h"

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace marquee {
namespace {

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using StridedRows = Eigen::Map<const RowMajorF, Eigen::Aligned64, Eigen::OuterStride<>>;

StridedRows RowsOf(const FactorMatrix& m, uint32_t begin, uint32_t count) {
  return StridedRows(m.Row(begin), count, m.factors(), Eigen::OuterStride<>(m.stride()));
}

#ifdef __AVX2__
// ScoreAll's kernel. Dot accumulates a 16-float lane, i.e. two independent
// 8-float sums (lo: floats 16j..16j+7, hi: 16j+8..16j+15; a product first,
// then one FMA per lane), and reduces lo + hi, then the two 4-float halves,
// then (q0 + q2) + (q1 + q3). The kernel repeats exactly those operations
// so its scores equal Dot's bit for bit, but for several rows at once: the
// query's lane is loaded once for all of them, the rows' FMA chains overlap
// (8 independent accumulators cover the FMA latency), and the final
// reductions of eight rows share shuffles and one store instead of a
// horizontal sum per title.

// h[t] = lo_t + hi_t for rows y, y + stride, y + 2 stride, y + 3 stride. Four
// rows use 8 accumulators plus the query's two halves: 10 of the 16 ymm
// registers, the rows' loads folded into the FMAs.
inline void PartialSums4(const float* x, const float* y, uint32_t stride, __m256* h) {
  const float* y0 = y;
  const float* y1 = y + stride;
  const float* y2 = y + 2 * static_cast<size_t>(stride);
  const float* y3 = y + 3 * static_cast<size_t>(stride);
  __m256 xl = _mm256_load_ps(x), xh = _mm256_load_ps(x + 8);
  __m256 l0 = _mm256_mul_ps(xl, _mm256_load_ps(y0)), h0 = _mm256_mul_ps(xh, _mm256_load_ps(y0 + 8));
  __m256 l1 = _mm256_mul_ps(xl, _mm256_load_ps(y1)), h1 = _mm256_mul_ps(xh, _mm256_load_ps(y1 + 8));
  __m256 l2 = _mm256_mul_ps(xl, _mm256_load_ps(y2)), h2 = _mm256_mul_ps(xh, _mm256_load_ps(y2 + 8));
  __m256 l3 = _mm256_mul_ps(xl, _mm256_load_ps(y3)), h3 = _mm256_mul_ps(xh, _mm256_load_ps(y3 + 8));
  for (uint32_t j = kLaneFloats; j < stride; j += kLaneFloats) {
    xl = _mm256_load_ps(x + j);
    xh = _mm256_load_ps(x + j + 8);
    l0 = _mm256_fmadd_ps(xl, _mm256_load_ps(y0 + j), l0);
    h0 = _mm256_fmadd_ps(xh, _mm256_load_ps(y0 + j + 8), h0);
    l1 = _mm256_fmadd_ps(xl, _mm256_load_ps(y1 + j), l1);
    h1 = _mm256_fmadd_ps(xh, _mm256_load_ps(y1 + j + 8), h1);
    l2 = _mm256_fmadd_ps(xl, _mm256_load_ps(y2 + j), l2);
    h2 = _mm256_fmadd_ps(xh, _mm256_load_ps(y2 + j + 8), h2);
    l3 = _mm256_fmadd_ps(xl, _mm256_load_ps(y3 + j), l3);
    h3 = _mm256_fmadd_ps(xh, _mm256_load_ps(y3 + j + 8), h3);
  }
  h[0] = _mm256_add_ps(l0, h0);
  h[1] = _mm256_add_ps(l1, h1);
  h[2] = _mm256_add_ps(l2, h2);
  h[3] = _mm256_add_ps(l3, h3);
}

// The eight scores of h[0..7], in order: for each t, q = h_t[0:4] + h_t[4:8]
// and (q0 + q2) + (q1 + q3) -- simd::Sum's tree, transposed so each step
// serves all eight rows.
inline __m256 ReduceRows8(const __m256* h) {
  __m256 q[4];  // q[t] = [q of row t | q of row t + 4]
  for (int t = 0; t < 4; ++t) {
    q[t] = _mm256_add_ps(_mm256_permute2f128_ps(h[t], h[t + 4], 0x20),
                         _mm256_permute2f128_ps(h[t], h[t + 4], 0x31));
  }
  // u = [q0_0 + q0_2, q1_0 + q1_2, q0_1 + q0_3, q1_1 + q1_3] (rows 0, 1 | 4, 5); v likewise.
  const __m256 u = _mm256_add_ps(_mm256_unpacklo_ps(q[0], q[1]), _mm256_unpackhi_ps(q[0], q[1]));
  const __m256 v = _mm256_add_ps(_mm256_unpacklo_ps(q[2], q[3]), _mm256_unpackhi_ps(q[2], q[3]));
  return _mm256_add_ps(_mm256_shuffle_ps(u, v, 0x44), _mm256_shuffle_ps(u, v, 0xEE));
}
#endif  // __AVX2__

}  // namespace

namespace {

// Matrices of 2 MB and more are 2 MB aligned and on huge pages where the
// system allows (util/huge_pages.h): iALS gathers their rows in random order.
float* AllocateZeroed(size_t bytes) {
  const size_t alignment = bytes >= kHugePageBytes ? kHugePageBytes : 64;
  const size_t rounded = (std::max<size_t>(bytes, 64) + alignment - 1) / alignment * alignment;
  void* p = std::aligned_alloc(alignment, rounded);
  if (p == nullptr) throw std::bad_alloc();
  if (alignment == kHugePageBytes) AdviseHugePages(p, rounded);
  std::memset(p, 0, rounded);  // after the advice, so that the pages fault in huge
  return static_cast<float*>(p);
}

}  // namespace

FactorMatrix::FactorMatrix(uint32_t rows, uint32_t factors)
    : rows_(rows), factors_(factors), stride_(PaddedStride(factors)) {
  data_.reset(AllocateZeroed(static_cast<size_t>(rows) * stride_ * sizeof(float)));
}

FactorMatrix Gramian(const FactorMatrix& m) {
  constexpr uint32_t kBlock = 4096;
  const uint32_t f = m.factors();
  const uint32_t blocks = (m.rows() + kBlock - 1) / kBlock;
  std::vector<Eigen::MatrixXd> partial(blocks);
#pragma omp parallel for schedule(dynamic, 1)
  for (uint32_t b = 0; b < blocks; ++b) {
    const uint32_t begin = b * kBlock;
    const uint32_t count = std::min(kBlock, m.rows() - begin);
    Eigen::MatrixXf part = Eigen::MatrixXf::Zero(f, f);
    part.selfadjointView<Eigen::Lower>().rankUpdate(RowsOf(m, begin, count).transpose());
    partial[b] = part.cast<double>();
  }
  Eigen::MatrixXd total = Eigen::MatrixXd::Zero(f, f);
  for (const Eigen::MatrixXd& p : partial) total += p;  // fixed order: deterministic
  FactorMatrix gram(m.stride(), f);
  for (uint32_t i = 0; i < f; ++i) {
    for (uint32_t j = 0; j <= i; ++j) {
      gram.Row(i)[j] = gram.Row(j)[i] = static_cast<float>(total(i, j));
    }
  }
  return gram;
}

double FrobeniusProduct(const FactorMatrix& a, const FactorMatrix& b) {
  double s = 0;
  for (uint32_t i = 0; i < a.factors(); ++i) {
    for (uint32_t j = 0; j < a.factors(); ++j) {
      s += static_cast<double>(a.Row(i)[j]) * b.Row(i)[j];
    }
  }
  return s;
}

float Dot(const float* x, const float* y, uint32_t stride) {
  return simd::DotLanes<0>(simd::Lanes(x), simd::Lanes(y), static_cast<int>(stride / kLaneFloats));
}

void ScoreAll(const FactorMatrix& m, const float* x, std::span<float> scores) {
  uint32_t i = 0;
#ifdef __AVX2__
  if (m.stride() > 0) {
    for (; i + 8 <= m.rows(); i += 8) {
      __m256 h[8];
      PartialSums4(x, m.Row(i), m.stride(), h);
      PartialSums4(x, m.Row(i + 4), m.stride(), h + 4);
      _mm256_storeu_ps(scores.data() + i, ReduceRows8(h));
    }
  }
#endif
  for (; i < m.rows(); ++i) scores[i] = Dot(x, m.Row(i), m.stride());
}

// Eigen's GEMM rather than a kernel of ours: its packed, register-blocked
// product (24 x 4 scores per AVX2 micro-tile, operands broadcast from packed
// panels) reaches most of the FMA peak, while a dot-product formulation like
// ScoreAll's needs a load per FMA and a reduction per score. The price is
// re-packing `m` on every call, which callers amortise over the block.
void ScoreBlock(const FactorMatrix& queries, uint32_t begin, uint32_t count, const FactorMatrix& m,
                float* scores, size_t ld) {
  if (count == 0 || m.rows() == 0) return;
  using ScoreRows = Eigen::Map<RowMajorF, Eigen::Unaligned, Eigen::OuterStride<>>;
  ScoreRows out(scores, count, m.rows(), Eigen::OuterStride<>(static_cast<Eigen::Index>(ld)));
  if (m.factors() == 0) {
    out.setZero();
    return;
  }
  out.noalias() = RowsOf(queries, begin, count) * RowsOf(m, 0, m.rows()).transpose();
}

}  // namespace marquee
