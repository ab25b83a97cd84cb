// Item-kNN: titles are similar when the same members watched them. Each
// title keeps its `neighbors` most similar titles (cosine with shrinkage,
// after an optional TF-IDF or BM25 re-weighting, see item_weighting.h):
//
//   sim(i, j) = x_i . x_j / (||x_i|| ||x_j|| + shrink)      (x_i: column i of X)
//
// and a member's score for title j is the sum, over titles i in their
// history, of sim(i, j) when j is among i's neighbours (times the history
// weight unless binary). Memory is n x neighbors, so it scales to catalogs
// far beyond EASE's reach; training costs the sum over members of their
// history length squared.
//
// Parameters (ranges and help in Table(), defaults in Options): neighbors,
// shrink (damps similarities resting on few co-watching members), weighting,
// bm25_k1, bm25_b, and binary (every interaction counts 1, in training and
// scoring).
//
// Titles outside a history's (or a title's) neighbourhoods score 0: they rank
// after every positive score, and stay eligible to fill a list -- unlike
// -infinity, which callers use to exclude.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "marquee/models/item_weighting.h"
#include "marquee/models/recommender.h"

namespace marquee {

class ItemKnnRecommender final : public Recommender {
 public:
  // The weighting's fields (and defaults) come from ItemWeightingOptions.
  struct Options : ItemWeightingOptions {
    uint32_t neighbors = 100;
    double shrink = 10;
    friend bool operator==(const Options&, const Options&) = default;
  };
  // The parameters (names, ranges, help) and their reading and writing.
  static const ParameterTable<Options>& Table();
  static Result<std::unique_ptr<Recommender>> Create(const Parameters& parameters);
  explicit ItemKnnRecommender(const Options& options) : options_(options) {}

  std::string_view name() const override { return "itemknn"; }
  Parameters parameters() const override;
  Status Fit(const InteractionMatrix& train, const TrainContext& context) override;
  uint32_t member_count() const override { return member_count_; }
  uint32_t title_count() const override { return title_count_; }
  void ScoreHistory(History history, std::span<float> scores) const override;
  void ScoreSimilar(uint32_t title, std::span<float> scores) const override;
  void SaveState(SectionFileWriter& out) const override;
  Status LoadState(const SectionFileReader& in) override;

  // The neighbours of `title`, most similar first (ties: lower index first),
  // and their similarities.
  std::span<const uint32_t> Neighbors(uint32_t title) const {
    return {neighbors_.data() + indptr_[title], indptr_[title + 1] - indptr_[title]};
  }
  std::span<const float> Similarities(uint32_t title) const {
    return {similarities_.data() + indptr_[title], indptr_[title + 1] - indptr_[title]};
  }

 private:
  Options options_;
  uint32_t member_count_ = 0;
  uint32_t title_count_ = 0;
  // CSR, title -> neighbours: title t's at [indptr_[t], indptr_[t + 1]).
  std::vector<uint64_t> indptr_{0};
  std::vector<uint32_t> neighbors_;
  std::vector<float> similarities_;
};

}  // namespace marquee
