#include "top_lists.h"

#include <numeric>

#include "marquee/models/recommend.h"

namespace marquee::cli {

std::vector<uint32_t> TopLists(const Recommender& model, const InteractionMatrix& history,
                               const InteractionMatrix& played, uint32_t k) {
  std::vector<uint32_t> members(history.rows());
  std::iota(members.begin(), members.end(), 0u);
  // RecommendBatch ranks every member in parallel, their history and
  // `played` left out; the lists are laid member-major here.
  const std::vector<std::vector<ScoredTitle>> ranked =
      RecommendBatch(model, history, members, {.k = k}, {}, &played);
  std::vector<uint32_t> lists(static_cast<size_t>(members.size()) * k, 0);
  for (size_t m = 0; m < ranked.size(); ++m) {
    for (size_t j = 0; j < ranked[m].size(); ++j) lists[m * k + j] = ranked[m][j].title;
  }
  return lists;
}

}  // namespace marquee::cli
