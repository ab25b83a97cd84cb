#include "marquee/bandit/ridge_regression.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>

namespace marquee {

namespace {

// Largest dimension a saved state may claim: far above any feature layout,
// and small enough that dim * dim cannot overflow or exhaust memory before the
// byte count is checked.
constexpr uint64_t kMaxDim = 1 << 16;

// Solves L u = x (L lower, row-major) into u. Each unknown is a dot product
// with a contiguous row; the simd reduction lets it vectorize (the order of
// the additions then differs from a scalar loop only by rounding).
template <typename T>
void ForwardSolve(const std::vector<double>& chol, size_t d, std::span<const T> x, double* u) {
  for (size_t i = 0; i < d; ++i) {
    const double* row = chol.data() + i * d;
    double dot = 0.0;
#pragma omp simd reduction(+ : dot)
    for (size_t j = 0; j < i; ++j) dot += row[j] * u[j];
    u[i] = (static_cast<double>(x[i]) - dot) / row[i];
  }
}

// Solves L^T y = z in place (z in, y out). Row i of L holds column i of L^T,
// so eliminating one unknown at a time walks L by rows, not by strided columns.
void BackwardSolveInPlace(const std::vector<double>& chol, size_t d, double* y) {
  for (size_t i = d; i-- > 0;) {
    const double* row = chol.data() + i * d;
    y[i] /= row[i];
    const double yi = y[i];
#pragma omp simd
    for (size_t j = 0; j < i; ++j) y[j] -= row[j] * yi;
  }
}

bool AllFinite(const std::vector<double>& v) {
  for (double x : v) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

}  // namespace

RidgeRegression::RidgeRegression(size_t dim, double lambda)
    : dim_(dim), lambda_(lambda), chol_(dim * dim, 0.0), b_(dim, 0.0), theta_(dim, 0.0) {
  const double root = std::sqrt(lambda);
  for (size_t i = 0; i < dim; ++i) chol_[i * dim + i] = root;
}

void RidgeRegression::Update(std::span<const float> x, double reward, double weight) {
  const size_t d = dim_;
  const double root = std::sqrt(weight);
  std::vector<double> v(d);
  for (size_t i = 0; i < d; ++i) v[i] = root * static_cast<double>(x[i]);

  // Rank-one update of L to the factor of A + v v^T, one column at a time
  // (Givens-like rotations). A zero v[k] leaves column k and the rest of v
  // unchanged, so sparse features (one-hot blocks) skip most columns.
  for (size_t k = 0; k < d; ++k) {
    const double vk = v[k];
    if (vk == 0.0) continue;
    double* lkk = &chol_[k * d + k];
    const double r = std::hypot(*lkk, vk);
    const double c = r / *lkk;
    const double inv_c = *lkk / r;
    const double s = vk / *lkk;
    *lkk = r;
    for (size_t i = k + 1; i < d; ++i) {
      double& lik = chol_[i * d + k];
      lik = (lik + s * v[i]) * inv_c;
      v[i] = c * v[i] - s * lik;
    }
  }

  const double wr = weight * reward;
  for (size_t i = 0; i < d; ++i) b_[i] += wr * static_cast<double>(x[i]);
  ++observations_;

  // theta = A^-1 b = L^-T (L^-1 b), reusing v as the intermediate.
  ForwardSolve<double>(chol_, d, b_, v.data());
  BackwardSolveInPlace(chol_, d, v.data());
  theta_.swap(v);
  inverse_.clear();  // stale: InverseTimes callers fall back to solves
}

void RidgeRegression::PrepareForReads() {
  // Column j of A^-1 solves L L^T y = e_j; A^-1 is symmetric, so the column
  // is stored as row j (contiguous for InverseTimes).
  const size_t d = dim_;
  std::vector<double> inverse(d * d);
  std::vector<double> e(d, 0.0);
  for (size_t j = 0; j < d; ++j) {
    e[j] = 1.0;
    double* row = inverse.data() + j * d;
    ForwardSolve<double>(chol_, d, e, row);
    BackwardSolveInPlace(chol_, d, row);
    e[j] = 0.0;
  }
  inverse_ = std::move(inverse);
  static std::atomic<uint64_t> next_id{1};
  prepared_id_ = next_id.fetch_add(1, std::memory_order_relaxed);
}

void RidgeRegression::InverseTimes(std::span<const float> x, std::span<double> out) const {
  const size_t d = dim_;
  if (inverse_.empty()) {  // not prepared: A^-1 x = L^-T (L^-1 x)
    ForwardSolve<float>(chol_, d, x, out.data());
    BackwardSolveInPlace(chol_, d, out.data());
    return;
  }
  const std::vector<double>& inverse = inverse_;
  std::fill(out.begin(), out.begin() + d, 0.0);
  double* y = out.data();
  for (size_t i = 0; i < d; ++i) {
    const double xi = static_cast<double>(x[i]);
    if (xi == 0.0) continue;
    const double* row = inverse.data() + i * d;  // column i, by symmetry
#pragma omp simd
    for (size_t j = 0; j < d; ++j) y[j] += xi * row[j];
  }
}

double RidgeRegression::Mean(std::span<const float> x) const {
  double sum = 0.0;
  const double* theta = theta_.data();
  const float* xs = x.data();
#pragma omp simd reduction(+ : sum)
  for (size_t i = 0; i < dim_; ++i) sum += theta[i] * static_cast<double>(xs[i]);
  return sum;
}

double RidgeRegression::Variance(std::span<const float> x) const {
  // x^T A^-1 x = ||L^-1 x||^2. The scratch is per thread so that concurrent
  // readers neither share it nor allocate after their first call.
  thread_local std::vector<double> u;
  if (u.size() < dim_) u.resize(dim_);
  ForwardSolve<float>(chol_, dim_, x, u.data());
  double sum = 0.0;
  const double* w = u.data();
#pragma omp simd reduction(+ : sum)
  for (size_t i = 0; i < dim_; ++i) sum += w[i] * w[i];
  return sum;
}

void RidgeRegression::Whiten(std::span<const float> x, std::span<double> out) const {
  ForwardSolve<float>(chol_, dim_, x, out.data());
}

void RidgeRegression::SampleTheta(Rng& rng, double scale, std::span<double> out) const {
  // If z ~ N(0, I) then L^-T z ~ N(0, (L L^T)^-1) = N(0, A^-1).
  for (size_t i = 0; i < dim_; ++i) out[i] = rng.Normal();
  BackwardSolveInPlace(chol_, dim_, out.data());
  for (size_t i = 0; i < dim_; ++i) out[i] = theta_[i] + scale * out[i];
}

void RidgeRegression::Save(ByteWriter& out) const {
  out.U64(dim_);
  out.F64(lambda_);
  out.U64(observations_);
  // Only the lower triangle carries information.
  std::vector<double> lower;
  lower.reserve(dim_ * (dim_ + 1) / 2);
  for (size_t i = 0; i < dim_; ++i) {
    lower.insert(lower.end(), chol_.begin() + i * dim_, chol_.begin() + i * dim_ + i + 1);
  }
  out.Array<double>(lower);
  out.Array<double>(b_);
}

Result<RidgeRegression> RidgeRegression::Load(ByteReader& in) {
  const uint64_t dim = in.U64();
  const double lambda = in.F64();
  const uint64_t observations = in.U64();
  if (!in.ok()) return in.status();
  if (dim == 0 || dim > kMaxDim) {
    in.Fail("ridge regression dimension " + std::to_string(dim));
    return in.status();
  }
  if (!(lambda > 0.0) || !std::isfinite(lambda)) {
    in.Fail("ridge regression lambda " + std::to_string(lambda));
    return in.status();
  }
  std::vector<double> lower = in.Array<double>();
  std::vector<double> b = in.Array<double>();
  if (!in.ok()) return in.status();
  if (lower.size() != dim * (dim + 1) / 2 || b.size() != dim) {
    in.Fail("ridge regression of dimension " + std::to_string(dim) + " with " +
            std::to_string(lower.size()) + " factor entries and " + std::to_string(b.size()) +
            " in b");
    return in.status();
  }
  if (!AllFinite(lower) || !AllFinite(b)) {
    in.Fail("non-finite value in ridge regression state");
    return in.status();
  }

  RidgeRegression model(dim, lambda);
  model.observations_ = observations;
  const double* next = lower.data();
  for (size_t i = 0; i < dim; ++i) {
    for (size_t j = 0; j <= i; ++j) model.chol_[i * dim + j] = *next++;
    // A factor of lambda I + sum w x x^T has a diagonal of at least sqrt(lambda);
    // anything smaller was not written by Save.
    if (!(model.chol_[i * dim + i] > 0.0)) {
      in.Fail("ridge regression factor has a non-positive diagonal");
      return in.status();
    }
  }
  model.b_ = std::move(b);
  std::vector<double> y(dim);
  ForwardSolve<double>(model.chol_, dim, model.b_, y.data());
  BackwardSolveInPlace(model.chol_, dim, y.data());
  if (!AllFinite(y)) {
    in.Fail("ridge regression state gives a non-finite estimate");
    return in.status();
  }
  model.theta_ = std::move(y);
  return model;
}

}  // namespace marquee
