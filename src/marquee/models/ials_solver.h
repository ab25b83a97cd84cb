// The numerical core of iALS (Hu, Koren & Volinsky 2008): factor storage,
// the Gramian, the per-row solvers and the loss. ials.cc drives them; they
// know nothing about parameters, files or progress.
//
// One half-step fixes the "other" side's factors Y (n x f) and, for each row
// u of this side with observed columns S_u, minimises
//
//   sum_{i in S_u} c_ui (1 - x.y_i)^2 + sum_{i not in S_u} (x.y_i)^2 + lambda_u ||x||^2,
//
// whose solution satisfies A x = b with
//
//   A = Y^T Y + sum_{i in S_u} (c_ui - 1) y_i y_i^T + lambda_u I,   b = sum_{i in S_u} c_ui y_i.
//
// Y^T Y (the Gramian) is shared by every row, so a row costs O(f^2 + |S_u| f)
// per conjugate-gradient step, or O(|S_u| f^2 + f^3) for the exact Cholesky
// solve. Rows store only e_ui = c_ui - 1 (the "extra" confidence).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

namespace marquee::ials {

// Factor rows are padded to a multiple of this many floats (one 64-byte
// AVX-512 register) and 64-byte aligned, so kernels work on whole vectors.
inline constexpr uint32_t kLaneFloats = 16;

inline uint32_t PaddedStride(uint32_t factors) {
  return (factors + kLaneFloats - 1) / kLaneFloats * kLaneFloats;
}

// A rows x factors float matrix, row-major, rows padded with zeros to
// PaddedStride(factors). The padding stays zero: every kernel preserves it.
class FactorMatrix {
 public:
  FactorMatrix() = default;
  FactorMatrix(uint32_t rows, uint32_t factors);  // all zero

  uint32_t rows() const { return rows_; }
  uint32_t factors() const { return factors_; }
  uint32_t stride() const { return stride_; }
  float* Row(uint32_t r) { return data_.get() + static_cast<size_t>(r) * stride_; }
  const float* Row(uint32_t r) const { return data_.get() + static_cast<size_t>(r) * stride_; }
  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  uint32_t rows_ = 0;
  uint32_t factors_ = 0;
  uint32_t stride_ = 0;
  std::unique_ptr<float[], Free> data_;
};

// The observed entries of one row: column indices and their extra
// confidence e = c - 1 (>= 0).
struct SparseRow {
  const uint32_t* columns = nullptr;
  const float* extra = nullptr;
  uint32_t length = 0;
};

// Rows of one side in CSR form (borrowed arrays).
struct SparseRows {
  const uint64_t* indptr = nullptr;
  const uint32_t* columns = nullptr;
  const float* extra = nullptr;
  uint32_t rows = 0;

  SparseRow Row(uint32_t r) const {
    return {columns + indptr[r], extra + indptr[r], static_cast<uint32_t>(indptr[r + 1] - indptr[r])};
  }
};

// G = M^T M as a stride x stride matrix (padding rows/columns zero), summed
// in double over fixed blocks of rows: identical at any thread count.
FactorMatrix Gramian(const FactorMatrix& m);

// sum_jk a_jk b_jk over the f x f parts of two Gramians (= sum_u x_u^T G x_u
// when a = X^T X and b = G).
double FrobeniusProduct(const FactorMatrix& a, const FactorMatrix& b);

// Per-thread working memory of the solvers, allocated once per thread.
class SolverScratch {
 public:
  explicit SolverScratch(uint32_t factors);
  ~SolverScratch();
  SolverScratch(const SolverScratch&) = delete;
  SolverScratch& operator=(const SolverScratch&) = delete;

  struct Cholesky;  // Eigen objects, kept out of this header
  float* vectors() { return vectors_.Row(0); }  // 3 padded vectors for CG
  Cholesky& cholesky() { return *cholesky_; }

 private:
  FactorMatrix vectors_;
  std::unique_ptr<Cholesky> cholesky_;
};

// Improves x (a padded row, warm start) by `steps` conjugate-gradient steps
// on A x = b, never forming A: A p = G p + lambda p + sum_i e_i (y_i.p) y_i.
void SolveRowCg(const FactorMatrix& gram, const FactorMatrix& other, SparseRow row, float lambda,
                uint32_t steps, float* x, SolverScratch& scratch);

// Sets x to the exact solution of A x = b (A formed densely, Cholesky
// factorisation in double).
void SolveRowCholesky(const FactorMatrix& gram, const FactorMatrix& other, SparseRow row,
                      float lambda, float* x, SolverScratch& scratch);

// sum over the row's observed entries of c (1 - s)^2 - s^2, s = x.y_i: the
// correction of the all-pairs term x^T G x to the row's weighted loss.
double ObservedLossCorrection(const FactorMatrix& other, SparseRow row, const float* x);

// x.y over the padded stride.
float Dot(const float* x, const float* y, uint32_t stride);

// scores[i] = x.y_i for every row i of `m`.
void ScoreAll(const FactorMatrix& m, const float* x, std::span<float> scores);

// Sum of f(i) for i in [0, n), in parallel, in double, added in an order
// that does not depend on the number of threads.
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

}  // namespace marquee::ials
