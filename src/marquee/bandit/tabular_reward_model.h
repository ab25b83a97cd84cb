// TabularRewardModel: the reward model DM and DR use when the log has no
// useful features. q(action id, position) is the mean reward of that cell,
// shrunk towards the overall mean as if by a Beta prior worth `prior_strength`
// records:
//   q = (sum of rewards in the cell + m * mean) / (records in the cell + m)
// so rare cells (a few impressions of an item at a slot) do not swing to 0 or 1.
//
// DR with a model fitted on the same records it evaluates is biased (the
// model has seen each record's reward), so PredictTabular cross-fits: record
// i lands in fold i % K, and its predictions come from the model fitted on
// the other K - 1 folds.
#pragma once

#include <cstdint>
#include <vector>

#include "marquee/data/logged_bandit_data.h"
#include "marquee/util/status.h"

namespace marquee {

class TabularRewardModel {
 public:
  // Cells for action ids below `action_count` and positions below
  // `position_count`; others predict the overall mean.
  TabularRewardModel(uint32_t action_count, uint32_t position_count, double prior_strength);

  void Add(uint32_t action_id, uint32_t position, double reward);
  // Takes out what `other` added (same shape): the model of "all folds but
  // one" is the full model minus that fold's.
  void Subtract(const TabularRewardModel& other);

  double mean() const { return records_ > 0 ? reward_sum_ / records_ : 0.0; }
  double Predict(uint32_t action_id, uint32_t position) const;

 private:
  size_t Cell(uint32_t action_id, uint32_t position) const {
    return static_cast<size_t>(action_id) * position_count_ + position;
  }
  bool InTable(uint32_t action_id, uint32_t position) const {
    return action_id < action_count_ && position < position_count_;
  }

  uint32_t action_count_, position_count_;
  double prior_strength_;
  std::vector<double> sums_;    // per cell
  std::vector<double> counts_;  // per cell
  double reward_sum_ = 0.0, records_ = 0.0;
};

// Predictions for every candidate of every record at the record's position,
// aligned with data.candidate_ids (what OpeTarget::predicted wants). folds
// <= 1 fits once on the whole log (in-sample). InvalidArgument when the data
// does not validate, prior_strength is negative or not finite, or there are
// more folds than records.
Result<std::vector<double>> PredictTabular(const LoggedBanditData& data, uint32_t folds,
                                           double prior_strength = 10.0);

}  // namespace marquee
