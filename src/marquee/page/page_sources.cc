#include "marquee/page/page_sources.h"

#include <algorithm>

namespace marquee::page {
namespace {

double TrendingHalfLife(const PageConfig& config) {
  for (const RowSpec& spec : config.rows) {
    if (spec.kind == RowKind::kTrending) return spec.half_life_days;
  }
  return RowSpec{}.half_life_days;
}

std::vector<float> MembersPerTitle(const InteractionMatrix& m) {
  std::vector<uint32_t> counts = m.ColumnCounts();
  return {counts.begin(), counts.end()};
}

}  // namespace

PageSources::PageSources(const Dataset& dataset, const Recommender& model, const PageConfig& config,
                         PageSourcesOptions options)
    : dataset_(dataset),
      model_(model),
      index_(dataset.catalog),
      similar_(model, options.neighbours, std::move(options.title_positives)),
      trending_(TrendingIndex::Build(dataset.interactions,
                                     options.trending_now != 0 ? options.trending_now
                                                               : dataset.interactions.LatestTime(),
                                     TrendingHalfLife(config))),
      popularity_(options.popularity.empty() ? MembersPerTitle(dataset.interactions)
                                             : std::move(options.popularity)) {}

PageInputs PageSources::InputsAt(int64_t now) const {
  PageInputs in;
  in.catalog = &dataset_.catalog;
  in.index = &index_;
  in.title_ids = &dataset_.titles;
  in.similar = &similar_;
  in.trending = &trending_;
  in.now = now;
  return in;
}

void AppendRowPlays(const Dataset& dataset, uint32_t member, std::vector<PagePlay>& plays) {
  const InteractionMatrix& m = dataset.interactions;
  auto titles = m.RowIndices(member);
  auto weights = m.RowWeights(member);
  auto times = m.RowTimes(member);
  bool fractions = dataset.weight_kind == WeightKind::kPlays;
  for (size_t i = 0; i < titles.size(); ++i) {
    PagePlay p;
    p.title = titles[i];
    p.weight = weights[i];
    p.time = times.empty() ? 0 : times[i];
    p.progress = fractions ? std::min(weights[i], 1.0f) : -1.0f;
    plays.push_back(p);
  }
}

void MergeEventPlays(std::span<const Event> events, const IdMap& titles, std::vector<PagePlay>& plays) {
  std::sort(plays.begin(), plays.end(), [](const PagePlay& a, const PagePlay& b) { return a.title < b.title; });
  for (const Event& e : events) {
    if (e.kind != EventKind::kPlay && e.kind != EventKind::kRating) continue;
    uint32_t title = titles.Find(e.title_id);
    if (title == IdMap::kNotFound) continue;
    auto it = std::lower_bound(plays.begin(), plays.end(), title,
                               [](const PagePlay& p, uint32_t t) { return p.title < t; });
    if (it == plays.end() || it->title != title) {
      PagePlay fresh;
      fresh.title = title;
      fresh.progress = e.kind == EventKind::kPlay ? 0.0f : -1.0f;
      it = plays.insert(it, fresh);
    }
    if (e.kind == EventKind::kPlay) {
      float fraction = e.watch_fraction.value_or(1.0f);
      it->progress = std::min(std::max(it->progress, 0.0f) + fraction, 1.0f);
      it->weight += fraction;
    } else {
      it->weight = std::max(it->weight, e.rating.value_or(0.0f));
    }
    it->time = std::max(it->time, e.time);
  }
}

}  // namespace marquee::page
