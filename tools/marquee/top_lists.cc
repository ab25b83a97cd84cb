#include "top_lists.h"

#include "marquee/models/top_k.h"

namespace marquee::cli {

std::vector<uint32_t> TopLists(const Recommender& model, const InteractionMatrix& history,
                               const InteractionMatrix& played, uint32_t k) {
  const uint32_t members = history.rows(), titles = history.cols();
  std::vector<uint32_t> lists(static_cast<size_t>(members) * k, 0);
#pragma omp parallel
  {
    std::vector<float> scores(titles);
#pragma omp for schedule(dynamic, 64)
    for (int64_t m = 0; m < static_cast<int64_t>(members); ++m) {
      model.ScoreMember(static_cast<uint32_t>(m), History::Row(history, static_cast<uint32_t>(m)), scores);
      ExcludeTitles(scores, played.RowIndices(static_cast<uint32_t>(m)));
      const std::vector<ScoredTitle> top = TopK(scores, k);
      for (size_t j = 0; j < top.size(); ++j) lists[m * k + j] = top[j].title;
    }
  }
  return lists;
}

}  // namespace marquee::cli
