// Inverting a dense symmetric positive definite matrix in place -- the one
// expensive step of EASE (P = (X^T X + lambda I)^-1).
//
// InvertSymmetricPositiveDefinite: LAPACK's Cholesky inverse (potrf, then
// potri) from the OpenBLAS the build links, on ThreadCount() threads
// (util/threads.h); needs no scratch matrix.
//
// InvertSymmetricPositiveDefiniteTiled: hand-tiled on Eigen, the classic
// three-step inverse through the Cholesky factor, each step
// blocked into tiles so that almost all the work is matrix-matrix products:
//   1. A = L L^T                (right-looking blocked Cholesky,  n^3/3 flops)
//   2. W = L^-1                 (one triangular solve per column tile, n^3/3)
//   3. A^-1 = W^T W             (one product per row tile, lower half, n^3/3)
// n^3 flops in all, a third of solving L L^T X = I for all n columns.
//
// Parallel over tiles with OpenMP. Eigen runs each tile's product on one
// thread (it does not nest inside our parallel regions), so every entry is
// computed in the same order at any thread count: results are bit-identical
// at 1, 2 or 64 threads.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "marquee/util/status.h"

namespace marquee {

// Replaces the n x n matrix `a` (column-major, a.size() >= n * n; only its
// lower triangle is read) by its inverse, both triangles filled, in the
// precision of `a`. Returns InvalidArgument -- leaving `a` undefined -- when
// `a` is not positive definite in that precision (the message names the
// first leading minor that is not), or when n exceeds LAPACK's 32-bit int.
// `on_step(done, total)` reports progress: 1 of 2 after the factorization,
// 2 of 2 at the end.
//
// Threads: OpenBLAS's own workers, as many as ThreadCount(). Call it from
// outside OpenMP parallel regions, one call at a time: it sets OpenBLAS's
// process-wide thread count.
Status InvertSymmetricPositiveDefinite(std::span<float> a, uint32_t n,
                                       const std::function<void(uint32_t, uint32_t)>& on_step = {});
Status InvertSymmetricPositiveDefinite(std::span<double> a, uint32_t n,
                                       const std::function<void(uint32_t, uint32_t)>& on_step = {});

// The BLAS/LAPACK behind InvertSymmetricPositiveDefinite, for benchmark
// reports: OpenBLAS's build configuration (version, kernel) and threading.
std::string LinearAlgebraLibrary();

// Replaces the n x n matrix `a` (column-major; only its lower triangle is
// read) by its inverse, both triangles filled. `work` is n x n scratch.
// Returns false -- leaving `a` undefined -- when `a` is not positive definite.
// `on_step(done, total)` reports progress (3 x tiles steps in all).
template <typename T>
bool InvertSymmetricPositiveDefiniteTiled(std::span<T> a, std::span<T> work, uint32_t n,
                                     uint32_t tile = 256,
                                     const std::function<void(uint32_t, uint32_t)>& on_step = {});

extern template bool InvertSymmetricPositiveDefiniteTiled<float>(
    std::span<float>, std::span<float>, uint32_t, uint32_t,
    const std::function<void(uint32_t, uint32_t)>&);
extern template bool InvertSymmetricPositiveDefiniteTiled<double>(
    std::span<double>, std::span<double>, uint32_t, uint32_t,
    const std::function<void(uint32_t, uint32_t)>&);

}  // namespace marquee
