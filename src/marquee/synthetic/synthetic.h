// The synthetic streaming service: Marquee's built-in data set, so that it
// runs with nothing downloaded, and a ground truth to measure models and
// artwork policies against.
//
// Deterministic for a seed at any thread count. Sizes range from a handful of
// members (tests) to Netflix-Prize scale (480,189 members x 17,770 titles x
// 100 million plays, a few GiB). See synthetic.cc for the generative model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/synthetic/ground_truth.h"
#include "marquee/util/progress.h"
#include "marquee/util/status.h"

namespace marquee {

// The named genres, in index order; a config with genres = n uses the first n.
inline constexpr uint32_t kSyntheticGenreCount = 18;
const std::vector<std::string>& SyntheticGenreNames();

struct SyntheticConfig {
  uint32_t members = 2000;
  uint32_t titles = 500;
  uint64_t plays = 100000;  // total plays, exactly; members <= plays <= members * titles
  uint64_t seed = 42;

  uint32_t genres = kSyntheticGenreCount;  // 1..18 named genres
  uint32_t performers = 0;                 // 0: automatic, 2 per title (at least 20)
  int64_t period_end = 1767225600;         // 2026-01-01T00:00:00Z, epoch seconds
  uint32_t period_days = 730;              // plays fall in [end - days, end)
  double popularity_exponent = 1.0;        // Zipf exponent of title exposure
  double mainstream_share = 0.15;          // share of plays drawn by popularity alone
  double genre_exposure = 0.5;             // 0..1: how much big genres draw plays beyond taste
  double taste_concentration = 1.0;        // Dirichlet total; smaller = fewer genres per member
  double activity_spread = 1.0;            // sigma of the log-normal member activity
  uint32_t min_artwork = 3;                // artwork variants per title, inclusive range
  uint32_t max_artwork = 8;
  double ai_artwork_share = 0.15;          // share of artwork marked AI-generated
  // Catalog facts (runtimes, dates, credits, provenance) come from streams of
  // their own: changing these changes no other draw.
  double minor_share = 0.05;               // performers under 18 at period_end
  double deceased_share = 0.03;            // performers who died before period_end
  double episode_share = 0.25;             // titles that are episodes of a series
  double unset_source_share = 0.01;        // artwork without a digital source type (quarantined)
  double reused_artwork_share = 0.03;      // artwork from another title's photography
  // Honesty (its own stream too): share of titles with >= 3 variants that get
  // one misleading variant (many starts, few qualifying plays), about one
  // title in twenty.
  double misleading_share = 0.05;

  // InvalidArgument naming the field and what was expected.
  Status Validate() const;
  // "seed=S members=N titles=M plays=P" (the dataset source and truth generator).
  std::string Describe() const;
};

struct SyntheticService {
  Dataset dataset;
  GroundTruth truth;
};

// Stages reported: "generating catalog", "generating members",
// "sampling plays", "building matrix".
Result<SyntheticService> GenerateService(const SyntheticConfig& config,
                                         const ProgressCallback& progress = {});

}  // namespace marquee
