// RidgeRegression: Bayesian linear regression kept up to date one
// observation at a time -- the engine of LinUCB, linear Thompson sampling,
// the greedy policies and the direct-method reward model.
//
// State: A = lambda*I + sum w x x^T (kept as its lower Cholesky factor L, updated
// in O(d^2) per observation by a rank-one update), b = sum w r x, and the
// estimate theta = A^-1 b (recomputed after each update, so that reads are
// const and thread-safe).
//
// Thread safety: const methods may run at once on one object; Update and
// PrepareForReads must not run while any other method runs on it. Copies are
// independent.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "marquee/util/random.h"
#include "marquee/util/section_file.h"
#include "marquee/util/status.h"

namespace marquee {

class RidgeRegression {
 public:
  RidgeRegression() = default;
  // dim >= 1, lambda > 0.
  RidgeRegression(size_t dim, double lambda);

  size_t dim() const { return dim_; }
  double lambda() const { return lambda_; }
  uint64_t observations() const { return observations_; }

  // Adds one observation (x, reward) with a weight > 0.
  void Update(std::span<const float> x, double reward, double weight = 1.0);

  // theta . x
  double Mean(std::span<const float> x) const;
  // x^T A^-1 x: the (unscaled) variance of the mean, for confidence widths.
  double Variance(std::span<const float> x) const;
  // u = L^-1 x (out.size() == dim): Variance(x) = |u|^2, and the covariance
  // of two scores x.theta, y.theta is u(x).u(y) -- one solve a vector instead
  // of one a pair.
  void Whiten(std::span<const float> x, std::span<double> out) const;
  // For a state that will be read many times before its next update (a
  // policy published to serving threads): computes A^-1 from L, O(d^3), so
  // that InverseTimes can answer. Update drops it. A state updated between
  // most reads (a simulation learning every round) should not pay for it.
  void PrepareForReads();
  bool prepared_for_reads() const { return !inverse_.empty(); }
  // A^-1 (dim x dim, row-major, symmetric) after PrepareForReads; empty otherwise.
  std::span<const double> inverse() const { return inverse_; }
  // Names the prepared A^-1: a number no other PrepareForReads of any model
  // in the process returned (copies share their original's, as they share
  // its inverse); 0 when not prepared. For caches of products with it.
  uint64_t prepared_id() const { return inverse_.empty() ? 0 : prepared_id_; }
  // y = A^-1 x (out.size() == dim). After PrepareForReads: one multiply-add
  // a non-zero of x times dim (one-hot feature blocks make this far cheaper
  // than a triangular solve, and its rows are independent where a solve is a
  // chain); otherwise two triangular solves.
  void InverseTimes(std::span<const float> x, std::span<double> out) const;
  // Draws theta' ~ N(theta, scale^2 A^-1) into out (size dim).
  void SampleTheta(Rng& rng, double scale, std::span<double> out) const;
  std::span<const double> theta() const { return theta_; }

  void Save(ByteWriter& out) const;
  // Corruption naming `context` when the bytes are not a valid state.
  static Result<RidgeRegression> Load(ByteReader& in);

  // The same state (a prepared inverse is not state).
  friend bool operator==(const RidgeRegression& a, const RidgeRegression& b) {
    return a.dim_ == b.dim_ && a.lambda_ == b.lambda_ && a.observations_ == b.observations_ &&
           a.chol_ == b.chol_ && a.b_ == b.b_ && a.theta_ == b.theta_;
  }

 private:

  size_t dim_ = 0;
  double lambda_ = 1.0;
  uint64_t observations_ = 0;
  std::vector<double> chol_;   // dim x dim, row-major, lower triangle of L (A = L L^T)
  std::vector<double> b_;
  std::vector<double> theta_;
  std::vector<double> inverse_;  // A^-1 (dim x dim, symmetric) after PrepareForReads; empty otherwise
  uint64_t prepared_id_ = 0;     // see prepared_id()
};

}  // namespace marquee
