// Building the events the bandit tests feed to reward attribution.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "marquee/data/event.h"

namespace marquee::test {

// A play, click or rating by `member` of `title` at `time`, optionally
// naming an impression and carrying a watched fraction.
inline Event Outcome(EventKind kind, std::string member, std::string title, int64_t time, std::string id = {},
                     std::optional<float> fraction = {}) {
  Event e;
  e.kind = kind;
  e.member_id = std::move(member);
  e.title_id = std::move(title);
  e.time = time;
  e.impression_id = std::move(id);
  e.watch_fraction = fraction;
  return e;
}

}  // namespace marquee::test
