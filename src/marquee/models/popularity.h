// Popularity: every member gets the titles most members watched -- all-time
// counts, or "trending" where each interaction's vote halves every
// `half_life` days before the latest time in the training data. The baseline
// every personalized model must beat, and the fallback for unknown members.
#pragma once

#include <memory>
#include <vector>

#include "marquee/models/recommender.h"

namespace marquee {

class PopularityRecommender final : public Recommender {
 public:
  struct Options {
    double half_life_days = 0;  // 0 = all-time counts
    friend bool operator==(const Options&, const Options&) = default;
  };
  // The parameters (names, ranges, help) and their reading and writing.
  static const ParameterTable<Options>& Table();
  static Result<std::unique_ptr<Recommender>> Create(const Parameters& parameters);
  explicit PopularityRecommender(const Options& options) : options_(options) {}

  std::string_view name() const override { return "popularity"; }
  Parameters parameters() const override;
  Status Fit(const InteractionMatrix& train, const TrainContext& context) override;
  uint32_t member_count() const override { return member_count_; }
  uint32_t title_count() const override { return static_cast<uint32_t>(scores_.size()); }
  void ScoreHistory(History history, std::span<float> scores) const override;
  void ScoreSimilar(uint32_t title, std::span<float> scores) const override;
  void SaveState(SectionFileWriter& out) const override;
  Status LoadState(const SectionFileReader& in) override;

  const std::vector<float>& title_scores() const { return scores_; }

 private:
  Options options_;
  uint32_t member_count_ = 0;
  std::vector<float> scores_;
};

}  // namespace marquee
