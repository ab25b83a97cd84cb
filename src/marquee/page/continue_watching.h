// Continue Watching: titles the member started and has not finished,
// most recent first.
//
// A play is in progress when 0 <= progress < spec.max_progress and it was
// played within spec.window_days before now (titles abandoned long ago drop
// out; finished ones too; plays with unknown progress -- ratings -- never
// count). For an episode the member finished (progress >= max_progress)
// within the window, the series' next episode (CatalogIndex::NextEpisode)
// is proposed in its place when the member has not played it; an episode in
// progress is proposed itself. The row is ordered by recency; each title's
// score is the share of it watched (0 for a next episode), what a client
// draws as the progress bar. The seen mask does not
// apply (these are seen titles by definition); allowed does.
#pragma once

#include <memory>

#include "marquee/page/row_generator.h"

namespace marquee::page {

std::unique_ptr<RowGenerator> MakeContinueWatchingRow(const RowSpec& spec);

}  // namespace marquee::page
