// Recommender: the one interface every model implements (popularity,
// item-kNN, iALS, EASE). A model learns from a members x titles matrix and
// then scores every title for
//   - a member it was trained on (ScoreMember),
//   - a history it never saw -- a new sign-up, an anonymous session, or a
//     member whose plays changed since training (ScoreHistory, "fold-in"),
//   - a title, for "because you watched" rows (ScoreSimilar).
// Turning scores into a top-k list (excluding watched titles, restricting to
// candidates) is shared code in recommend.h, not each model's job.
//
// Scoring is const and safe to call from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/data/interactions.h"
#include "marquee/util/factor_matrix.h"
#include "marquee/util/parameters.h"
#include "marquee/util/progress.h"
#include "marquee/util/section_file.h"
#include "marquee/util/status.h"

namespace marquee {

// A member's history as models see it: titles ascending, one weight each.
// `times`: when each title was (last) played, epoch seconds, one a title;
// empty when unknown. Models ignore it; the ranker's recency features read it.
struct History {
  std::span<const uint32_t> titles;
  std::span<const float> weights;
  std::span<const int64_t> times = {};

  static History Row(const InteractionMatrix& m, uint32_t row) {
    return {m.RowIndices(row), m.RowWeights(row), m.RowTimes(row)};
  }
};

// Reported after each training iteration of iterative models.
struct TrainingIteration {
  uint32_t iteration = 0;  // 1-based
  // The model's objective on the training data, when it was computed this
  // iteration (TrainContext::loss_every; always after the last); NaN and
  // has_loss false otherwise.
  double loss = 0;
  bool has_loss = true;
  double seconds = 0;      // wall time of this iteration
};

// Something a model wants its user to know while training: the settings it
// derived (kInfo, e.g. iALS's per-row lambda range) or a result that is
// probably not what was meant (kWarning, e.g. collapsed factors). The
// library never prints; the CLI writes these on stderr.
struct TrainingNotice {
  enum class Level { kInfo, kWarning };
  Level level = Level::kInfo;
  std::string message;  // one line, no trailing newline
};

struct TrainContext {
  uint64_t seed = 42;
  // Iterative models compute their full loss (a pass over every interaction,
  // ~14% of an iALS iteration) every this many iterations, and always after
  // the last; 0: after the last only.
  uint32_t loss_every = 0;
  ProgressCallback progress;
  std::function<void(const TrainingIteration&)> on_iteration;
  std::function<void(const TrainingNotice&)> on_notice;
};

class FactorModel;

class Recommender {
 public:
  virtual ~Recommender() = default;

  // The registry name: "popularity", "itemknn", "ials", "ease".
  virtual std::string_view name() const = 0;
  // Every parameter in effect, defaults included (saved with the model).
  virtual Parameters parameters() const = 0;

  // Learns from `train` (rows = members, cols = titles). May be called again
  // to retrain from scratch.
  virtual Status Fit(const InteractionMatrix& train, const TrainContext& context) = 0;

  // Sizes seen in training.
  virtual uint32_t member_count() const = 0;
  virtual uint32_t title_count() const = 0;

  // Scores of all titles (scores.size() == title_count()) for training
  // member `member` whose current history is `history`. Models without
  // per-member state score the history; iALS uses the learned member vector.
  virtual void ScoreMember(uint32_t member, History history, std::span<float> scores) const {
    (void)member;
    ScoreHistory(history, scores);
  }
  // Scores for a history the model never saw.
  virtual void ScoreHistory(History history, std::span<float> scores) const = 0;
  // Optional batch form of ScoreMember for models that score many members
  // faster together (iALS: one matrix product per block): writes the scores
  // of all titles for members[r] to scores[r * ld .. r * ld + title_count()),
  // as ScoreMember would (up to float rounding: the order of summation may
  // differ, not the ranking's ties), and returns true. Requires every member
  // < member_count(), ld >= title_count(), and `scores` writable for
  // (members.size() - 1) * ld + title_count() floats. Returns false, writing
  // nothing, when the model has no batch path (the default): callers then
  // use ScoreMember. Costs per call are amortised over blocks of ~64-256
  // members; the block's history is not needed (trained member state only).
  virtual bool ScoreMembers(std::span<const uint32_t> members, float* scores, size_t ld) const {
    (void)members;
    (void)scores;
    (void)ld;
    return false;
  }
  // Similarity of every title to `title` (the title itself may score high;
  // callers exclude it).
  virtual void ScoreSimilar(uint32_t title, std::span<float> scores) const = 0;

  // The model's learned state, as sections of the model file (tags chosen by
  // each model; "META" is reserved). LoadState is called on a model created
  // from the saved parameters.
  virtual void SaveState(SectionFileWriter& out) const = 0;
  virtual Status LoadState(const SectionFileReader& in) = 0;

  // The factor-model capability (member vectors, title factors, fold-in), or
  // nullptr for models that score otherwise. Servers use it for approximate
  // retrieval instead of asking for a concrete class.
  virtual const FactorModel* AsFactorModel() const { return nullptr; }
};

// A model whose scores are inner products of a member vector with title
// factors: score(member, title) = x_member . y_title. Implemented by iALS;
// any future factor model implementing it can be served with approximate
// (inner-product) retrieval. Const and thread-safe like Recommender.
class FactorModel {
 public:
  virtual ~FactorModel() = default;
  // member_count x f and title_count x f, rows padded (util/factor_matrix.h).
  virtual const FactorMatrix& member_factors() const = 0;
  virtual const FactorMatrix& title_factors() const = 0;
  // The member vector `history` folds into: title_factors().stride() floats,
  // the padding zero, so that Dot(FoldIn(h), y_i) is the score of title i.
  virtual std::vector<float> FoldIn(History history) const = 0;
  // The same model with `extra` appended to its titles (titles
  // title_count() .. title_count() + extra.rows() - 1): new titles given
  // vectors without retraining (issue 15 §2, e.g. ColdStartMapping's from
  // their metadata). Member vectors are copied; fold-in accounts for the new
  // titles. `extra.factors()` must equal title_factors().factors().
  virtual std::unique_ptr<Recommender> WithTitles(const FactorMatrix& extra) const = 0;
};

}  // namespace marquee
