// ArmModels: the linear reward models behind the learning artwork policies,
// in one of two shapes:
//   shared   one RidgeRegression over JointFeatures(member, artwork), so what
//            one title's artwork teaches carries over to every other title;
//   disjoint one RidgeRegression per artwork over the member vector, created
//            on the artwork's first update (an unseen artwork predicts 0 with
//            the prior's variance x.x / lambda), so memory follows the arms
//            actually shown.
// Policies turn the per-variant means and variances into probabilities.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "marquee/bandit/policy.h"
#include "marquee/bandit/ridge_regression.h"

namespace marquee {

class ArmModels {
 public:
  enum class Shape { kShared, kDisjoint };

  // `features` must outlive the models (the policy holding them shares it).
  ArmModels(const ArtworkFeatures& features, Shape shape, double lambda);

  Shape shape() const { return shape_; }
  // Length of each variant's context vector.
  size_t dim() const { return dim_; }

  // The context vectors of every variant of context.title, variant-major into
  // `out` (resized to variants x dim).
  void Contexts(const ArtworkContext& context, std::vector<float>& out) const;

  // theta . x and x^T A^-1 x of the model for `variant`, x its context vector.
  double Mean(uint32_t title, uint32_t variant, std::span<const float> x) const;
  double Variance(uint32_t title, uint32_t variant, std::span<const float> x) const;

  // Observations behind the title's scores: the shared model's, or the sum
  // over the title's artwork models. Changes whenever an update could change
  // a score of the title.
  uint64_t Observations(uint32_t title) const;

  void Update(const ArtworkContext& context, uint32_t variant, double reward);
  // The shared model's RidgeRegression::PrepareForReads (the disjoint arms
  // are many and small: their solves are cheap, an inverse each is memory).
  void PrepareForReads();

  // The shared model, or the model of one artwork (nullptr until updated).
  const RidgeRegression& shared() const { return shared_; }
  const RidgeRegression* arm(uint32_t artwork) const;

  void Save(ByteWriter& out) const;
  // Replaces the models with those in `in`; Corruption (and no change) when
  // the bytes do not describe models of this shape and these features.
  Status Load(ByteReader& in);

 private:
  const RidgeRegression* Model(uint32_t title, uint32_t variant) const;

  const ArtworkFeatures* features_;
  Shape shape_;
  double lambda_;
  size_t dim_;
  RidgeRegression shared_;                                  // kShared
  std::unordered_map<uint32_t, RidgeRegression> arms_;      // kDisjoint, by artwork
};

// Splits probability 1 evenly among the variants whose score is the highest
// (within a relative 1e-12, so rounding does not break a genuine tie).
// out.size() == scores.size().
void ShareAmongBest(std::span<const double> scores, std::span<double> out);

}  // namespace marquee
