// Trending Now and Popular in your region.
//
// TrendingIndex: each title's plays decayed by age -- sum over its plays of
// 2^(-(now - time) / half_life) (the exponentially decayed count; plays after
// `now` are ignored, so an index built "as of" a date sees no future) -- and
// its all-time count, with the titles ranked by each. Built once per
// serving dataset (and per evaluation date); immutable, thread-safe.
//
// Rows:
// - trending: titles by decayed count, allowed ones only (the request's
//   region and maturity), watched ones left out.
// - popular_in_region: titles by all-time count among those available in the
//   request's region (proposed only when the request names a region; the
//   data records no member regions, so "popular" counts everyone's plays).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "marquee/data/interactions.h"
#include "marquee/page/row_generator.h"

namespace marquee::page {

class TrendingIndex {
 public:
  // `interactions` with times (without times every play counts 1, undecayed).
  // half_life_days > 0.
  static TrendingIndex Build(const InteractionMatrix& interactions, int64_t now, double half_life_days);

  std::span<const float> decayed() const { return decayed_; }
  std::span<const float> all_time() const { return all_time_; }
  // Titles by decreasing decayed / all-time count, ties to the lower index;
  // titles never played are left out.
  std::span<const uint32_t> ranked_decayed() const { return ranked_decayed_; }
  std::span<const uint32_t> ranked_all_time() const { return ranked_all_time_; }
  int64_t now() const { return now_; }
  double half_life_days() const { return half_life_days_; }

 private:
  std::vector<float> decayed_, all_time_;
  std::vector<uint32_t> ranked_decayed_, ranked_all_time_;
  int64_t now_ = 0;
  double half_life_days_ = 0;
};

std::unique_ptr<RowGenerator> MakeTrendingRow(const RowSpec& spec);
std::unique_ptr<RowGenerator> MakePopularInRegionRow(const RowSpec& spec);

}  // namespace marquee::page
