// PageSources: what pages are built from for one dataset and model, computed
// once and shared by every request (the server keeps one per model snapshot
// and page configuration; the CLI and page evaluation make one): the catalog
// index, each title's neighbours, trending counts and popularity.
//
// And the member's plays as rows read them: from a dataset row, and merged
// with events logged since (the live plays that put a title into Continue
// Watching a moment after it was played).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/data/event.h"
#include "marquee/models/recommender.h"
#include "marquee/page/catalog_index.h"
#include "marquee/page/page_config.h"
#include "marquee/page/page_types.h"
#include "marquee/page/similar_titles.h"
#include "marquee/page/trending.h"

namespace marquee::page {

struct PageSourcesOptions {
  // Neighbours kept per title for Because You Watched rows.
  uint32_t neighbours = 60;
  // The time trending counts are decayed to; 0 = the latest time in the
  // dataset. A later `now` scales every count alike (2^(-dt/h)), so the
  // ranking the rows read does not change with the request's time.
  int64_t trending_now = 0;
  // Members per title in the model's training rows (ServingModel::
  // title_positives): titles with 0 get no neighbours. Empty: all titles.
  std::vector<uint32_t> title_positives;
  // Members per title in the dataset, when the caller has counted them
  // already (the server's ModelStore::popularity()); empty: counted here.
  std::vector<float> popularity;
};

class PageSources {
 public:
  // `dataset` and `model` must outlive this. The trending half-life is the
  // config's trending row's (RowSpec default when the config has none).
  PageSources(const Dataset& dataset, const Recommender& model, const PageConfig& config,
              PageSourcesOptions options = {});

  const Dataset& dataset() const { return dataset_; }
  const Recommender& model() const { return model_; }
  const CatalogIndex& index() const { return index_; }
  const SimilarTitles& similar() const { return similar_; }
  const TrendingIndex& trending() const { return trending_; }
  // Members per title in the dataset: the non-personalized page's scores.
  std::span<const float> popularity() const { return popularity_; }

  // A request's inputs as far as these sources give them -- the catalog, its
  // index, the title ids, the neighbours, trending -- at `now`; the caller
  // adds the member's scores, masks and plays (and the region).
  PageInputs InputsAt(int64_t now) const;

 private:
  const Dataset& dataset_;
  const Recommender& model_;
  CatalogIndex index_;
  SimilarTitles similar_;
  TrendingIndex trending_;
  std::vector<float> popularity_;
};

// Appends row `member` of dataset.interactions as plays: time and weight as
// stored; progress = min(weight, 1) when the weights are watch fractions
// (WeightKind::kPlays; summed over plays), else unknown (-1). Titles
// ascending. member must be < dataset.members.size().
void AppendRowPlays(const Dataset& dataset, uint32_t member, std::vector<PagePlay>& plays);

// Merges events (any member's; the caller passes one member's) into `plays`:
// a play of a known title adds its watch fraction to the title's progress
// (capped at 1; a play without a fraction counts as finished), a rating sets
// its weight; time becomes the latest. Impressions and clicks are ignored, as
// are titles not in `titles`. Keeps `plays` sorted by title.
void MergeEventPlays(std::span<const Event> events, const IdMap& titles, std::vector<PagePlay>& plays);

}  // namespace marquee::page
