#include "marquee/bandit/tabular_reward_model.h"

#include <algorithm>
#include <cmath>

namespace marquee {

TabularRewardModel::TabularRewardModel(uint32_t action_count, uint32_t position_count,
                                       double prior_strength)
    : action_count_(action_count),
      position_count_(position_count),
      prior_strength_(prior_strength),
      sums_(static_cast<size_t>(action_count) * position_count, 0.0),
      counts_(sums_.size(), 0.0) {}

void TabularRewardModel::Add(uint32_t action_id, uint32_t position, double reward) {
  reward_sum_ += reward;
  records_ += 1;
  if (!InTable(action_id, position)) return;
  sums_[Cell(action_id, position)] += reward;
  counts_[Cell(action_id, position)] += 1;
}

void TabularRewardModel::Subtract(const TabularRewardModel& other) {
  for (size_t c = 0; c < sums_.size() && c < other.sums_.size(); ++c) {
    sums_[c] -= other.sums_[c];
    counts_[c] -= other.counts_[c];
  }
  reward_sum_ -= other.reward_sum_;
  records_ -= other.records_;
}

double TabularRewardModel::Predict(uint32_t action_id, uint32_t position) const {
  const double prior_mean = mean();
  if (!InTable(action_id, position)) return prior_mean;
  const size_t c = Cell(action_id, position);
  const double denominator = counts_[c] + prior_strength_;
  // An empty cell with no prior has nothing to say; the mean is the best guess.
  if (denominator <= 0) return prior_mean;
  return (sums_[c] + prior_strength_ * prior_mean) / denominator;
}

namespace {

struct TableShape {
  uint32_t actions = 0, positions = 0;
};

TableShape ShapeOf(const LoggedBanditData& data) {
  TableShape shape;
  for (uint32_t id : data.candidate_ids) shape.actions = std::max(shape.actions, id + 1);
  for (uint32_t p : data.position) shape.positions = std::max(shape.positions, p + 1);
  return shape;
}

}  // namespace

Result<std::vector<double>> PredictTabular(const LoggedBanditData& data, uint32_t folds,
                                           double prior_strength) {
  MARQUEE_RETURN_IF_ERROR(data.Validate());
  if (!(std::isfinite(prior_strength) && prior_strength >= 0)) {
    return Status::InvalidArgument("the tabular reward model's prior strength must be a finite "
                                   "number >= 0");
  }
  const size_t n = data.size();
  folds = std::max<uint32_t>(folds, 1);
  if (folds > 1 && folds > n) {
    return Status::InvalidArgument(data.source + ": " + std::to_string(folds) +
                                   " cross-fitting folds for " + std::to_string(n) + " records");
  }
  const TableShape shape = ShapeOf(data);
  TabularRewardModel all(shape.actions, shape.positions, prior_strength);
  std::vector<TabularRewardModel> per_fold(folds, all);
  for (size_t i = 0; i < n; ++i) {
    all.Add(data.logged_id(i), data.position[i], data.reward[i]);
    per_fold[i % folds].Add(data.logged_id(i), data.position[i], data.reward[i]);
  }
  // Fold k's predictions come from everything but fold k; one fold is in-sample.
  std::vector<TabularRewardModel> fitted;
  fitted.reserve(folds);
  for (uint32_t k = 0; k < folds; ++k) {
    fitted.push_back(all);
    if (folds > 1) fitted.back().Subtract(per_fold[k]);
  }
  std::vector<double> predicted(data.candidate_ids.size());
  for (size_t i = 0; i < n; ++i) {
    const TabularRewardModel& model = fitted[i % folds];
    for (uint64_t c = data.offsets[i]; c < data.offsets[i + 1]; ++c) {
      predicted[c] = model.Predict(data.candidate_ids[c], data.position[i]);
    }
  }
  return predicted;
}

}  // namespace marquee
