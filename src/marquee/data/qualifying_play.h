// The qualifying play (issue 11 §4, "honest artwork"): a play counts as the
// reward for the artwork that led to it, and as a qualifying play in a
// performer's statement, only when the member actually watched -- at least
// `min_minutes`, or at least `min_fraction` of the title's runtime. A bare
// start does not count, so an image that draws many starts and early
// abandonment does not win. One rule for the online learner, the simulator
// and the ledger.
#pragma once

#include <cstdint>

#include "marquee/util/status.h"

namespace marquee {

struct QualifyingPlayRule {
  // A play of at least this many minutes qualifies. >= 0; 0 with
  // min_fraction 0 makes every play qualify (the rule before issue 11).
  double min_minutes = 10.0;
  // A play of at least this fraction of the runtime qualifies. In [0, 1].
  double min_fraction = 0.25;
};

// InvalidField("min_minutes" / "min_fraction", ...) when out of range.
Status ValidateQualifyingPlayRule(const QualifyingPlayRule& rule);

// Seconds watched: watch_fraction × runtime, rounded to the nearest second;
// 0 when the runtime is unknown (0).
int64_t SecondsWatched(float watch_fraction, uint32_t runtime_minutes);

// Whether a play of `watch_fraction` of a title of `runtime_minutes` (<= 0:
// unknown, then only the fraction can qualify it) qualifies.
bool IsQualifyingPlay(const QualifyingPlayRule& rule, float watch_fraction, uint32_t runtime_minutes);

}  // namespace marquee
