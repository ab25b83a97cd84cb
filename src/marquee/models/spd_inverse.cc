#include "marquee/models/spd_inverse.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <cblas.h>  // OpenBLAS's openblas_set_num_threads, openblas_get_parallel
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
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

template <typename T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <typename T>
using MatrixMap = Eigen::Map<Matrix<T>>;

// Tile boundaries: tile t covers [Start(t), Start(t) + Size(t)).
struct Tiling {
  uint32_t n;
  uint32_t tile;
  uint32_t count() const { return (n + tile - 1) / tile; }
  int64_t Start(uint32_t t) const { return static_cast<int64_t>(t) * tile; }
  int64_t Size(uint32_t t) const { return std::min<int64_t>(tile, n - Start(t)); }
};

// Step 1: A = L L^T in place (lower triangle), right-looking: factor the
// diagonal tile, solve the panel below it, update the trailing lower part.
template <typename T>
bool CholeskyInPlace(MatrixMap<T>& a, const Tiling& tiles,
                     const std::function<void(uint32_t)>& on_panel) {
  const uint32_t count = tiles.count();
  std::atomic<bool> positive_definite{true};
#pragma omp parallel
  for (uint32_t k = 0; k < count; ++k) {
    const int64_t k0 = tiles.Start(k), kb = tiles.Size(k);
#pragma omp single
    {
      Eigen::Ref<Matrix<T>> block = a.block(k0, k0, kb, kb);
      Eigen::LLT<Eigen::Ref<Matrix<T>>, Eigen::Lower> diagonal(block);  // factors in place
      if (diagonal.info() != Eigen::Success) positive_definite = false;
    }  // implicit barrier
    if (!positive_definite) break;  // every thread sees the same flag after the barrier
    const auto l_kk = a.block(k0, k0, kb, kb).template triangularView<Eigen::Lower>();
#pragma omp for schedule(dynamic, 1)
    for (uint32_t i = k + 1; i < count; ++i) {
      auto panel = a.block(tiles.Start(i), k0, tiles.Size(i), kb);
      l_kk.transpose().template solveInPlace<Eigen::OnTheRight>(panel);  // A_ik L_kk^-T
    }
    // Trailing update, one row tile at a time: the row's lower part from
    // column k0 + kb up to the diagonal, as one product.
#pragma omp for schedule(dynamic, 1)
    for (uint32_t i = k + 1; i < count; ++i) {
      const int64_t i0 = tiles.Start(i), ib = tiles.Size(i);
      const int64_t j0 = k0 + kb, width = i0 + ib - j0;
      a.block(i0, j0, ib, width).noalias() -=
          a.block(i0, k0, ib, kb) * a.block(j0, k0, width, kb).transpose();
    }
#pragma omp master
    if (on_panel) on_panel(k + 1);
  }
  return positive_definite;
}

// Step 2: W = L^-1. Column tile j of W is zero above row j0 and solves
// L[j0:, j0:] W[j0:, tile j] = I[j0:, tile j]; the tiles are independent.
template <typename T>
void InvertLowerTriangular(const MatrixMap<T>& l, MatrixMap<T>& w, const Tiling& tiles) {
  const uint32_t count = tiles.count();
  const int64_t n = tiles.n;
#pragma omp parallel for schedule(dynamic, 1)  // tile 0 is the largest: start it first
  for (uint32_t j = 0; j < count; ++j) {
    const int64_t j0 = tiles.Start(j), jb = tiles.Size(j);
    w.block(0, j0, n, jb).setZero();
    auto column = w.block(j0, j0, n - j0, jb);
    column.topRows(jb).setIdentity();
    l.block(j0, j0, n - j0, n - j0).template triangularView<Eigen::Lower>().solveInPlace(column);
  }
}

// Step 3: A^-1 = W^T W, lower half. Row tile i: entries (i, j <= i) sum over
// rows r >= i0 only, since W[r, tile i] = 0 above the diagonal.
template <typename T>
void LowerTransposeProduct(const MatrixMap<T>& w, MatrixMap<T>& out, const Tiling& tiles) {
  const uint32_t count = tiles.count();
  const int64_t n = tiles.n;
#pragma omp parallel for schedule(dynamic, 1)
  for (uint32_t i = 0; i < count; ++i) {
    const int64_t i0 = tiles.Start(i), ib = tiles.Size(i);
    out.block(i0, 0, ib, i0 + ib).noalias() =
        w.block(i0, i0, n - i0, ib).transpose() * w.block(i0, 0, n - i0, i0 + ib);
  }
}

// Copies the lower triangle onto the upper, tile by tile (cache-friendly).
template <typename T>
void MirrorLowerToUpper(MatrixMap<T>& a, const Tiling& tiles) {
  const uint32_t count = tiles.count();
#pragma omp parallel for schedule(dynamic, 1)
  for (uint32_t j = 0; j < count; ++j) {
    const int64_t j0 = tiles.Start(j), jb = tiles.Size(j);
    for (uint32_t i = j; i < count; ++i) {
      const int64_t i0 = tiles.Start(i), ib = tiles.Size(i);
      if (i == j) {
        auto d = a.block(j0, j0, jb, jb);
        d.template triangularView<Eigen::StrictlyUpper>() = d.transpose();
      } else {
        a.block(j0, i0, jb, ib) = a.block(i0, j0, ib, jb).transpose();
      }
    }
  }
}

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

template <typename T>
Status InvertWithLapack(std::span<T> a_data, uint32_t n,
                        const std::function<void(uint32_t, uint32_t)>& on_step) {
  if (n == 0) return Status::OK();
  if (n > static_cast<uint32_t>(INT_MAX)) {
    return Status::InvalidArgument(fmt::format("{} x {} is too large for LAPACK's 32-bit sizes", n, n));
  }
  if (a_data.size() < static_cast<size_t>(n) * n) {
    return Status::InvalidArgument(
        fmt::format("{} entries given for a {} x {} matrix", a_data.size(), n, n));
  }
  MatchBlasThreadsToOpenMp();
  int info = 0;
  Potrf(a_data.data(), static_cast<int>(n), &info);
  if (info > 0) {
    return Status::InvalidArgument(fmt::format(
        "the matrix is not positive definite (its leading minor of order {} is not)", info));
  }
  if (info < 0) return Status::InvalidArgument(fmt::format("potrf refused argument {}", -info));
  if (on_step) on_step(1, 2);
  // potri: A^-1 = L^-T L^-1 from the factor, lower triangle (trtri, lauum).
  Potri(a_data.data(), static_cast<int>(n), &info);
  if (info != 0) {  // info > 0 would be a zero on L's diagonal, which potrf rules out
    return Status::InvalidArgument(fmt::format("potri failed with info {}", info));
  }
  MatrixMap<T> a(a_data.data(), n, n);
  MirrorLowerToUpper(a, Tiling{n, 256});
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

template <typename T>
bool InvertSymmetricPositiveDefiniteTiled(std::span<T> a_data, std::span<T> work_data, uint32_t n,
                                     uint32_t tile,
                                     const std::function<void(uint32_t, uint32_t)>& on_step) {
  if (n == 0) return true;
  MatrixMap<T> a(a_data.data(), n, n);
  MatrixMap<T> w(work_data.data(), n, n);
  const Tiling tiles{n, std::max<uint32_t>(tile, 1)};
  const uint32_t total = 3 * tiles.count();
  auto report = [&](uint32_t done) {
    if (on_step) on_step(done, total);
  };
  if (!CholeskyInPlace(a, tiles, report)) return false;
  InvertLowerTriangular<T>(a, w, tiles);
  report(2 * tiles.count());
  LowerTransposeProduct<T>(w, a, tiles);
  MirrorLowerToUpper(a, tiles);
  report(total);
  return true;
}

template bool InvertSymmetricPositiveDefiniteTiled<float>(std::span<float>, std::span<float>, uint32_t,
                                                     uint32_t,
                                                     const std::function<void(uint32_t, uint32_t)>&);
template bool InvertSymmetricPositiveDefiniteTiled<double>(
    std::span<double>, std::span<double>, uint32_t, uint32_t,
    const std::function<void(uint32_t, uint32_t)>&);

}  // namespace marquee
