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
// The collapse warning (models warn through TrainContext::on_notice) uses
// numerical_rank < f / 4: a healthy model uses every direction to some
// degree (numerical rank f), while a collapsed one has its other singular
// values shrunk to nothing.
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

// True when a side uses fewer than a quarter of the factors.
bool RankCollapsed(const FactorRank& rank, uint32_t factors);

// The warning for a collapsed model, or nullopt when neither side collapsed:
// "ials: the member factors use 2 of 64 dimensions (...)".
std::optional<std::string> RankCollapseWarning(const FactorRanks& ranks);

}  // namespace marquee
