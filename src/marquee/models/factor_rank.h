// How many of a factor model's f dimensions a factor matrix really uses.
//
// A model can be trained to f factors and still put (almost) all of its
// mass on a few directions -- iALS with a regularization far too strong for
// its data collapses to rank 1 or 2 and wastes the rest. Two measures, both
// from the singular values s_1 >= ... >= s_f of the matrix M (rows x f),
// which are the square roots of the eigenvalues of the f x f Gramian M^T M
// (Eigen's SelfAdjointEigenSolver, in double):
//
//   numerical_rank  #{k : s_k > kRelativeTolerance * s_1}; 0 for an all-zero
//                   matrix. Counts directions that carry anything at all.
//   effective_rank  exp(H(p)) with p_k = s_k / sum_j s_j and H the Shannon
//                   entropy (Roy & Vetterli 2007, "The effective rank: a
//                   measure of effective dimensionality", EUSIPCO). Between
//                   1 and numerical_rank; f for equal singular values, near 1
//                   when one direction dominates. Continuous, so it also
//                   shows a spectrum that is merely steep.
//
// The collapse warning (models warn through TrainContext::on_notice) fires
// when either is below f / 4. Healthy iALS models on MovieLens-100K have
// numerical rank f and effective rank 0.8-0.95 f; collapsed ones have their
// other singular values shrunk to nothing (numerical rank 1-3) or, when
// everything has shrunk to float noise, a full numerical rank but an
// effective rank near 1 (titles at regularization 10: 64 and 5.2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "marquee/util/factor_matrix.h"

namespace marquee {

inline constexpr double kRelativeTolerance = 1e-3;

struct FactorRank {
  uint32_t numerical_rank = 0;
  double effective_rank = 0;
  friend bool operator==(const FactorRank&, const FactorRank&) = default;
};

FactorRank ComputeFactorRank(const FactorMatrix& m);

// Both sides of a factor model, as saved with it (model.json "factor_rank").
struct FactorRanks {
  uint32_t factors = 0;
  FactorRank members;
  FactorRank titles;
  friend bool operator==(const FactorRanks&, const FactorRanks&) = default;
};

// True when a side's numerical or effective rank is below a quarter of the
// factors.
bool RankCollapsed(const FactorRank& rank, uint32_t factors);

// The warning for a collapsed model, or nullopt when neither side collapsed:
// "the member factors have effective rank 1.1 of 64 (2 singular values above
// 1e-3 of the largest); ...".
std::optional<std::string> RankCollapseWarning(const FactorRanks& ranks);

}  // namespace marquee
