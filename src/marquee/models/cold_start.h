// ColdStartMapping: title factors from title metadata (issue 15 §2), so that
// a title nobody has played yet -- or one added to the catalog while serving
// -- gets a vector in a factor model's space and a score for every member.
//
// Ridge regression from a title's feature row x (title_features.h, 0/1) to
// its learned factor vector y, fit on the warm titles (those the model
// learned from):  W = argmin sum_i ||W^T x_i - y_i||^2 + lambda ||W||^2
// = (X^T X + lambda D)^-1 X^T Y, with D the identity except 0 for the bias
// feature (the mean title is not shrunk). Solved in doubles by Eigen's LDLT
// on the feature_count x feature_count normal matrix. (Gantner et al.,
// "Learning Attribute-to-Feature Mappings for Cold-Start Recommendations",
// ICDM 2010, map attributes to latent factors this way.)
//
// Thread safety: immutable after Fit; Map may run concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "marquee/models/title_features.h"
#include "marquee/util/factor_matrix.h"
#include "marquee/util/status.h"

namespace marquee {

struct ColdStartOptions {
  double lambda = 10.0;  // ridge penalty, >= 0 (0: least squares; needs X^T X invertible)
  // The largest vocabulary fitted (the normal matrix is features^2 doubles).
  uint32_t max_features = 8192;
};

class ColdStartMapping {
 public:
  // Fits W on the titles `warm` (indices < features.title_count() and <
  // title_factors.rows()). InvalidArgument naming the field: no warm title
  // ("warm"), a title out of range ("warm"), lambda < 0 or not finite
  // ("lambda"), more features than max_features ("features"); a normal
  // matrix that cannot be factored (lambda 0 with collinear features).
  static Result<ColdStartMapping> Fit(const TitleFeatures& features, const FactorMatrix& title_factors,
                                      std::span<const uint32_t> warm, const ColdStartOptions& options = {});

  uint32_t factors() const { return factors_; }
  size_t feature_count() const { return feature_count_; }
  // W^T x for the feature ids `row` (each < feature_count()): writes
  // factors() floats to out (out.size() >= factors(); the rest is zeroed).
  void Map(std::span<const uint32_t> row, std::span<float> out) const;
  // Fills title_factors' rows `titles` with their mapped vectors (features
  // from `features`, which must be the vocabulary the mapping was fit on).
  void MapTitles(const TitleFeatures& features, std::span<const uint32_t> titles,
                 FactorMatrix& title_factors) const;

 private:
  uint32_t factors_ = 0;
  size_t feature_count_ = 0;
  std::vector<float> weights_;  // feature_count x factors, row-major
};

}  // namespace marquee
