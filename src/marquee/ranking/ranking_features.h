// The features the ranker orders candidates by (issue 15 §1), one row per
// (member, candidate title), in RankingFeatureNames order:
//   score:SOURCE      each source's score of the title
//   rank:SOURCE       its 1-based rank in that source's list; missing (NaN)
//                     when the source did not retrieve it
//   retrieved_by      how many sources retrieved it
//   log_popularity    log(1 + members who played it in training)
//   trend             the share of those plays in the last `trend_days` days
//                     of the training data (a title on the rise is near 1)
//   age_days          days from its launch (release date, else first play)
//                     to the end of the training data; missing when unknown
//   genre_match       the mean, over its genres, of the share of the
//                     member's history in that genre (0 without genres)
//   member_activity   log(1 + titles in the member's history)
//   next_episode      1 when the title is the episode after one in the
//                     member's history (what Continue Watching proposes), else 0
//   series_played     log(1 + episodes of the title's series in the history)
//   days_since_genre  days from the member's latest play of a title of the
//                     title's first genre to their latest play of any (how
//                     long since they watched something similar); missing
//                     without times, without genres, or when none
//   year, runtime_minutes   the title's metadata; missing when unknown
// Missing values are NaN, which XGBoost routes down a learned default branch.
//
// Thread safety: TitleStats is immutable after Compute; AppendRankingFeatures
// is reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/data/interactions.h"
#include "marquee/ranking/candidates.h"
#include "marquee/util/section_file.h"
#include "marquee/util/status.h"

namespace marquee {

// What the features need to know of each title, computed once from the
// training data and the catalog and saved with a ranker, so a served ranker
// needs no catalog.
struct TitleStats {
  std::vector<float> log_popularity, trend, age_days;  // one a title
  // Each title's genre indices: genres[genre_offsets[t] .. genre_offsets[t+1]).
  std::vector<uint32_t> genre_offsets{0};
  std::vector<uint16_t> genres;
  uint32_t genre_count = 0;  // genre indices are below this
  // Episodes: each title's next episode (NextEpisodes) and dense series
  // index; kNone for titles that are not episodes (or are the last).
  static constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> next_episode, series;
  std::vector<float> year, runtime_minutes;  // NaN when unknown

  uint32_t titles() const { return static_cast<uint32_t>(log_popularity.size()); }
  std::span<const uint16_t> TitleGenres(uint32_t t) const {
    return {genres.data() + genre_offsets[t], genre_offsets[t + 1] - genre_offsets[t]};
  }
  // From `train` (with times for trend and age; without, trend is 0 and age
  // comes from release dates only). Titles beyond the catalog have no genres.
  static TitleStats Compute(const InteractionMatrix& train, const Catalog& catalog, int trend_days = 14);

  void Save(ByteWriter& out) const;
  // Corruption (via `in`'s context) when inconsistent.
  static Result<TitleStats> Load(ByteReader& in);
};

std::vector<std::string> RankingFeatureNames(std::span<const CandidateSource> sources);

// Appends candidates.titles.size() rows of RankingFeatureNames().size()
// floats to `x`. `history`: the member's titles (what genre_match and
// member_activity read).
void AppendRankingFeatures(const Candidates& candidates, History history, const TitleStats& stats,
                           std::vector<float>& x);

}  // namespace marquee
