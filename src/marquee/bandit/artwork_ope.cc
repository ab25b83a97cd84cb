#include "marquee/bandit/artwork_ope.h"

#include <algorithm>

#include "marquee/bandit/ridge_regression.h"

namespace marquee {
namespace {

Status CheckRecords(const ArtworkRecords& records, const ArtworkFeatures& features) {
  if (records.data == nullptr) return Status::InvalidArgument("artwork OPE: no log");
  const LoggedBanditData& data = *records.data;
  MARQUEE_RETURN_IF_ERROR(data.Validate());
  if (records.member_contexts.size() != data.size() * features.member_dim()) {
    return Status::InvalidArgument(data.source + ": expected " + std::to_string(data.size()) +
                                   " member contexts of " + std::to_string(features.member_dim()) +
                                   " values");
  }
  for (size_t i = 0; i < data.size(); ++i) {
    const uint32_t first = data.candidate_ids[data.offsets[i]];
    if (first >= features.artwork_count()) {
      return Status::InvalidArgument(data.source + ": record " + std::to_string(i) + ": artwork " +
                                     std::to_string(first) + " is not in the catalog");
    }
    const uint32_t title = RecordTitle(data, features, i);
    if (features.artwork_offset(title) != first || features.variant_count(title) != data.candidate_count(i)) {
      return Status::InvalidArgument(data.source + ": record " + std::to_string(i) +
                                     ": candidates are not the variants of one catalog title");
    }
  }
  return Status::OK();
}

std::span<const float> Context(const ArtworkRecords& records, size_t dim, size_t i) {
  return records.member_contexts.subspan(i * dim, dim);
}

}  // namespace

uint32_t RecordTitle(const LoggedBanditData& data, const ArtworkFeatures& features, size_t record) {
  return features.TitleOf(data.candidate_ids[data.offsets[record]]);
}

Result<std::vector<double>> ArtworkTargetProbabilities(const ArtworkRecords& records,
                                                       const ArtworkFeatures& features,
                                                       const ArtworkPolicy* policy) {
  MARQUEE_RETURN_IF_ERROR(CheckRecords(records, features));
  const LoggedBanditData& data = *records.data;
  std::vector<double> target(data.candidate_ids.size());
  for (size_t i = 0; i < data.size(); ++i) {
    std::span<double> row(target.data() + data.offsets[i], data.candidate_count(i));
    if (policy == nullptr) {  // uniform over the eligible set, exactly 1/k
      const double share = 1.0 / static_cast<double>(data.eligible_count(i));
      for (uint32_t a = 0; a < row.size(); ++a) row[a] = data.is_eligible(i, a) ? share : 0.0;
    } else {
      policy->Probabilities({Context(records, features.member_dim(), i), RecordTitle(data, features, i)},
                            row);
      RestrictToEligible(data, i, row);
    }
  }
  return target;
}

void RestrictToEligible(const LoggedBanditData& data, size_t record, std::span<double> row) {
  const uint32_t allowed = data.eligible_count(record);
  if (allowed == row.size() || allowed == 0) return;  // nothing ruled out (none: Validate refuses)
  std::vector<bool> eligible(row.size());
  for (uint32_t a = 0; a < row.size(); ++a) eligible[a] = data.is_eligible(record, a);
  RenormaliseOver(row, eligible);  // DecideAmong's arithmetic
}

Result<std::vector<double>> PredictArtworkRewards(const ArtworkRecords& records,
                                                  const ArtworkFeatures& features, uint32_t folds,
                                                  double lambda) {
  MARQUEE_RETURN_IF_ERROR(CheckRecords(records, features));
  const LoggedBanditData& data = *records.data;
  folds = std::max<uint32_t>(folds, 1);
  if (folds > data.size()) {
    return Status::InvalidArgument(data.source + ": " + std::to_string(folds) + " folds for " +
                                   std::to_string(data.size()) + " records");
  }
  const size_t mdim = features.member_dim();
  std::vector<float> x(features.joint_dim());
  std::vector<double> predicted(data.candidate_ids.size());
  for (uint32_t fold = 0; fold < folds; ++fold) {
    RidgeRegression model(features.joint_dim(), lambda);
    for (size_t i = 0; i < data.size(); ++i) {
      if (folds > 1 && i % folds == fold) continue;
      features.JointFeatures(Context(records, mdim, i), data.logged_id(i), x);
      model.Update(x, data.reward[i]);
    }
    for (size_t i = fold; i < data.size(); i += (folds > 1 ? folds : 1)) {
      for (uint64_t c = data.offsets[i]; c < data.offsets[i + 1]; ++c) {
        features.JointFeatures(Context(records, mdim, i), data.candidate_ids[c], x);
        predicted[c] = std::clamp(model.Mean(x), 0.0, 1.0);
      }
    }
  }
  return predicted;
}

}  // namespace marquee
