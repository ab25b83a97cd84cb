#include "marquee/ranking/ranking_features.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <map>
#include <string_view>
#include <utility>

#include "marquee/data/launch_days.h"
#include "marquee/util/civil_time.h"

namespace marquee {

namespace {
// Bumped when TitleStats' saved layout changes.
constexpr uint32_t kStatsVersion = 2;
}  // namespace

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
  s.next_episode = NextEpisodes(catalog);
  s.next_episode.resize(n, kNone);
  s.series.assign(n, kNone);
  s.year.assign(n, nan);
  s.runtime_minutes.assign(n, nan);
  std::map<std::string_view, uint32_t> series_index;
  for (uint32_t t = 0; t < n && t < catalog.size(); ++t) {
    const Title& title = catalog.titles()[t];
    if (title.episode_of) {
      s.series[t] = series_index.emplace(title.episode_of->series_id, series_index.size()).first->second;
    }
    if (title.year != 0) s.year[t] = static_cast<float>(title.year);
    if (title.runtime_minutes != 0) s.runtime_minutes[t] = static_cast<float>(title.runtime_minutes);
  }
  return s;
}

void TitleStats::Save(ByteWriter& out) const {
  out.U32(kStatsVersion);
  out.Array<float>(log_popularity);
  out.Array<float>(trend);
  out.Array<float>(age_days);
  out.Array<uint32_t>(genre_offsets);
  out.Array<uint16_t>(genres);
  out.U32(genre_count);
  out.Array<uint32_t>(next_episode);
  out.Array<uint32_t>(series);
  out.Array<float>(year);
  out.Array<float>(runtime_minutes);
}

Result<TitleStats> TitleStats::Load(ByteReader& in) {
  TitleStats s;
  if (in.U32() != kStatsVersion) {
    in.Fail("title statistics of another Marquee version (retrain the ranker)");
    return in.status();
  }
  s.log_popularity = in.Array<float>();
  s.trend = in.Array<float>();
  s.age_days = in.Array<float>();
  s.genre_offsets = in.Array<uint32_t>();
  s.genres = in.Array<uint16_t>();
  s.genre_count = in.U32();
  s.next_episode = in.Array<uint32_t>();
  s.series = in.Array<uint32_t>();
  s.year = in.Array<float>();
  s.runtime_minutes = in.Array<float>();
  if (!in.ok()) return in.status();
  const size_t n = s.log_popularity.size();
  bool consistent = s.trend.size() == n && s.age_days.size() == n && s.genre_offsets.size() == n + 1 &&
                    s.genre_offsets.front() == 0 && s.genre_offsets.back() == s.genres.size() &&
                    std::is_sorted(s.genre_offsets.begin(), s.genre_offsets.end());
  consistent = consistent && s.next_episode.size() == n && s.series.size() == n && s.year.size() == n &&
               s.runtime_minutes.size() == n;
  for (uint16_t g : s.genres) consistent = consistent && g < s.genre_count;
  for (uint32_t e : s.next_episode) consistent = consistent && (e == kNone || e < n);
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
  for (const char* name : {"retrieved_by", "log_popularity", "trend", "age_days", "genre_match", "member_activity",
                           "next_episode", "series_played", "days_since_genre", "year", "runtime_minutes"}) {
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
  // What the member watched of series, which episodes come next, and when
  // they last watched each genre.
  std::vector<uint32_t> next_episodes;
  std::vector<std::pair<uint32_t, uint32_t>> series_counts;  // (series, episodes played)
  std::vector<int64_t> genre_latest;
  int64_t latest = 0;
  const bool timed = history.times.size() == history.titles.size() && !history.titles.empty();
  if (timed) genre_latest.assign(stats.genre_count, INT64_MIN);
  for (size_t i = 0; i < history.titles.size(); ++i) {
    const uint32_t t = history.titles[i];
    if (t >= stats.titles()) continue;
    if (stats.next_episode[t] != TitleStats::kNone) next_episodes.push_back(stats.next_episode[t]);
    if (stats.series[t] != TitleStats::kNone) series_counts.emplace_back(stats.series[t], 1);
    if (timed && history.times[i] != 0) {
      latest = std::max(latest, history.times[i]);
      for (uint16_t g : stats.TitleGenres(t)) genre_latest[g] = std::max(genre_latest[g], history.times[i]);
    }
  }
  std::sort(next_episodes.begin(), next_episodes.end());
  std::sort(series_counts.begin(), series_counts.end());
  std::vector<std::pair<uint32_t, uint32_t>> per_series;
  for (const auto& [series, one] : series_counts) {
    if (!per_series.empty() && per_series.back().first == series) {
      per_series.back().second += one;
    } else {
      per_series.emplace_back(series, one);
    }
  }
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
    x.push_back(std::binary_search(next_episodes.begin(), next_episodes.end(), t) ? 1.0f : 0.0f);
    float series_played = 0.0f;
    if (stats.series[t] != TitleStats::kNone) {
      auto it = std::lower_bound(per_series.begin(), per_series.end(), std::make_pair(stats.series[t], 0u));
      if (it != per_series.end() && it->first == stats.series[t]) series_played = std::log1p(static_cast<float>(it->second));
    }
    x.push_back(series_played);
    float since = nan;
    if (latest != 0 && !genres.empty() && genre_latest[genres[0]] != INT64_MIN) {
      since = static_cast<float>(latest - genre_latest[genres[0]]) / static_cast<float>(kSecondsPerDay);
    }
    x.push_back(since);
    x.push_back(stats.year[t]);
    x.push_back(stats.runtime_minutes[t]);
  }
}

}  // namespace marquee
