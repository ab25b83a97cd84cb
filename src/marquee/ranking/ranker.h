// RankerRecommender: the ranking stage as a Recommender (issue 15 §1), so
// that everything serving, evaluating or listing a model takes it as is.
// Its sources (iALS, EASE, item-kNN, all-time or trending popularity)
// retrieve `per_source` titles each; a LambdaMART ensemble (Burges,
// MSR-TR-2010-82) trained for NDCG@10 orders the union by the features of
// ranking_features.h.
//
// Training (Fit): each member's latest `label_share` of plays (by time;
// at random without times) is held back; sources fitted on the rest gather
// candidates, labelled 1 where the member then played them; the ensemble
// learns from up to `max_queries` such members; then the sources are refit
// on everything, which is what is served. Fit needs the catalog (genres,
// release dates) it was created with.
//
// Scores: the ensemble's margin for each candidate; every other title
// (not retrieved, or in the history) scores below all candidates, more
// popular ones higher, so a top-k list is the ranked candidates followed
// by popular titles. ScoreSimilar is that of the first source other than
// popularity and trending (the first source when all are). No batch scoring, no factor capability: the candidates differ
// by member.
//
// Saved by SaveRanker and loaded by LoadAnyModel (ranker_file.h): the
// sources live in their own model directories, which the ranker names.
//
// Thread safety: as Recommender: scoring is const and reentrant.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/models/recommender.h"
#include "marquee/ranking/candidates.h"
#include "marquee/ranking/ranking_dataset.h"
#include "marquee/ranking/ranking_features.h"
#include "marquee/ranking/tree_ensemble.h"

namespace marquee {

// What one Fit learned from, for the command line and model.json.
struct RankerTraining {
  uint32_t queries = 0;          // members the ensemble learned from
  uint64_t rows = 0;             // their candidates
  uint64_t targets = 0;          // their held-back titles
  uint64_t targets_retrieved = 0;  // of those, among the candidates
};

class RankerRecommender final : public Recommender {
 public:
  struct Options {
    std::vector<std::string> candidates = {"ials", "ease", "trending"};
    int64_t per_source = 100;
    int64_t rounds = 50;
    int64_t depth = 3;
    double learning_rate = 0.1;
    double label_share = 0.2;
    int64_t max_queries = 5000;
    int64_t trend_days = 14;
    // A source's own parameters, given as "SOURCE.NAME=VALUE" ("ials.factors=64");
    // each source's other parameters are its model's defaults.
    std::map<std::string, Parameters> source_parameters;
  };
  static const ParameterTable<Options>& Table();
  // The source names --candidates takes: ials, ease, itemknn, popularity,
  // trending (popularity whose votes halve every 7 days).
  static std::vector<std::string> SourceNames();
  // The registry model and default parameters a source name stands for.
  static std::pair<std::string, Parameters> SourceModel(std::string_view source);
  // Those parameters with options.source_parameters over them.
  static Parameters SourceParameters(const Options& options, const std::string& source);
  // The table's parameters plus "SOURCE.NAME" ones, each checked by the
  // source's model; InvalidArgument naming the parameter otherwise.
  static Result<Options> ReadOptions(const Parameters& parameters);

  // A ranker to Fit; `catalog` must outlive every Fit call.
  static Result<std::unique_ptr<RankerRecommender>> Create(const Parameters& parameters, const Catalog* catalog);
  // A trained ranker from its own sections (SaveState) and its sources, one
  // a name of options.candidates, in that order, already loaded. Corruption
  // naming the section when they disagree.
  static Result<std::unique_ptr<RankerRecommender>> FromState(const Parameters& parameters,
                                                              const SectionFileReader& in,
                                                              std::vector<std::unique_ptr<Recommender>> sources);

  std::string_view name() const override { return "ranker"; }
  Parameters parameters() const override;
  Status Fit(const InteractionMatrix& train, const TrainContext& context) override;
  // Training from impression logs instead: the ensemble learns to order
  // each logged list by what was played after it was shown, its features
  // from sources fitted on `before` (the interactions before the first
  // impression, so that no feature knows the outcome); the sources served
  // are then fitted on `train` (everything). InvalidArgument when no list
  // has a played title.
  Status FitFromImpressions(const InteractionMatrix& before, const InteractionMatrix& train,
                            std::span<const ImpressionList> lists, const TrainContext& context);
  uint32_t member_count() const override { return member_count_; }
  uint32_t title_count() const override { return stats_.titles(); }
  void ScoreMember(uint32_t member, History history, std::span<float> scores) const override;
  void ScoreHistory(History history, std::span<float> scores) const override;
  void ScoreSimilar(uint32_t title, std::span<float> scores) const override;
  void SaveState(SectionFileWriter& out) const override;
  // Unsupported: a ranker needs its sources (FromState, via LoadAnyModel).
  Status LoadState(const SectionFileReader& in) override;

  const Options& options() const { return options_; }
  std::span<const CandidateSource> sources() const { return sources_; }
  const Recommender& source_model(size_t i) const { return *source_models_[i]; }
  double source_train_seconds(size_t i) const { return source_seconds_[i]; }
  std::vector<std::string> FeatureNames() const { return RankingFeatureNames(sources_); }
  // By feature, in FeatureNames order.
  std::vector<double> TotalGain() const { return ensemble_.TotalGain(); }
  const RankerTraining& training() const { return training_; }

  // What a saved ranker records of each source's model directory, checked
  // when it is loaded: a retrained or replaced source is refused.
  struct SourceRef {
    std::string name;             // "ials", "trending", ...
    std::string model;            // registry name
    uint64_t data_fingerprint = 0;
    std::string version;          // ModelInfo::version
  };
  void set_source_refs(std::vector<SourceRef> refs) { refs_ = std::move(refs); }
  const std::vector<SourceRef>& source_refs() const { return refs_; }
  static Result<std::vector<SourceRef>> ReadSourceRefs(const SectionFileReader& in);

 private:
  explicit RankerRecommender(Options options) : options_(std::move(options)) {}
  void Score(uint32_t member, History history, std::span<float> scores) const;
  void SetSources(std::vector<std::unique_ptr<Recommender>> models);
  void SetStats(TitleStats stats);
  // Trains the ensemble on `dataset`, then fits the served sources on `train`.
  Status Learn(const RankingDataset& dataset, const InteractionMatrix& train, const TrainContext& context);

  Options options_;
  const Catalog* catalog_ = nullptr;  // Fit only
  std::vector<std::unique_ptr<Recommender>> source_models_;
  std::vector<CandidateSource> sources_;  // views of source_models_
  std::vector<double> source_seconds_;
  TitleStats stats_;
  float max_log_popularity_ = 0;
  size_t similar_source_ = 0;  // whose ScoreSimilar the ranker's is
  std::string ensemble_json_;  // XGBoost's JSON, saved as is
  TreeEnsemble ensemble_;
  uint32_t member_count_ = 0;
  RankerTraining training_;
  std::vector<SourceRef> refs_;
};

}  // namespace marquee
