// Inverting a dense symmetric positive definite matrix in place -- the one
// expensive step of EASE (P = (X^T X + lambda I)^-1) -- by LAPACK's Cholesky
// inverse in the OpenBLAS the build links:
//   potrf: A = L L^T                         (n^3/3 flops)
//   potri: A^-1 = L^-T L^-1 (trtri + lauum)  (2 n^3/3 flops)
// in place, with no scratch matrix; then the lower triangle is mirrored.
//
// Threads: OpenBLAS's own workers, ThreadCount() of them (util/threads.h),
// whichever of Debian's OpenBLAS builds (pthreads, OpenMP, serial) is
// installed. Results may differ in the last bits between thread counts.
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
// first leading minor that is not), when `a` is too short, or when n
// exceeds LAPACK's 32-bit int. `on_step(done, total)` reports progress: 1
// of 2 after the factorization, 2 of 2 at the end.
//
// Call it from outside OpenMP parallel regions, one call at a time: it sets
// OpenBLAS's process-wide thread count.
Status InvertSymmetricPositiveDefinite(std::span<float> a, uint32_t n,
                                       const std::function<void(uint32_t, uint32_t)>& on_step = {});
Status InvertSymmetricPositiveDefinite(std::span<double> a, uint32_t n,
                                       const std::function<void(uint32_t, uint32_t)>& on_step = {});

// The BLAS/LAPACK behind InvertSymmetricPositiveDefinite, for benchmark
// reports: OpenBLAS's build configuration, kernels, threading and thread
// count, e.g. "OpenBLAS 0.3.21 ... (SkylakeX kernels, pthreads build, 2 threads)".
std::string LinearAlgebraLibrary();

}  // namespace marquee
