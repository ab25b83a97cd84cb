// LinUcbPolicy (Li, Chu, Langford & Schapire 2010): shows the variant with the
// highest upper confidence bound theta.x + alpha * sqrt(x^T A^-1 x), on a shared
// model over joint features or one model per artwork over the member vector
// (ArmModels). Deterministic: the chosen variant has probability 1, ties split
// evenly -- so its own logs cannot evaluate other policies.
#pragma once

#include <memory>

#include "marquee/bandit/linear_policy.h"

namespace marquee {

struct LinUcbOptions {
  ArmModels::Shape shape = ArmModels::Shape::kShared;
  double alpha = 1.0;   // width of the confidence bound, >= 0
  double lambda = 1.0;  // ridge prior, > 0
};

class LinUcbPolicy : public LinearPolicy {
 public:
  LinUcbPolicy(std::shared_ptr<const ArtworkFeatures> features, Parameters parameters,
               const LinUcbOptions& options);

  std::string_view kind() const override { return "linucb"; }
  const LinUcbOptions& options() const { return options_; }

  // The upper confidence bound of each variant. scores.size() == variants.
  void Scores(const ArtworkContext& context, std::span<double> scores) const;

  void Probabilities(const ArtworkContext& context, std::span<double> out) const override;
  std::unique_ptr<ArtworkPolicy> Clone() const override;

 private:
  LinUcbOptions options_;
};

}  // namespace marquee
