// LinearPolicy: what epsilon-greedy, LinUCB and Thompson sampling share -- the
// parameters they were made with and their linear reward models (ArmModels),
// which every outcome updates and which are the whole learned state. A
// subclass only says how model scores become probabilities.
#pragma once

#include <memory>
#include <utility>

#include "marquee/bandit/arm_models.h"
#include "marquee/bandit/policy.h"

namespace marquee {

class LinearPolicy : public ArtworkPolicy {
 public:
  const Parameters& parameters() const override { return parameters_; }
  const ArmModels& models() const { return models_; }

  void Update(const ArtworkContext& context, uint32_t variant, double reward) override {
    models_.Update(context, variant, reward);
  }
  void PrepareForReads() override { models_.PrepareForReads(); }
  void SaveState(ByteWriter& out) const override { models_.Save(out); }
  Status LoadState(ByteReader& in) override { return models_.Load(in); }

 protected:
  LinearPolicy(std::shared_ptr<const ArtworkFeatures> features, Parameters parameters, ArmModels::Shape shape,
               double lambda)
      : ArtworkPolicy(std::move(features)),
        parameters_(std::move(parameters)),
        models_(*features_, shape, lambda) {}

  Parameters parameters_;
  ArmModels models_;
};

}  // namespace marquee
