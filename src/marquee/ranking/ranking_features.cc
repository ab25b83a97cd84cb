#include "marquee/ranking/ranking_features.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>

#include "marquee/data/launch_days.h"
#include "marquee/util/civil_time.h"

namespace marquee {

TitleStats TitleStats::Compute(const InteractionMatrix& train, const Catalog& catalog, int trend_days) {
  const uint32_t n = train.cols();
  TitleStats s;
  std::vector<uint32_t> members(n, 0), recent(n, 0);
  const int64_t end = train.has_times() ? train.LatestTime() : 0;
  const int64_t recent_from = end - static_cast<int64_t>(trend_days) * kSecondsPerDay;
  for (uint32_t m = 0; m < train.rows(); ++m) {
    const auto titles = train.RowIndices(m);
    const auto times = train.RowTimes(m);
    for (size_t i = 0; i < titles.size(); ++i) {
      ++members[titles[i]];
      if (!times.empty()) recent[titles[i]] += times[i] > recent_from;
    }
  }
  const std::vector<int64_t> launch = LaunchDays(train, catalog);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  s.log_popularity.resize(n);
  s.trend.resize(n);
  s.age_days.assign(n, nan);
  for (uint32_t t = 0; t < n; ++t) {
    s.log_popularity[t] = std::log1p(static_cast<float>(members[t]));
    s.trend[t] = members[t] > 0 ? static_cast<float>(recent[t]) / members[t] : 0.0f;
    if (launch[t] != INT64_MIN && end != 0) s.age_days[t] = static_cast<float>(UnixDay(end) - launch[t]);
    if (t < catalog.size()) {
      const std::vector<uint16_t>& g = catalog.titles()[t].genres;
      s.genres.insert(s.genres.end(), g.begin(), g.end());
    }
    s.genre_offsets.push_back(static_cast<uint32_t>(s.genres.size()));
  }
  s.genre_count = static_cast<uint32_t>(catalog.genres().size());
  return s;
}

void TitleStats::Save(ByteWriter& out) const {
  out.Array<float>(log_popularity);
  out.Array<float>(trend);
  out.Array<float>(age_days);
  out.Array<uint32_t>(genre_offsets);
  out.Array<uint16_t>(genres);
  out.U32(genre_count);
}

Result<TitleStats> TitleStats::Load(ByteReader& in) {
  TitleStats s;
  s.log_popularity = in.Array<float>();
  s.trend = in.Array<float>();
  s.age_days = in.Array<float>();
  s.genre_offsets = in.Array<uint32_t>();
  s.genres = in.Array<uint16_t>();
  s.genre_count = in.U32();
  if (!in.ok()) return in.status();
  const size_t n = s.log_popularity.size();
  bool consistent = s.trend.size() == n && s.age_days.size() == n && s.genre_offsets.size() == n + 1 &&
                    s.genre_offsets.front() == 0 && s.genre_offsets.back() == s.genres.size() &&
                    std::is_sorted(s.genre_offsets.begin(), s.genre_offsets.end());
  for (uint16_t g : s.genres) consistent = consistent && g < s.genre_count;
  if (!consistent) {
    in.Fail("title statistics: inconsistent sizes or genre indices");
    return in.status();
  }
  return s;
}

std::vector<std::string> RankingFeatureNames(std::span<const CandidateSource> sources) {
  std::vector<std::string> names;
  for (const CandidateSource& s : sources) names.push_back("score:" + s.name);
  for (const CandidateSource& s : sources) names.push_back("rank:" + s.name);
  for (const char* name : {"retrieved_by", "log_popularity", "trend", "age_days", "genre_match", "member_activity"}) {
    names.emplace_back(name);
  }
  return names;
}

void AppendRankingFeatures(const Candidates& c, History history, const TitleStats& stats, std::vector<float>& x) {
  // The member's share of history in each genre.
  std::vector<float> genre_share(stats.genre_count, 0.0f);
  for (uint32_t t : history.titles) {
    if (t >= stats.titles()) continue;
    for (uint16_t g : stats.TitleGenres(t)) genre_share[g] += 1.0f;
  }
  if (!history.titles.empty()) {
    for (float& g : genre_share) g /= static_cast<float>(history.titles.size());
  }
  const float activity = std::log1p(static_cast<float>(history.titles.size()));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (size_t i = 0; i < c.titles.size(); ++i) {
    const uint32_t t = c.titles[i];
    for (uint32_t s = 0; s < c.sources; ++s) {
      const float score = c.Score(i, s);
      x.push_back(std::isfinite(score) ? score : nan);
    }
    for (uint32_t s = 0; s < c.sources; ++s) {
      const uint32_t rank = c.Rank(i, s);
      x.push_back(rank == 0 ? nan : static_cast<float>(rank));
    }
    x.push_back(static_cast<float>(c.retrieved_by[i]));
    x.push_back(stats.log_popularity[t]);
    x.push_back(stats.trend[t]);
    x.push_back(stats.age_days[t]);
    float match = 0.0f;
    const std::span<const uint16_t> genres = stats.TitleGenres(t);
    if (!genres.empty()) {
      for (uint16_t g : genres) match += genre_share[g];
      match /= static_cast<float>(genres.size());
    }
    x.push_back(match);
    x.push_back(activity);
  }
}

}  // namespace marquee
