// Reward attribution: which logged impression of artwork earned which reward.
// The one definition of the rules, used online (the serving ArtworkService
// learns from it) and offline (JoinImpressions, hence `marquee train-policy`
// and `marquee ope`), so that the policy that learns online is trained on the
// reward that offline evaluation measures.
//
// The rules (RewardRules below holds their settings):
//   * An impression of title t shown to member m at time T is pending for its
//     window [T, T + reward_window_seconds].
//   * A click naming the impression's id, with time <= T + window, rewards
//     that impression only (the id proves which impression was clicked, so
//     a click timed slightly before T -- clock skew -- still counts).
//   * A click naming an impression id that is not pending (unknown, already
//     expired, or past its window) is counted in unmatched_clicks and never
//     guessed onto another impression of the title.
//   * A play naming a pending impression id rewards that impression; any
//     other play, and a click without an id, rewards every pending impression
//     of the same member and title with T <= time <= T + window.
//   * The reward of an outcome is 1, or its watch fraction ((0, 1]) with
//     weight_by_watch_fraction when the event has one. An impression keeps the
//     largest reward of its outcomes; it finishes as soon as that reaches 1
//     (nothing can raise it), otherwise when its window has passed (expiry;
//     reward 0 when nothing matched).
//   * At most max_pending impressions are held; beyond that the oldest are
//     finished early, with the reward they have (0 unless a weighted play
//     matched).
//   * A second impression whose id is already pending is refused (counted
//     in duplicate_ids); impressions without an id match plays only.
//
// Events are expected roughly in time order: an outcome observed after its
// impression has expired is not matched.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/data/event.h"

namespace marquee {

// One hour, for both paths. Online, pending impressions are held in memory
// until their window passes, so the window bounds that memory (rate x window;
// 1 h at 250 impressions/s stays under the default max_pending). And a play
// long after an impression is weak evidence that the artwork caused it: a
// member who saw a row and chose a title almost always starts it in the same
// session, while a play a day later is more likely a recommendation, a search
// or word of mouth. An hour covers a browsing session.
inline constexpr int64_t kDefaultRewardWindowSeconds = 3600;
// Held impressions cost a few hundred bytes each (the record, its strings and
// two index entries), so the default cap bounds that memory to a few hundred
// MB.
// A server logging more than max_pending / window impressions a second
// (about 280/s with the defaults) evicts impressions
// before their window ends, and `evicted()` counts them (GET
// /v1/artwork/policy shows it): raise the cap or shorten the window then.
inline constexpr size_t kDefaultMaxPendingImpressions = 1000000;
// The longest window any command accepts (30 days): beyond it a play is no
// evidence about an impression, and held impressions would only pile up.
inline constexpr int64_t kMaxRewardWindowSeconds = int64_t{30} * 24 * 3600;

struct RewardRules {
  int64_t reward_window_seconds = kDefaultRewardWindowSeconds;  // 0..kMaxRewardWindowSeconds
  size_t max_pending = kDefaultMaxPendingImpressions;           // >= 1
  bool weight_by_watch_fraction = false;
};

// What the caller attributes: the impression's keys, plus fields the
// attributor only carries back (dense indices, the caller's record number).
struct ImpressionRecord {
  std::string impression_id;  // may be empty: then only plays match it
  std::string member_id;
  std::string title_id;
  int64_t time = 0;  // epoch seconds
  uint32_t title = 0;
  uint32_t variant = 0;
  uint64_t record = 0;
  // The member context the decision used, carried back so that learning
  // sees what deciding saw (shared by one request's impressions); null when
  // the caller recomputes it.
  std::shared_ptr<const std::vector<float>> context;
};

struct Attribution {
  ImpressionRecord impression;
  double reward = 0.0;  // in [0, 1]
};

// The rules as a stream. AddImpression, Observe and Expire append the
// impressions they finish to `out` (in the order they finish). Not
// thread-safe: thread-compatible, the caller locks.
class RewardAttributor {
 public:
  // The string hash the indices key on (Hash64's signature).
  using StringHash = uint64_t (*)(std::string_view bytes, uint64_t seed);

  explicit RewardAttributor(const RewardRules& rules = {});
  // For tests: `hash` replaces Hash64 (util/checksum.h). Keys are always
  // compared whole, so any hash gives the same results, only slower; a
  // constant one makes every id and every (member, title) collide.
  RewardAttributor(const RewardRules& rules, StringHash hash);

  // false (and counted in duplicate_ids) when the id is already pending.
  // May finish the oldest impressions when more than max_pending are held.
  bool AddImpression(ImpressionRecord impression, std::vector<Attribution>& out);
  // A play or a click; other kinds are ignored.
  void Observe(const Event& outcome, std::vector<Attribution>& out);
  // Finishes the impressions whose window ended before `now`
  // (now > time + window), oldest first.
  void Expire(int64_t now, std::vector<Attribution>& out);
  // Finishes every pending impression (the end of a log).
  void ExpireAll(std::vector<Attribution>& out);

  size_t pending() const { return live_; }
  uint64_t unmatched_clicks() const { return unmatched_clicks_; }
  uint64_t duplicate_ids() const { return duplicate_ids_; }
  // Impressions finished early because max_pending was reached.
  uint64_t evicted() const { return evicted_; }
  const RewardRules& rules() const { return rules_; }

 private:
  static constexpr uint64_t kNoSlot = ~uint64_t{0};

  // One impression, numbered by the order it was added (its slot number).
  struct Slot {
    // Moved out into the Attribution when the slot finishes; a finished slot
    // keeps only impression_id (a copy) and time.
    ImpressionRecord impression;
    uint64_t id_key = 0;  // by_id_'s key; 0 when the id is empty
    uint64_t pair_key = 0;
    // The next newer slot with the same key, or kNoSlot.
    uint64_t next_same_id = kNoSlot;
    uint64_t next_same_pair = kNoSlot;
    double reward = 0.0;
    bool done = false;
  };

  // A hash table (open addressing, linear probing, at most half full) from
  // a nonzero 64-bit key to the chain of slots with that key, oldest first,
  // linked through the slots. Different strings may share a key, so a chain
  // may hold several ids or pairs: readers compare the strings. Slots leave
  // oldest first, so a slot leaves its chain from the head.
  class ChainIndex {
   public:
    struct Chain {
      uint64_t key = 0;  // 0: an empty entry
      uint64_t head = kNoSlot;
      uint64_t tail = kNoSlot;
    };
    // The chain of `key`, or null. Valid until the next FindOrAdd or Erase.
    Chain* Find(uint64_t key);
    // The chain of `key`, added empty (head == kNoSlot) when absent.
    Chain& FindOrAdd(uint64_t key);
    // Removes `chain` (from Find or FindOrAdd).
    void Erase(Chain* chain);
    // Starts loading where `key` would be: the tables outgrow the caches,
    // so a lookup is mostly a wait for memory.
    void Prefetch(uint64_t key) const {
      if (!table_.empty()) __builtin_prefetch(&table_[key & (table_.size() - 1)]);
    }

   private:
    void Grow();

    std::vector<Chain> table_;  // size a power of two (or 0)
    size_t size_ = 0;           // entries in use
  };

  Slot& At(uint64_t slot) { return ring_[slot & (ring_.size() - 1)]; }
  uint64_t Key(std::string_view bytes, uint64_t seed) const;
  uint64_t PairKey(std::string_view member_id, std::string_view title_id) const;
  // The pending-or-finished slot whose id is `id` (under `key`), or kNoSlot.
  uint64_t FindId(uint64_t key, std::string_view id);
  // Appends `slot` to `chain` through the slots' `next` links.
  void Append(ChainIndex::Chain& chain, uint64_t slot, uint64_t Slot::*next);
  void GrowRing();
  // Raises the slot's reward; finishes it when the reward reaches 1.
  void Credit(uint64_t slot, double value, std::vector<Attribution>& out);
  void Finish(Slot& slot, std::vector<Attribution>& out);
  // Drops the front slot, finished, from the queue and every index.
  void PopFront();

  RewardRules rules_;
  StringHash hash_;
  // Slots [first_slot_, next_slot_) live in ring_ at slot & (size - 1),
  // oldest first; ring_ doubles when full (moving them, which nothing
  // minds: the indices name slots by number) and, like the tables, never
  // shrinks: max_pending bounds both. Finished slots stay until they
  // reach the front, so removal is O(1) amortised. Nothing is allocated per
  // impression but what the record's strings need, and the copy of the id
  // a finished slot keeps.
  std::vector<Slot> ring_;
  uint64_t first_slot_ = 0;
  uint64_t next_slot_ = 0;
  ChainIndex by_id_;    // Hash(impression_id)
  ChainIndex by_pair_;  // Hash(title_id, seed Hash(member_id))
  size_t live_ = 0;
  uint64_t unmatched_clicks_ = 0;
  uint64_t duplicate_ids_ = 0;
  uint64_t evicted_ = 0;
};

}  // namespace marquee
