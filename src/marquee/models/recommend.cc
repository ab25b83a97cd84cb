#include "marquee/models/recommend.h"

#include <omp.h>

namespace marquee {

namespace {
std::vector<ScoredTitle> SelectTop(std::span<float> scores, History history,
                                   const RecommendOptions& options) {
  if (options.exclude_history) ExcludeTitles(scores, history.titles);
  ExcludeTitles(scores, options.exclude);
  RestrictToCandidates(scores, options.candidates);
  return TopK(scores, options.k);
}
}  // namespace

std::vector<ScoredTitle> Recommend(const Recommender& model, std::optional<uint32_t> member,
                                   History history, const RecommendOptions& options) {
  std::vector<float> scores(model.title_count());
  if (member && *member < model.member_count()) {
    model.ScoreMember(*member, history, scores);
  } else {
    model.ScoreHistory(history, scores);
  }
  return SelectTop(scores, history, options);
}

std::vector<std::vector<ScoredTitle>> RecommendBatch(const Recommender& model,
                                                     const InteractionMatrix& histories,
                                                     std::span<const uint32_t> members,
                                                     const RecommendOptions& options,
                                                     const ProgressCallback& progress,
                                                     const InteractionMatrix* seen) {
  std::vector<std::vector<ScoredTitle>> out(members.size());
  ProgressReporter reporter(progress, "recommending", members.size());
#pragma omp parallel
  {
    std::vector<float> scores(model.title_count());  // one buffer per thread
#pragma omp for schedule(dynamic, 64)
    for (int64_t i = 0; i < static_cast<int64_t>(members.size()); ++i) {
      uint32_t m = members[i];
      History history = m < histories.rows() ? History::Row(histories, m) : History{};
      if (m < model.member_count()) {
        model.ScoreMember(m, history, scores);
      } else {
        model.ScoreHistory(history, scores);
      }
      if (seen != nullptr && m < seen->rows()) ExcludeTitles(scores, seen->RowIndices(m));
      out[i] = SelectTop(scores, history, options);
      reporter.Advance(1);
    }
  }
  return out;
}

std::vector<ScoredTitle> SimilarTitles(const Recommender& model, uint32_t title, uint32_t k,
                                       std::span<const uint8_t> candidates) {
  std::vector<float> scores(model.title_count());
  model.ScoreSimilar(title, scores);
  RecommendOptions options;
  options.k = k;
  options.candidates = candidates;
  uint32_t self[] = {title};
  options.exclude = self;
  return SelectTop(scores, History{}, options);
}

std::vector<ScoredTitle> RankScores(std::span<float> scores, History history, const RecommendOptions& options) {
  return SelectTop(scores, history, options);
}

}  // namespace marquee
