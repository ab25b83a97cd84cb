#include "marquee/models/ials_solver.h"

#include "marquee/util/simd_lanes.h"

// GCC 12 reports "may be used uninitialized" inside Eigen's AVX-512 product
// kernels (the intrinsics' _mm512_undefined_ps); a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstring>
#include <utility>

namespace marquee::ials {

namespace {

using simd::DotLanes;
using simd::Lane;
using simd::Lanes;

// The kernels take the number of lanes per row as a template argument
// (kLanes > 0) so that a whole factor vector lives in registers and every
// loop over it unrolls; kLanes == 0 is the general fallback for very wide
// factors, with the count at run time.
constexpr int kMaxFixedLanes = 16;     // up to 256 factors specialised
constexpr int kMaxRuntimeLanes = 64;   // 1024 factors
constexpr uint32_t kPrefetchAhead = 6;  // rows of `other` fetched ahead of use

template <int kLanes>
constexpr int LaneCapacity() {
  return kLanes > 0 ? kLanes : kMaxRuntimeLanes;
}

// out = sum over the row of coef(e_i, s_i) y_i with s_i = y_i.v, where
//   residual: coef = c_i - e_i s_i = 1 + e_i (1 - s_i)  (the sparse part of b - A v)
//   product:  coef = e_i s_i                            (the sparse part of A v)
// One pass over the row: each y_i is read once, dotted and accumulated.
template <int kLanes, bool kResidual>
void SparseAccumulate(const FactorMatrix& other, SparseRow row, const Lane* v, Lane* out, int n) {
  if constexpr (kLanes > 0) n = kLanes;
  const uint32_t stride = other.stride();
  const float* base = other.data();
  Lane acc[LaneCapacity<kLanes>()];
  Lane vv[LaneCapacity<kLanes>()];
  for (int j = 0; j < n; ++j) {
    acc[j] = Lane{};
    vv[j] = v[j];
  }
  for (uint32_t k = 0; k < row.length; ++k) {
    if (k + kPrefetchAhead < row.length) {
      const char* ahead = reinterpret_cast<const char*>(
          base + static_cast<size_t>(row.columns[k + kPrefetchAhead]) * stride);
      for (int j = 0; j < n; ++j) __builtin_prefetch(ahead + 64 * j);
    }
    const Lane* y = Lanes(base + static_cast<size_t>(row.columns[k]) * stride);
    const float s = DotLanes<kLanes>(y, vv, n);
    const float e = row.extra[k];
    const float coef = kResidual ? 1.0f + e * (1.0f - s) : e * s;
    for (int j = 0; j < n; ++j) acc[j] += coef * y[j];
  }
  for (int j = 0; j < n; ++j) out[j] = acc[j];
}

// out += G v + lambda v, G symmetric (so G v is a sum of G's rows).
// Two accumulator sets halve the dependency chain through the FMAs.
template <int kLanes>
void AddGramProduct(const FactorMatrix& gram, float lambda, const Lane* v, Lane* out, int n) {
  if constexpr (kLanes > 0) n = kLanes;
  const uint32_t f = gram.factors();
  const float* vs = reinterpret_cast<const float*>(v);
  Lane even[LaneCapacity<kLanes>()];
  Lane odd[LaneCapacity<kLanes>()];
  for (int j = 0; j < n; ++j) {
    even[j] = out[j] + lambda * v[j];
    odd[j] = Lane{};
  }
  uint32_t k = 0;
  for (; k + 1 < f; k += 2) {
    const Lane* g0 = Lanes(gram.Row(k));
    const Lane* g1 = Lanes(gram.Row(k + 1));
    const float v0 = vs[k];
    const float v1 = vs[k + 1];
    for (int j = 0; j < n; ++j) {
      even[j] += v0 * g0[j];
      odd[j] += v1 * g1[j];
    }
  }
  if (k < f) {
    const Lane* g0 = Lanes(gram.Row(k));
    for (int j = 0; j < n; ++j) even[j] += vs[k] * g0[j];
  }
  for (int j = 0; j < n; ++j) out[j] = even[j] + odd[j];
}

// Conjugate gradient on A x = b from the warm start x (Hestenes-Stiefel;
// see e.g. Takacs, Pilaszy & Tikk 2011 for its use in ALS). Each step costs
// one product A p = G p + lambda p + sum e_i (y_i.p) y_i.
template <int kLanes>
void SolveCg(const FactorMatrix& gram, const FactorMatrix& other, SparseRow row, float lambda,
             uint32_t steps, float* x_row, SolverScratch& scratch) {
  const int n = kLanes > 0 ? kLanes : static_cast<int>(other.stride() / kLaneFloats);
  Lane* x = Lanes(x_row);
  Lane* r = Lanes(scratch.vectors());
  Lane* p = r + n;
  Lane* ap = p + n;

  // r = b - A x; p = r.
  SparseAccumulate<kLanes, true>(other, row, x, r, n);
  for (int j = 0; j < n; ++j) ap[j] = Lane{};
  AddGramProduct<kLanes>(gram, lambda, x, ap, n);
  for (int j = 0; j < n; ++j) {
    r[j] -= ap[j];
    p[j] = r[j];
  }
  float rr = DotLanes<kLanes>(r, r, n);

  for (uint32_t step = 0; step < steps && rr > 1e-20f; ++step) {
    SparseAccumulate<kLanes, false>(other, row, p, ap, n);
    AddGramProduct<kLanes>(gram, lambda, p, ap, n);
    const float pap = DotLanes<kLanes>(p, ap, n);
    if (!(pap > 0)) break;  // p is (numerically) zero: x is already the solution
    const float a = rr / pap;
    for (int j = 0; j < n; ++j) {
      x[j] += a * p[j];
      r[j] -= a * ap[j];
    }
    const float rr_next = DotLanes<kLanes>(r, r, n);
    const float beta = rr_next / rr;
    for (int j = 0; j < n; ++j) p[j] = r[j] + beta * p[j];
    rr = rr_next;
  }
}

using CgFunction = void (*)(const FactorMatrix&, const FactorMatrix&, SparseRow, float, uint32_t,
                            float*, SolverScratch&);

template <size_t... kLanes>
constexpr std::array<CgFunction, sizeof...(kLanes)> MakeCgTable(std::index_sequence<kLanes...>) {
  return {&SolveCg<static_cast<int>(kLanes)>...};
}
// Entry 0 is the general kernel; entry k handles k lanes.
constexpr auto kCgTable = MakeCgTable(std::make_index_sequence<kMaxFixedLanes + 1>{});

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using StridedRows = Eigen::Map<const RowMajorF, Eigen::Aligned64, Eigen::OuterStride<>>;

StridedRows RowsOf(const FactorMatrix& m, uint32_t begin, uint32_t count) {
  return StridedRows(m.Row(begin), count, m.factors(), Eigen::OuterStride<>(m.stride()));
}

}  // namespace

struct SolverScratch::Cholesky {
  static constexpr uint32_t kChunk = 64;  // observed rows per rank-k update
  explicit Cholesky(uint32_t f)
      : a(f, f), chunk(kChunk, f), a_double(f, f), llt(f), b(f) {}
  Eigen::MatrixXf a;
  RowMajorF chunk;
  Eigen::MatrixXd a_double;
  Eigen::LLT<Eigen::MatrixXd> llt;
  Eigen::VectorXd b;
};

SolverScratch::SolverScratch(uint32_t factors)
    : vectors_(3, factors), cholesky_(std::make_unique<Cholesky>(factors)) {}

SolverScratch::~SolverScratch() = default;

void SolveRowCg(const FactorMatrix& gram, const FactorMatrix& other, SparseRow row, float lambda,
                uint32_t steps, float* x, SolverScratch& scratch) {
  const uint32_t lanes = other.stride() / kLaneFloats;
  const CgFunction solve = lanes <= kMaxFixedLanes ? kCgTable[lanes] : kCgTable[0];
  solve(gram, other, row, lambda, steps, x, scratch);
}

void SolveRowCholesky(const FactorMatrix& gram, const FactorMatrix& other, SparseRow row,
                      float lambda, float* x, SolverScratch& scratch) {
  using Chol = SolverScratch::Cholesky;
  Chol& s = scratch.cholesky();
  const uint32_t f = other.factors();
  s.a = RowsOf(gram, 0, f);
  s.a.diagonal().array() += lambda;
  s.b.setZero();
  // A += sum e_i y_i y_i^T as rank-k updates of sqrt(e_i) y_i, k rows at a time.
  for (uint32_t begin = 0; begin < row.length; begin += Chol::kChunk) {
    const uint32_t count = std::min(Chol::kChunk, row.length - begin);
    for (uint32_t k = 0; k < count; ++k) {
      const float e = row.extra[begin + k];
      Eigen::Map<const Eigen::RowVectorXf> y(other.Row(row.columns[begin + k]), f);
      s.chunk.row(k) = std::sqrt(e) * y;
      s.b += (1.0 + e) * y.transpose().cast<double>();
    }
    s.a.selfadjointView<Eigen::Lower>().rankUpdate(s.chunk.topRows(count).transpose());
  }
  s.a_double = s.a.cast<double>();
  s.llt.compute(s.a_double);
  if (s.llt.info() != Eigen::Success) return;  // singular (lambda = 0, rank-deficient): keep x
  s.llt.solveInPlace(s.b);
  for (uint32_t j = 0; j < f; ++j) x[j] = static_cast<float>(s.b[j]);
}

double ObservedLossCorrection(const FactorMatrix& other, SparseRow row, const float* x) {
  double sum = 0;
  for (uint32_t k = 0; k < row.length; ++k) {
    const double s = Dot(x, other.Row(row.columns[k]), other.stride());
    const double c = 1.0 + row.extra[k];
    sum += c * (1.0 - s) * (1.0 - s) - s * s;
  }
  return sum;
}

}  // namespace marquee::ials
