#include "marquee/bandit/epsilon_greedy_policy.h"

#include <vector>

namespace marquee {

EpsilonGreedyPolicy::EpsilonGreedyPolicy(std::shared_ptr<const ArtworkFeatures> features,
                                         Parameters parameters, const EpsilonGreedyOptions& options)
    : LinearPolicy(std::move(features), std::move(parameters), ArmModels::Shape::kShared, options.lambda),
      options_(options) {}

void EpsilonGreedyPolicy::Probabilities(const ArtworkContext& context, std::span<double> out) const {
  std::vector<float> xs;
  models_.Contexts(context, xs);
  const size_t variants = out.size();
  const size_t dim = models_.dim();
  std::vector<double> means(variants);
  for (size_t v = 0; v < variants; ++v) {
    means[v] = models_.Mean(context.title, static_cast<uint32_t>(v),
                            std::span<const float>(xs.data() + v * dim, dim));
  }
  ShareAmongBest(means, out);
  const double explore = options_.epsilon / static_cast<double>(variants);
  for (double& p : out) p = (1.0 - options_.epsilon) * p + explore;
}

std::unique_ptr<ArtworkPolicy> EpsilonGreedyPolicy::Clone() const {
  return std::make_unique<EpsilonGreedyPolicy>(*this);
}

}  // namespace marquee
