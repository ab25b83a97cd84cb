// HeldArtwork: a member's artwork for a title changes at most once per K of
// the member's sessions (issue 11 §4, "honest artwork": a member who meets
// the same title on every visit should recognise it, not see a new face each
// time). The service asks it, per member and title, which variant is held;
// a held variant that is still eligible becomes the only eligible variant of
// that decision, so the impression logs an eligible set of one and
// propensity 1 -- which keeps IPS, DR and replay exact (the target policy,
// restricted to the same set, had no choice either).
//
// A session is a run of a member's requests with gaps shorter than
// `session_gap_seconds`. Memory is bounded: beyond `max_members` the members
// seen longest ago (by first insertion) are forgotten, and their next
// decision is free.
//
// Thread contract: thread-safe (sharded mutexes).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "marquee/util/mutex.h"
#include "marquee/util/thread_annotations.h"

namespace marquee::serve {

struct HeldArtworkOptions {
  uint32_t sessions_per_change = 1;     // K >= 1; 1: a variant may change at every session (nothing held)
  int64_t session_gap_seconds = 1800;   // a gap this long starts a new session
  size_t max_members = 1 << 20;         // members remembered
};

class HeldArtwork {
 public:
  explicit HeldArtwork(const HeldArtworkOptions& options) : options_(options) {}

  bool enabled() const { return options_.sessions_per_change > 1; }

  // Notes a request of `member_id` at `now` and returns its session number
  // (0 for the first; +1 after each gap of session_gap_seconds or more).
  uint64_t Visit(std::string_view member_id, int64_t now);
  // The variant held for (member, title) in `session`: the one recorded
  // fewer than K sessions before it; nullopt when none is.
  std::optional<uint32_t> Held(std::string_view member_id, uint32_t title, uint64_t session) const;
  // Records that `variant` was chosen for (member, title) in `session`, when
  // it differs from the one held (a held variant keeps its first session).
  void Record(std::string_view member_id, uint32_t title, uint32_t variant, uint64_t session);

 private:
  struct Choice {
    uint32_t variant = 0;
    uint64_t session = 0;  // the session it was chosen in
  };
  struct Member {
    int64_t last_seen = 0;
    uint64_t session = 0;
    std::unordered_map<uint32_t, Choice> titles;
  };
  struct Shard {
    mutable Mutex mu;
    std::unordered_map<std::string, Member> members GUARDED_BY(mu);
    std::deque<std::string> order GUARDED_BY(mu);  // insertion order, for forgetting
  };
  static constexpr size_t kShards = 16;
  Shard& ShardOf(std::string_view member_id) const;

  const HeldArtworkOptions options_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace marquee::serve
