// ThompsonPolicy: linear Thompson sampling (Agrawal & Goyal 2013). Showing a
// variant means drawing theta' ~ N(theta, scale^2 A^-1) and taking the variant
// it rates best, so the probability of each variant is that of being the
// argmax of jointly Gaussian scores: mean theta.x_v, covariance
// scale^2 x_v^T A^-1 x_w (independent across variants for the disjoint model).
//
// That probability has no closed form; Probabilities() estimates it by Monte
// Carlo over the K-dimensional scores (not the d-dimensional theta, which is
// far costlier), seeded from the context and the models' observation count so
// that the same context and state always give the same estimate. Choose()
// samples from that estimate, so a logged propensity is exactly the
// probability with which the variant was chosen.
#pragma once

#include <memory>

#include "marquee/bandit/linear_policy.h"

namespace marquee {

struct ThompsonOptions {
  ArmModels::Shape shape = ArmModels::Shape::kShared;
  double scale = 0.5;     // v of Agrawal & Goyal: posterior width, > 0
  double lambda = 1.0;    // ridge prior, > 0
  uint32_t samples = 64;  // Monte Carlo draws behind each probability vector
};

class ThompsonPolicy : public LinearPolicy {
 public:
  ThompsonPolicy(std::shared_ptr<const ArtworkFeatures> features, Parameters parameters,
                 const ThompsonOptions& options);

  std::string_view kind() const override { return "thompson"; }
  const ThompsonOptions& options() const { return options_; }

  void Probabilities(const ArtworkContext& context, std::span<double> out) const override;
  std::unique_ptr<ArtworkPolicy> Clone() const override;

 private:
  // Mean and covariance (variants x variants, row-major) of the variants' scores.
  void ScoreDistribution(const ArtworkContext& context, std::span<double> mean,
                         std::span<double> covariance) const;

  // ScoreDistribution of a published (prepared) shared model: see the .cc.
  void PreparedScoreDistribution(const ArtworkContext& context, const RidgeRegression& shared,
                                 std::span<double> mean, std::span<double> covariance) const;

  ThompsonOptions options_;
};

}  // namespace marquee
