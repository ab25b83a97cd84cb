// EpsilonGreedyPolicy: shows the variant a shared ridge model over the joint
// member x artwork features rates best, except that with probability epsilon
// it shows one uniformly at random. Every variant keeps a propensity of at
// least epsilon / K, so its logs support off-policy evaluation.
#pragma once

#include <memory>

#include "marquee/bandit/linear_policy.h"

namespace marquee {

struct EpsilonGreedyOptions {
  double epsilon = 0.1;  // in [0, 1]
  double lambda = 1.0;   // ridge prior, > 0
};

class EpsilonGreedyPolicy : public LinearPolicy {
 public:
  EpsilonGreedyPolicy(std::shared_ptr<const ArtworkFeatures> features, Parameters parameters,
                      const EpsilonGreedyOptions& options);

  std::string_view kind() const override { return "epsilon-greedy"; }
  const EpsilonGreedyOptions& options() const { return options_; }

  // (1 - epsilon) split among the best-rated variants, plus epsilon / K each.
  void Probabilities(const ArtworkContext& context, std::span<double> out) const override;
  std::unique_ptr<ArtworkPolicy> Clone() const override;

 private:
  EpsilonGreedyOptions options_;
};

}  // namespace marquee
