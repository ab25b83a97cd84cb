#include "marquee/bandit/linucb_policy.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace marquee {

LinUcbPolicy::LinUcbPolicy(std::shared_ptr<const ArtworkFeatures> features, Parameters parameters,
                           const LinUcbOptions& options)
    : LinearPolicy(std::move(features), std::move(parameters), options.shape, options.lambda),
      options_(options) {}

void LinUcbPolicy::Scores(const ArtworkContext& context, std::span<double> scores) const {
  std::vector<float> xs;
  models_.Contexts(context, xs);
  const size_t dim = models_.dim();
  for (size_t v = 0; v < scores.size(); ++v) {
    std::span<const float> x(xs.data() + v * dim, dim);
    const uint32_t variant = static_cast<uint32_t>(v);
    double score = models_.Mean(context.title, variant, x);
    // alpha = 0 is pure greedy: skip the O(d^2) solve.
    if (options_.alpha > 0.0) {
      const double variance = models_.Variance(context.title, variant, x);
      score += options_.alpha * std::sqrt(std::max(variance, 0.0));
    }
    scores[v] = score;
  }
}

void LinUcbPolicy::Probabilities(const ArtworkContext& context, std::span<double> out) const {
  std::vector<double> scores(out.size());
  Scores(context, scores);
  ShareAmongBest(scores, out);
}

std::unique_ptr<ArtworkPolicy> LinUcbPolicy::Clone() const {
  return std::make_unique<LinUcbPolicy>(*this);
}

}  // namespace marquee
