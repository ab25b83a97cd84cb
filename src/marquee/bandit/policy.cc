#include "marquee/bandit/policy.h"

#include <vector>

#include "marquee/util/checksum.h"

namespace marquee {

uint32_t SampleIndex(std::span<const double> probabilities, Rng& rng) {
  double total = 0.0;
  for (double p : probabilities) total += p;
  double u = rng.Uniform() * total;
  // Falls through to the last positive entry so that rounding never picks a
  // variant of probability zero.
  uint32_t last_positive = 0;
  for (uint32_t i = 0; i < probabilities.size(); ++i) {
    if (probabilities[i] <= 0.0) continue;
    last_positive = i;
    if (u < probabilities[i]) return i;
    u -= probabilities[i];
  }
  return last_positive;
}

uint32_t ArtworkPolicy::Choose(const ArtworkContext& context, Rng& rng) const {
  std::vector<double> p(features_->variant_count(context.title));
  Probabilities(context, p);
  return SampleIndex(p, rng);
}

namespace {
// One draw from `p` with its propensity: the logged pair.
ArtworkDecision Draw(std::span<const double> p, Rng& rng) {
  ArtworkDecision decision;
  decision.variant = SampleIndex(p, rng);
  decision.propensity = p[decision.variant];
  return decision;
}
}  // namespace

ArtworkDecision Decide(const ArtworkPolicy& policy, const ArtworkContext& context, uint64_t seed,
                       std::string_view impression_id) {
  Rng rng(DeriveSeed(seed, Hash64(impression_id)));
  const uint32_t variants = policy.features().variant_count(context.title);
  std::vector<double> p(variants);
  policy.Probabilities(context, p);
  // Choose() is, by contract, a draw from Probabilities(); drawing from the
  // vector already computed saves computing it twice.
  return Draw(p, rng);
}

void RenormaliseOver(std::span<double> p, const std::vector<bool>& eligible) {
  size_t allowed = 0;
  for (size_t v = 0; v < p.size(); ++v) allowed += eligible[v] ? 1 : 0;
  if (allowed == 0 || allowed == p.size()) return;
  double mass = 0.0;
  for (size_t v = 0; v < p.size(); ++v) {
    if (!eligible[v]) p[v] = 0.0;
    mass += p[v];
  }
  for (size_t v = 0; v < p.size(); ++v) {
    if (eligible[v]) p[v] = mass > 0.0 ? p[v] / mass : 1.0 / static_cast<double>(allowed);
  }
}

std::optional<ArtworkDecision> DecideAmong(const ArtworkPolicy& policy, const ArtworkContext& context,
                                           const std::vector<bool>& eligible, uint64_t seed,
                                           std::string_view impression_id) {
  const uint32_t variants = policy.features().variant_count(context.title);
  size_t allowed = 0;
  for (uint32_t v = 0; v < variants && v < eligible.size(); ++v) allowed += eligible[v] ? 1 : 0;
  if (allowed == 0 || eligible.size() != variants) return std::nullopt;
  // The same generator as Decide, drawn once, so that a full set decides
  // exactly as Decide does.
  Rng rng(DeriveSeed(seed, Hash64(impression_id)));
  std::vector<double> p(variants);
  policy.Probabilities(context, p);
  RenormaliseOver(p, eligible);  // a full set keeps the policy's own vector
  return Draw(p, rng);
}

}  // namespace marquee
