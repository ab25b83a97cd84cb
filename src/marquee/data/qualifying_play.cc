#include "marquee/data/qualifying_play.h"

#include <cmath>

namespace marquee {

Status ValidateQualifyingPlayRule(const QualifyingPlayRule& rule) {
  if (!(rule.min_minutes >= 0) || !std::isfinite(rule.min_minutes)) {
    return Status::InvalidField("min_minutes", "expected a finite number >= 0");
  }
  if (!(rule.min_fraction >= 0 && rule.min_fraction <= 1)) {
    return Status::InvalidField("min_fraction", "expected a number in [0, 1]");
  }
  return Status::OK();
}

int64_t SecondsWatched(float watch_fraction, uint32_t runtime_minutes) {
  if (runtime_minutes == 0) return 0;
  return std::llround(static_cast<double>(watch_fraction) * runtime_minutes * 60.0);
}

bool IsQualifyingPlay(const QualifyingPlayRule& rule, float watch_fraction, uint32_t runtime_minutes) {
  if (static_cast<double>(watch_fraction) >= rule.min_fraction) return true;
  if (runtime_minutes == 0) return false;
  return static_cast<double>(watch_fraction) * runtime_minutes >= rule.min_minutes;
}

}  // namespace marquee
