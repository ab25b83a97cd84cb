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

#include "marquee/models/ials_kernel.h"
#include "marquee/util/factor_matrix.h"

namespace marquee::ials {

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
// `kernel` is the instruction-set variant (ials_kernel.h; all agree to float
// rounding).
void SolveRowCg(const IalsKernel& kernel, const FactorMatrix& gram, const FactorMatrix& other, SparseRow row,
                float lambda, uint32_t steps, float* x, SolverScratch& scratch, const uint16_t* other_half = nullptr,
                float other_half_scale = 1);

// Sets x to the exact solution of A x = b (A formed densely, Cholesky
// factorisation in double).
void SolveRowCholesky(const FactorMatrix& gram, const FactorMatrix& other, SparseRow row,
                      float lambda, float* x, SolverScratch& scratch);

// sum over the row's observed entries of c (1 - s)^2 - s^2, s = x.y_i: the
// correction of the all-pairs term x^T G x to the row's weighted loss.
double ObservedLossCorrection(const FactorMatrix& other, SparseRow row, const float* x);

}  // namespace marquee::ials
