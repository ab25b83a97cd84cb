#include "marquee/models/ials_solver.h"


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

void SolveRowCg(const IalsKernel& kernel, const FactorMatrix& gram, const FactorMatrix& other, SparseRow row,
                float lambda, uint32_t steps, float* x, SolverScratch& scratch, const uint16_t* other_half,
                float other_half_scale) {
  const CgRowProblem problem{.gram = gram.data(),
                             .other = other.data(),
                             .stride = other.stride(),
                             .columns = row.columns,
                             .extra = row.extra,
                             .length = row.length,
                             .lambda = lambda,
                             .steps = steps,
                             .other_half = other_half,
                             .other_half_scale = other_half_scale};
  kernel.solve_cg(problem, x, scratch.vectors());
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
  constexpr uint32_t kAhead = 8;  // rows fetched ahead: the gathered rows are the cost here
  double sum = 0;
  for (uint32_t k = 0; k < row.length; ++k) {
    if (k + kAhead < row.length) {
      const char* ahead = reinterpret_cast<const char*>(other.Row(row.columns[k + kAhead]));
      for (uint32_t j = 0; j < other.stride(); j += 16) __builtin_prefetch(ahead + 4 * j);
    }
    const double s = Dot(x, other.Row(row.columns[k]), other.stride());
    const double c = 1.0 + row.extra[k];
    sum += c * (1.0 - s) * (1.0 - s) - s * s;
  }
  return sum;
}

}  // namespace marquee::ials
