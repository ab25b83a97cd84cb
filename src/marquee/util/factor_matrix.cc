#include "marquee/util/factor_matrix.h"

// GCC 12 reports "may be used uninitialized" inside Eigen's AVX-512 product
// kernels (the intrinsics' _mm512_undefined_ps); a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <Eigen/Core>
#include <algorithm>
#include <cstring>
#include <vector>

#include "marquee/util/simd_lanes.h"

namespace marquee {
namespace {

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using StridedRows = Eigen::Map<const RowMajorF, Eigen::Aligned64, Eigen::OuterStride<>>;

StridedRows RowsOf(const FactorMatrix& m, uint32_t begin, uint32_t count) {
  return StridedRows(m.Row(begin), count, m.factors(), Eigen::OuterStride<>(m.stride()));
}

}  // namespace

FactorMatrix::FactorMatrix(uint32_t rows, uint32_t factors)
    : rows_(rows), factors_(factors), stride_(PaddedStride(factors)) {
  const size_t bytes = std::max<size_t>(64, static_cast<size_t>(rows) * stride_ * sizeof(float));
  data_.reset(static_cast<float*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64)));
  std::memset(data_.get(), 0, bytes);
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
  for (uint32_t i = 0; i < m.rows(); ++i) scores[i] = Dot(x, m.Row(i), m.stride());
}

}  // namespace marquee
