#include "marquee/models/recommend.h"

#include <omp.h>

#include <algorithm>

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
  // Members go to Recommender::ScoreMembers in blocks of this many: enough
  // to amortise its per-call cost (iALS re-packs the title factors for each
  // product), few enough that a block's scores (64 x 20,000 titles = 5 MB)
  // are still in cache when ranked. bench/score_bench's BM_ScoreBlock at
  // 20,000 titles x 64 factors: 32 members ~12% slower a member than 64;
  // 128 and 256 no faster.
  constexpr size_t kBlockMembers = 64;
  const uint32_t titles = model.title_count();
  // Rows of the score block start 64-byte aligned.
  const size_t ld = (static_cast<size_t>(titles) + 15) / 16 * 16;
  const int64_t blocks = static_cast<int64_t>((members.size() + kBlockMembers - 1) / kBlockMembers);
  std::vector<std::vector<ScoredTitle>> out(members.size());
  ProgressReporter reporter(progress, "recommending", members.size());
#pragma omp parallel
  {
    std::vector<float> block;        // kBlockMembers rows of ld floats, once ScoreMembers works
    std::vector<float> single(titles);  // members scored one at a time
    std::vector<uint32_t> trained;   // the block's members known to the model...
    std::vector<size_t> trained_at;  // ...and their indices in `members`
    bool batch_supported = true;
#pragma omp for schedule(dynamic, 1)
    for (int64_t b = 0; b < blocks; ++b) {
      const size_t begin = static_cast<size_t>(b) * kBlockMembers;
      const size_t end = std::min(members.size(), begin + kBlockMembers);
      trained.clear();
      trained_at.clear();
      for (size_t i = begin; i < end; ++i) {
        if (members[i] < model.member_count()) {
          trained.push_back(members[i]);
          trained_at.push_back(i);
        }
      }
      bool batched = false;
      if (batch_supported && !trained.empty()) {
        if (block.empty()) block.resize(kBlockMembers * ld);
        batched = model.ScoreMembers(trained, block.data(), ld);
        batch_supported = batched;
      }
      size_t row = 0;  // next row of `block`
      for (size_t i = begin; i < end; ++i) {
        const uint32_t m = members[i];
        History history = m < histories.rows() ? History::Row(histories, m) : History{};
        std::span<float> scores;
        if (batched && row < trained_at.size() && trained_at[row] == i) {
          scores = std::span<float>(block.data() + row * ld, titles);
          ++row;
        } else {
          scores = single;
          if (m < model.member_count()) {
            model.ScoreMember(m, history, scores);
          } else {
            model.ScoreHistory(history, scores);
          }
        }
        if (seen != nullptr && m < seen->rows()) ExcludeTitles(scores, seen->RowIndices(m));
        out[i] = SelectTop(scores, history, options);
      }
      reporter.Advance(end - begin);
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
