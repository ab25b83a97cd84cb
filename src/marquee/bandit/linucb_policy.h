// LinUcbPolicy (Li, Chu, Langford & Schapire 2010): shows the variant with the
// highest upper confidence bound theta.x + alpha * sqrt(x^T A^-1 x), on a shared
// model over joint features or one model per artwork over the member vector
// (ArmModels). Deterministic: the chosen variant has probability 1, ties split
// evenly -- so its own logs cannot evaluate other policies.
#pragma once

#include <memory>

#include "marquee/bandit/arm_models.h"
#include "marquee/bandit/policy.h"

namespace marquee {

struct LinUcbOptions {
  ArmModels::Shape shape = ArmModels::Shape::kShared;
  double alpha = 1.0;   // width of the confidence bound, >= 0
  double lambda = 1.0;  // ridge prior, > 0
};

class LinUcbPolicy : public ArtworkPolicy {
 public:
  LinUcbPolicy(std::shared_ptr<const ArtworkFeatures> features, Parameters parameters,
               const LinUcbOptions& options);

  std::string_view kind() const override { return "linucb"; }
  const Parameters& parameters() const override { return parameters_; }
  const LinUcbOptions& options() const { return options_; }
  const ArmModels& models() const { return models_; }

  // The upper confidence bound of each variant. scores.size() == variants.
  void Scores(const ArtworkContext& context, std::span<double> scores) const;

  void Probabilities(const ArtworkContext& context, std::span<double> out) const override;
  void Update(const ArtworkContext& context, uint32_t variant, double reward) override;
  void SaveState(ByteWriter& out) const override { models_.Save(out); }
  Status LoadState(ByteReader& in) override { return models_.Load(in); }
  std::unique_ptr<ArtworkPolicy> Clone() const override;

 private:
  Parameters parameters_;
  LinUcbOptions options_;
  ArmModels models_;
};

}  // namespace marquee
