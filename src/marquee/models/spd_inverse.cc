#include "marquee/models/spd_inverse.h"

#include <cblas.h>  // OpenBLAS's openblas_set_num_threads, openblas_get_parallel
#include <fmt/format.h>

#include <algorithm>
#include <climits>

#include "marquee/util/threads.h"

// LAPACK's Cholesky routines with the gfortran calling convention (every
// argument by pointer, then one hidden length per character argument).
// Declared here because Debian's OpenBLAS ships no LAPACK header (that
// would be liblapacke-dev, a second package for four prototypes).
extern "C" {
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t uplo_len);
void spotri_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t uplo_len);
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, size_t uplo_len);
void dpotri_(const char* uplo, const int* n, double* a, const int* lda, int* info, size_t uplo_len);
}

namespace marquee {

namespace {

// Debian installs OpenBLAS built on pthreads (libopenblas0-pthread, the
// default), on OpenMP (libopenblas0-openmp) or serial, switchable at run
// time by update-alternatives. The OpenMP build sizes each call by
// omp_get_max_threads(), which SetThreadCount() already sets; the pthreads
// build keeps its own count (OPENBLAS_NUM_THREADS, else every core), so the
// project's --threads reaches it only through this call. On the OpenMP
// build the call sets the same count again; on the serial one it does
// nothing.
void MatchBlasThreadsToOpenMp() { openblas_set_num_threads(ThreadCount()); }

void Potrf(float* a, int n, int* info) { spotrf_("L", &n, a, &n, info, 1); }
void Potrf(double* a, int n, int* info) { dpotrf_("L", &n, a, &n, info, 1); }
void Potri(float* a, int n, int* info) { spotri_("L", &n, a, &n, info, 1); }
void Potri(double* a, int n, int* info) { dpotri_("L", &n, a, &n, info, 1); }

// Copies the lower triangle (column-major) onto the upper, in square tiles
// so that both the rows read and the columns written stay in cache.
template <typename T>
void MirrorLowerToUpper(T* a, uint32_t n) {
  constexpr int64_t kTile = 64;
  const int64_t tiles = (static_cast<int64_t>(n) + kTile - 1) / kTile;
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t tj = 0; tj < tiles; ++tj) {
    const int64_t j0 = tj * kTile, j1 = std::min<int64_t>(j0 + kTile, n);
    for (int64_t i0 = j0; i0 < n; i0 += kTile) {
      const int64_t i1 = std::min<int64_t>(i0 + kTile, n);
      for (int64_t j = j0; j < j1; ++j) {
        for (int64_t i = std::max(i0, j + 1); i < i1; ++i) a[i * n + j] = a[j * n + i];
      }
    }
  }
}

template <typename T>
Status InvertWithLapack(std::span<T> a, uint32_t n,
                        const std::function<void(uint32_t, uint32_t)>& on_step) {
  if (n == 0) return Status::OK();
  if (n > static_cast<uint32_t>(INT_MAX)) {
    return Status::InvalidArgument(fmt::format("{} x {} is too large for LAPACK's 32-bit sizes", n, n));
  }
  if (a.size() < static_cast<size_t>(n) * n) {
    return Status::InvalidArgument(
        fmt::format("{} entries given for a {} x {} matrix", a.size(), n, n));
  }
  MatchBlasThreadsToOpenMp();
  int info = 0;
  Potrf(a.data(), static_cast<int>(n), &info);
  if (info > 0) {
    return Status::InvalidArgument(fmt::format(
        "the matrix is not positive definite (its leading minor of order {} is not)", info));
  }
  if (info < 0) return Status::InvalidArgument(fmt::format("potrf refused argument {}", -info));
  if (on_step) on_step(1, 2);
  Potri(a.data(), static_cast<int>(n), &info);
  if (info != 0) {  // info > 0 would be a zero on L's diagonal, which potrf rules out
    return Status::InvalidArgument(fmt::format("potri failed with info {}", info));
  }
  MirrorLowerToUpper(a.data(), n);
  if (on_step) on_step(2, 2);
  return Status::OK();
}

}  // namespace

Status InvertSymmetricPositiveDefinite(std::span<float> a, uint32_t n,
                                       const std::function<void(uint32_t, uint32_t)>& on_step) {
  return InvertWithLapack(a, n, on_step);
}

Status InvertSymmetricPositiveDefinite(std::span<double> a, uint32_t n,
                                       const std::function<void(uint32_t, uint32_t)>& on_step) {
  return InvertWithLapack(a, n, on_step);
}

std::string LinearAlgebraLibrary() {
  const int parallel = openblas_get_parallel();
  const char* threading = parallel == 0 ? "serial" : parallel == 1 ? "pthreads" : "OpenMP";
  return fmt::format("{} ({} kernels, {} build, {} threads)", openblas_get_config(),
                     openblas_get_corename(), threading, openblas_get_num_threads());
}

}  // namespace marquee
