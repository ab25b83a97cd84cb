#include "marquee/page/trending.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "marquee/page/row_common.h"
#include "marquee/util/civil_time.h"

namespace marquee::page {

namespace {

// The played titles by decreasing count, ties to the lower index.
std::vector<uint32_t> Ranked(const std::vector<float>& counts) {
  std::vector<uint32_t> out;
  for (uint32_t t = 0; t < counts.size(); ++t) {
    if (counts[t] > 0) out.push_back(t);
  }
  std::stable_sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) { return counts[a] > counts[b]; });
  return out;
}

}  // namespace

TrendingIndex TrendingIndex::Build(const InteractionMatrix& interactions, int64_t now,
                                   double half_life_days) {
  std::vector<double> decayed(interactions.cols(), 0.0), all_time(interactions.cols(), 0.0);
  const double half_life = half_life_days * kSecondsPerDay;
  const bool timed = interactions.has_times();
  for (uint64_t e = 0; e < interactions.nnz(); ++e) {
    const uint32_t title = interactions.indices()[e];
    if (!timed) {
      decayed[title] += 1.0;
      all_time[title] += 1.0;
      continue;
    }
    const int64_t time = interactions.times()[e];
    if (time > now) continue;  // "as of" now: no future plays, for either count
    decayed[title] += std::exp2(-static_cast<double>(now - time) / half_life);
    all_time[title] += 1.0;
  }
  TrendingIndex index;
  index.decayed_.assign(decayed.begin(), decayed.end());
  index.all_time_.assign(all_time.begin(), all_time.end());
  index.ranked_decayed_ = Ranked(index.decayed_);
  index.ranked_all_time_ = Ranked(index.all_time_);
  index.now_ = now;
  index.half_life_days_ = half_life_days;
  return index;
}

namespace {

// The first in.row_length titles of `ranked` that `keep` accepts, scored by `counts`.
template <typename Keep>
void TakeRanked(const PageInputs& in, std::span<const uint32_t> ranked, std::span<const float> counts,
                Keep keep, std::vector<RowTitle>& out) {
  for (uint32_t t : ranked) {
    if (out.size() == in.row_length) break;
    if (t < in.allowed.size() && in.allowed[t] && !in.seen[t] && keep(t)) out.push_back({t, counts[t]});
  }
}

class TrendingRow final : public RowGenerator {
 public:
  explicit TrendingRow(const RowSpec& spec) : RowGenerator(spec) {}
  RowKind kind() const override { return RowKind::kTrending; }

  void Generate(const PageInputs& in, std::vector<CandidateRow>& out) const override {
    if (in.trending == nullptr) return;
    CandidateRow row{.kind = RowKind::kTrending, .row_id = "trending", .heading = "Trending Now"};
    row.reason = fmt::format("The titles played most on Marquee lately (plays halve in weight every {} days)",
                             in.trending->half_life_days());
    TakeRanked(
        in, in.trending->ranked_decayed(), in.trending->decayed(), [](uint32_t) { return true; }, row.titles);
    Propose(spec(), std::move(row), out);
  }
};

bool AvailableIn(const Title& title, std::string_view region) {
  return title.regions.empty() ||
         std::find(title.regions.begin(), title.regions.end(), region) != title.regions.end();
}

class PopularInRegionRow final : public RowGenerator {
 public:
  explicit PopularInRegionRow(const RowSpec& spec) : RowGenerator(spec) {}
  RowKind kind() const override { return RowKind::kPopularInRegion; }

  void Generate(const PageInputs& in, std::vector<CandidateRow>& out) const override {
    if (in.trending == nullptr || in.region.empty()) return;
    CandidateRow row{.kind = RowKind::kPopularInRegion, .row_id = "popular_in_region"};
    row.heading = fmt::format("Popular in {}", in.region);
    row.reason = fmt::format("The most played titles of all time among those available in {}", in.region);
    // Availability is checked here too: the allowed mask need not be the region's.
    const auto& titles = in.catalog->titles();
    TakeRanked(
        in, in.trending->ranked_all_time(), in.trending->all_time(),
        [&](uint32_t t) { return t < titles.size() && AvailableIn(titles[t], in.region); }, row.titles);
    Propose(spec(), std::move(row), out);
  }
};

}  // namespace

std::unique_ptr<RowGenerator> MakeTrendingRow(const RowSpec& spec) {
  return std::make_unique<TrendingRow>(spec);
}
std::unique_ptr<RowGenerator> MakePopularInRegionRow(const RowSpec& spec) {
  return std::make_unique<PopularInRegionRow>(spec);
}

}  // namespace marquee::page
