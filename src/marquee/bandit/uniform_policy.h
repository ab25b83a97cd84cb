// UniformPolicy: shows each of a title's variants with probability 1/K and
// learns nothing -- the randomized baseline whose logs every other policy can
// be evaluated on.
#pragma once

#include <memory>

#include "marquee/bandit/policy.h"

namespace marquee {

class UniformPolicy : public ArtworkPolicy {
 public:
  UniformPolicy(std::shared_ptr<const ArtworkFeatures> features, Parameters parameters)
      : ArtworkPolicy(std::move(features)), parameters_(std::move(parameters)) {}

  std::string_view kind() const override { return "uniform"; }
  const Parameters& parameters() const override { return parameters_; }
  void Probabilities(const ArtworkContext& context, std::span<double> out) const override;
  uint32_t Choose(const ArtworkContext& context, Rng& rng) const override;
  void Update(const ArtworkContext&, uint32_t, double) override {}
  void SaveState(ByteWriter&) const override {}
  Status LoadState(ByteReader&) override { return Status::OK(); }
  std::unique_ptr<ArtworkPolicy> Clone() const override;

 private:
  Parameters parameters_;
};

}  // namespace marquee
