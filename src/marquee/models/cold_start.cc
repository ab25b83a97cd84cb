#include "marquee/models/cold_start.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace marquee {

Result<ColdStartMapping> ColdStartMapping::Fit(const TitleFeatures& features,
                                               const FactorMatrix& title_factors,
                                               std::span<const uint32_t> warm,
                                               const ColdStartOptions& options) {
  if (!(options.lambda >= 0.0) || !std::isfinite(options.lambda)) {
    return Status::InvalidField(
        "lambda", fmt::format("lambda: expected a finite value >= 0, found {}", options.lambda));
  }
  if (warm.empty())
    return Status::InvalidField("warm", "warm: expected at least one title with learned factors");
  const size_t d = features.feature_count();
  if (d > options.max_features) {
    return Status::InvalidField("features",
                                fmt::format("features: {} metadata features, more than max_features "
                                            "({}); raise min_performer_titles",
                                            d, options.max_features));
  }
  const uint32_t f = title_factors.factors();
  for (uint32_t t : warm) {
    if (t >= features.title_count() || t >= title_factors.rows()) {
      return Status::InvalidField("warm",
                                  fmt::format("warm: title {} is outside the catalog ({} titles) or the "
                                              "factors ({} rows)",
                                              t, features.title_count(), title_factors.rows()));
    }
  }
  // Normal equations: X^T X + lambda D (d x d) and X^T Y (d x f), accumulated
  // from the sparse 0/1 rows.
  Eigen::MatrixXd xtx = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d));
  Eigen::MatrixXd xty = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(d), f);
  for (uint32_t t : warm) {
    const std::span<const uint32_t> row = features.Row(t);
    const float* y = title_factors.Row(t);
    for (uint32_t a : row) {
      for (uint32_t b : row) xtx(a, b) += 1.0;
      for (uint32_t k = 0; k < f; ++k) xty(a, k) += y[k];
    }
  }
  const int bias = features.Find("bias");
  for (size_t a = 0; a < d; ++a) {
    if (static_cast<int>(a) != bias)
      xtx(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(a)) += options.lambda;
  }
  // Features no warm title has are all-zero rows of X: with lambda they get
  // weight 0; without, the system is singular -- give them 1 so LDLT can
  // proceed (their right-hand side is 0, so their weight stays 0).
  for (size_t a = 0; a < d; ++a) {
    const auto i = static_cast<Eigen::Index>(a);
    if (xtx(i, i) == 0.0) xtx(i, i) = 1.0;
  }
  Eigen::LDLT<Eigen::MatrixXd> ldlt(xtx);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) {
    return Status::InvalidArgument(
        "the metadata features' normal matrix is singular (collinear features with "
        "lambda 0); use lambda > 0");
  }
  const Eigen::MatrixXd w = ldlt.solve(xty);
  if (!w.allFinite()) {
    return Status::InvalidArgument(
        "the metadata mapping is not finite (collinear features with lambda 0); use "
        "lambda > 0");
  }
  ColdStartMapping m;
  m.factors_ = f;
  m.feature_count_ = d;
  m.weights_.resize(d * f);
  for (size_t a = 0; a < d; ++a) {
    for (uint32_t k = 0; k < f; ++k)
      m.weights_[a * f + k] = static_cast<float>(w(static_cast<Eigen::Index>(a), k));
  }
  return m;
}

void ColdStartMapping::Map(std::span<const uint32_t> row, std::span<float> out) const {
  std::fill(out.begin(), out.end(), 0.0f);
  for (uint32_t a : row) {
    const float* w = weights_.data() + static_cast<size_t>(a) * factors_;
    for (uint32_t k = 0; k < factors_; ++k) out[k] += w[k];
  }
}

void ColdStartMapping::MapTitles(const TitleFeatures& features, std::span<const uint32_t> titles,
                                 FactorMatrix& title_factors) const {
  for (uint32_t t : titles) Map(features.Row(t), {title_factors.Row(t), title_factors.stride()});
}

}  // namespace marquee
