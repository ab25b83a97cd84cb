// Independent dense linear algebra in double, as the reference that the
// models' fast float kernels are checked against.
#pragma once

#include <cmath>
#include <utility>
#include <vector>

namespace marquee::test {

using DenseMatrix = std::vector<std::vector<double>>;

// Inverse by Gauss-Jordan elimination with partial pivoting, in double.
inline DenseMatrix GaussJordanInverse(DenseMatrix a) {
  const size_t n = a.size();
  DenseMatrix inv(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i) inv[i][i] = 1;
  for (size_t c = 0; c < n; ++c) {
    size_t pivot = c;
    for (size_t r = c + 1; r < n; ++r) {
      if (std::abs(a[r][c]) > std::abs(a[pivot][c])) pivot = r;
    }
    std::swap(a[c], a[pivot]);
    std::swap(inv[c], inv[pivot]);
    const double d = a[c][c];
    for (size_t k = 0; k < n; ++k) {
      a[c][k] /= d;
      inv[c][k] /= d;
    }
    for (size_t r = 0; r < n; ++r) {
      if (r == c || a[r][c] == 0) continue;
      const double f = a[r][c];
      for (size_t k = 0; k < n; ++k) {
        a[r][k] -= f * a[c][k];
        inv[r][k] -= f * inv[c][k];
      }
    }
  }
  return inv;
}

// Solves a x = b through the inverse above (small systems only).
inline std::vector<double> DenseSolve(const DenseMatrix& a, const std::vector<double>& b) {
  const DenseMatrix inv = GaussJordanInverse(a);
  std::vector<double> x(b.size(), 0.0);
  for (size_t r = 0; r < b.size(); ++r) {
    for (size_t k = 0; k < b.size(); ++k) x[r] += inv[r][k] * b[k];
  }
  return x;
}

}  // namespace marquee::test
