#include "marquee/page/page_types.h"

#include <string>

namespace marquee::page {

std::string_view RowKindName(RowKind kind) {
  switch (kind) {
    case RowKind::kContinueWatching: return "continue_watching";
    case RowKind::kTopPicks: return "top_picks";
    case RowKind::kBecauseYouWatched: return "because_you_watched";
    case RowKind::kTrending: return "trending";
    case RowKind::kPopularInRegion: return "popular_in_region";
    case RowKind::kNewReleases: return "new_releases";
    case RowKind::kGenre: return "genre";
  }
  return "unknown";
}

Result<RowKind> ParseRowKind(std::string_view name) {
  std::string known;
  for (RowKind kind : kAllRowKinds) {
    if (RowKindName(kind) == name) return kind;
    if (!known.empty()) known += ", ";
    known += RowKindName(kind);
  }
  return Status::InvalidArgument("unknown row kind \"" + std::string(name) + "\"; expected one of " + known);
}

}  // namespace marquee::page
