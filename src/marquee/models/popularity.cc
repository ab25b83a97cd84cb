#include "marquee/models/popularity.h"

#include <algorithm>
#include <cmath>

namespace marquee {

namespace {
constexpr uint32_t kStateTag = FourCC("POPS");
constexpr double kSecondsPerDay = 86400.0;
}  // namespace

Result<std::unique_ptr<Recommender>> PopularityRecommender::Create(const Parameters& parameters) {
  auto model = std::make_unique<PopularityRecommender>();
  MARQUEE_ASSIGN_OR_RETURN(model->half_life_days_,
                           parameters.GetDouble("popularity", "half_life", 0, 0, 1e6));
  MARQUEE_RETURN_IF_ERROR(parameters.CheckAllUsed("popularity"));
  return std::unique_ptr<Recommender>(std::move(model));
}

Parameters PopularityRecommender::parameters() const {
  Parameters p;
  p.Set("half_life", half_life_days_);
  return p;
}

Status PopularityRecommender::Fit(const InteractionMatrix& train, const TrainContext&) {
  member_count_ = train.rows();
  scores_.assign(train.cols(), 0.0f);
  const bool trending = half_life_days_ > 0;
  if (trending && !train.has_times()) {
    return Status::InvalidArgument(
        "popularity: half_life needs interaction times, and this data has none");
  }
  if (!trending) {
    for (uint32_t t : train.indices()) scores_[t] += 1.0f;
    return Status::OK();
  }
  const int64_t now = *std::max_element(train.times().begin(), train.times().end());
  const double decay = std::log(2.0) / (half_life_days_ * kSecondsPerDay);
  std::vector<double> sums(train.cols(), 0.0);  // double: millions of small terms
  for (uint64_t i = 0; i < train.nnz(); ++i) {
    sums[train.indices()[i]] += std::exp(-decay * static_cast<double>(now - train.times()[i]));
  }
  std::copy(sums.begin(), sums.end(), scores_.begin());
  return Status::OK();
}

void PopularityRecommender::ScoreHistory(History, std::span<float> scores) const {
  std::copy(scores_.begin(), scores_.end(), scores.begin());
}

void PopularityRecommender::ScoreSimilar(uint32_t, std::span<float> scores) const {
  std::copy(scores_.begin(), scores_.end(), scores.begin());
}

void PopularityRecommender::SaveState(SectionFileWriter& out) const {
  ByteWriter w;
  w.U32(member_count_);
  w.Array<float>(scores_);
  out.AddSection(kStateTag, std::move(w));
}

Status PopularityRecommender::LoadState(const SectionFileReader& in) {
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, in.Section(kStateTag));
  ByteReader r(payload, in.path() + ": popularity state");
  member_count_ = r.U32();
  scores_ = r.Array<float>();
  if (r.ok() && !r.AtEnd()) r.Fail("trailing bytes");
  return r.status();
}

}  // namespace marquee
