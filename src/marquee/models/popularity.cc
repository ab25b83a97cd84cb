#include "marquee/models/popularity.h"

#include <algorithm>
#include <cmath>

namespace marquee {

namespace {
constexpr uint32_t kStateTag = FourCC("POPS");
constexpr double kSecondsPerDay = 86400.0;
}  // namespace

const ParameterTable<PopularityRecommender::Options>& PopularityRecommender::Table() {
  static const ParameterTable<Options> table = [] {
    ParameterTable<Options> t("popularity");
    t.Double("half_life", &Options::half_life_days, 0, 1e6,
             "trending half-life in days (0 = all-time counts)");
    return t;
  }();
  return table;
}

Result<std::unique_ptr<Recommender>> PopularityRecommender::Create(const Parameters& parameters) {
  MARQUEE_ASSIGN_OR_RETURN(Options options, Table().Read(parameters));
  return std::unique_ptr<Recommender>(std::make_unique<PopularityRecommender>(options));
}

Parameters PopularityRecommender::parameters() const { return Table().Write(options_); }

Status PopularityRecommender::Fit(const InteractionMatrix& train, const TrainContext&) {
  member_count_ = train.rows();
  scores_.assign(train.cols(), 0.0f);
  const bool trending = options_.half_life_days > 0;
  if (trending && !train.has_times()) {
    return Status::InvalidArgument(
        "popularity: half_life needs interaction times, and this data has none");
  }
  if (!trending) {
    for (uint32_t t : train.indices()) scores_[t] += 1.0f;
    return Status::OK();
  }
  const int64_t now = *std::max_element(train.times().begin(), train.times().end());
  const double decay = std::log(2.0) / (options_.half_life_days * kSecondsPerDay);
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
