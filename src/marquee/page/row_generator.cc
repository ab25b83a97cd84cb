#include "marquee/page/row_generator.h"

#include <algorithm>
#include <limits>

#include "marquee/page/because_you_watched.h"
#include "marquee/page/continue_watching.h"
#include "marquee/page/genre_rows.h"
#include "marquee/page/new_releases.h"
#include "marquee/page/top_picks.h"
#include "marquee/page/trending.h"

namespace marquee::page {

std::unique_ptr<RowGenerator> MakeRowGenerator(const RowSpec& spec) {
  switch (spec.kind) {
    case RowKind::kContinueWatching:
      return MakeContinueWatchingRow(spec);
    case RowKind::kTopPicks:
      return MakeTopPicksRow(spec);
    case RowKind::kBecauseYouWatched:
      return MakeBecauseYouWatchedRow(spec);
    case RowKind::kTrending:
      return MakeTrendingRow(spec);
    case RowKind::kPopularInRegion:
      return MakePopularInRegionRow(spec);
    case RowKind::kNewReleases:
      return MakeNewReleasesRow(spec);
    case RowKind::kGenre:
      return MakeGenreRows(spec);
  }
  return nullptr;
}

namespace {
// "a ranks before b": higher score, then lower index.
inline bool Better(const RowTitle& a, const RowTitle& b) {
  return a.score > b.score || (a.score == b.score && a.title < b.title);
}
}  // namespace

void TopAllowed(const PageInputs& in, std::span<const float> scores, std::span<const uint32_t> among,
                bool skip_seen, uint32_t k, std::vector<RowTitle>& out) {
  if (k == 0) return;
  // The heap (worst of the best k on top) lives at the end of `out`: no
  // allocation beyond the row itself.
  const auto first = static_cast<std::ptrdiff_t>(out.size());
  out.reserve(out.size() + k);
  // Most titles fail the first comparison once k are held. `among` need not
  // be in index order (new releases come newest first), so an equal score
  // still goes to Better() to let the lower index win. lowest() rather than
  // -infinity keeps excluded (-infinity) and NaN scores out.
  float threshold = std::numeric_limits<float>::lowest();
  uint32_t held = 0;
  auto offer = [&](uint32_t t) {
    const float s = scores[t];
    // A title beyond the masks (a catalog that grew after they were made)
    // is not allowed.
    if (!(s >= threshold) || t >= in.allowed.size() || !in.allowed[t] ||
        (skip_seen && t < in.seen.size() && in.seen[t])) {
      return;
    }
    const RowTitle candidate{t, s};
    if (held < k) {
      out.push_back(candidate);
      std::push_heap(out.begin() + first, out.end(), Better);
      if (++held == k) threshold = out[first].score;
      return;
    }
    if (!Better(candidate, out[first])) return;
    std::pop_heap(out.begin() + first, out.end(), Better);
    out.back() = candidate;
    std::push_heap(out.begin() + first, out.end(), Better);
    threshold = out[first].score;
  };
  if (among.empty()) {
    const auto n = static_cast<uint32_t>(scores.size());
    for (uint32_t t = 0; t < n; ++t) offer(t);
  } else {
    for (uint32_t t : among) offer(t);
  }
  std::sort_heap(out.begin() + first, out.end(), Better);
}

}  // namespace marquee::page
