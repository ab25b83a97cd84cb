#include "marquee/bandit/uniform_policy.h"

#include <algorithm>

namespace marquee {

void UniformPolicy::Probabilities(const ArtworkContext&, std::span<double> out) const {
  std::fill(out.begin(), out.end(), 1.0 / static_cast<double>(out.size()));
}

uint32_t UniformPolicy::Choose(const ArtworkContext& context, Rng& rng) const {
  // Same distribution as sampling Probabilities(), without the vector.
  return rng.Below(features_->variant_count(context.title));
}

std::unique_ptr<ArtworkPolicy> UniformPolicy::Clone() const {
  return std::make_unique<UniformPolicy>(*this);
}

}  // namespace marquee
