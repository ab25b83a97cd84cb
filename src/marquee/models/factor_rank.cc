#include "marquee/models/factor_rank.h"

#include <fmt/format.h>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <vector>

namespace marquee {

FactorRank ComputeFactorRank(const FactorMatrix& m) {
  const uint32_t f = m.factors();
  FactorRank rank;
  if (f == 0 || m.rows() == 0) return rank;
  const FactorMatrix gram = Gramian(m);
  Eigen::MatrixXd g(f, f);
  for (uint32_t j = 0; j < f; ++j) {
    for (uint32_t k = 0; k < f; ++k) g(j, k) = gram.Row(j)[k];
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(g, Eigen::EigenvaluesOnly);
  std::vector<double> singular(f);
  for (uint32_t k = 0; k < f; ++k) singular[k] = std::sqrt(std::max(0.0, solver.eigenvalues()(k)));
  const double largest = *std::max_element(singular.begin(), singular.end());
  if (!(largest > 0)) return rank;
  double sum = 0;
  for (double s : singular) {
    if (s > kRelativeTolerance * largest) ++rank.numerical_rank;
    sum += s;
  }
  double entropy = 0;
  for (double s : singular) {
    const double p = s / sum;
    if (p > 0) entropy -= p * std::log(p);
  }
  rank.effective_rank = std::exp(entropy);
  return rank;
}

bool RankCollapsed(const FactorRank& rank, uint32_t factors) {
  return 4ull * rank.numerical_rank < factors || 4 * rank.effective_rank < factors;
}

std::optional<std::string> RankCollapseWarning(const FactorRanks& ranks) {
  std::string sides;
  auto add = [&](const char* name, const FactorRank& r) {
    if (!RankCollapsed(r, ranks.factors)) return;
    sides += fmt::format(
        "{}the {} factors have effective rank {:.1f} of {} ({} singular values above 1e-3 of "
        "the largest)",
        sides.empty() ? "" : "; ", name, r.effective_rank, ranks.factors, r.numerical_rank);
  };
  add("member", ranks.members);
  add("title", ranks.titles);
  if (sides.empty()) return std::nullopt;
  return sides +
         ": the model collapsed, most likely because the regularization is too strong for "
         "this data (see regularization_scaling); try a smaller regularization";
}

}  // namespace marquee
