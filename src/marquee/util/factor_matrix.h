// FactorMatrix: a dense rows x factors float matrix laid out for SIMD
// kernels -- row-major, 64-byte aligned, each row padded with zeros to a
// whole number of 16-float lanes -- and the matrix-level kernels over it.
// Used for latent factors (iALS), ANN index vectors and anything else that
// scores by inner products.
//
// Thread safety: const methods may be called concurrently; writers need
// exclusive access to the rows they write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>

namespace marquee {

// Rows are padded to a multiple of this many floats (one 64-byte AVX-512
// register, two AVX2 ones) and 64-byte aligned, so kernels work on whole lanes.
inline constexpr uint32_t kLaneFloats = 16;

// The padded row length for `factors` floats.
inline uint32_t PaddedStride(uint32_t factors) { return (factors + kLaneFloats - 1) / kLaneFloats * kLaneFloats; }

// The padding stays zero: every kernel preserves it, so a dot product over the
// padded stride equals the one over `factors`.
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

// G = M^T M as a stride x stride matrix (padding rows/columns zero), summed
// in double over fixed blocks of rows: identical at any thread count (OpenMP).
FactorMatrix Gramian(const FactorMatrix& m);

// sum_jk a_jk b_jk over the factors x factors parts of two square matrices
// (= sum_u x_u^T G x_u when a = X^T X and b = G).
double FrobeniusProduct(const FactorMatrix& a, const FactorMatrix& b);

// x.y over `stride` floats; x and y 64-byte aligned, stride a multiple of
// kLaneFloats (a FactorMatrix row, or a buffer laid out like one). The sum is
// taken in a fixed order (two 8-float partial sums per 16-float lane, then a
// fixed reduction tree), the order ScoreAll reproduces.
float Dot(const float* x, const float* y, uint32_t stride);

// scores[i] = x.m_i for every row i of `m`, equal bit for bit to
// Dot(x, m.Row(i), m.stride()) (the ANN index and the recommender contract
// rely on that). Requires scores.size() >= m.rows() (only the first m.rows()
// entries are written) and x a 64-byte aligned vector of m.stride() floats
// with zero padding. With AVX2, eight rows are scored per step and their
// partial sums reduced together into one 8-score store; otherwise one Dot a
// row. A pure function: safe to call concurrently.
void ScoreAll(const FactorMatrix& m, const float* x, std::span<float> scores);

// The matrix product of a block of query rows with all rows of `m`:
//   scores[r * ld + i] = q_{begin + r} . m_i  for r < count, i < m.rows(),
// where q_j is row j of `queries` (e.g. a block of members against all
// titles). Requires queries.factors() == m.factors(), begin + count <=
// queries.rows(), ld >= m.rows(), and `scores` writable for
// (count - 1) * ld + m.rows() floats (entries between m.rows() and ld of a
// row are left untouched). Scores equal Dot's up to float rounding (the sum
// is taken in another order): within a few ulps of |q| |m_i| f, not bit for
// bit. Thread-safe; runs on the calling thread inside an OpenMP parallel
// region (call it from each thread on its own block, as RecommendBatch
// does), while outside one Eigen may split the product over OpenMP threads.
// Allocates Eigen's packing buffers per call. Cost ~ 2 count m.rows()
// factors flops; callers keep count around 64-256 so that the product's
// packing of `m` is amortised while the count x m.rows() block stays small.
void ScoreBlock(const FactorMatrix& queries, uint32_t begin, uint32_t count, const FactorMatrix& m,
                float* scores, size_t ld);

}  // namespace marquee
