#include "marquee/bandit/reward_attribution.h"

#include <algorithm>
#include <utility>

#include "marquee/util/checksum.h"

namespace marquee {

// The server adds tens of thousands of impressions a second, and each is
// added, finished and dropped once, so that path avoids per-impression node
// allocations and string copies: slots sit in a ring, and both indices key
// on 64-bit hashes in flat tables, verified against the slot's own strings.

RewardAttributor::RewardAttributor(const RewardRules& rules) : RewardAttributor(rules, &Hash64) {}

RewardAttributor::RewardAttributor(const RewardRules& rules, StringHash hash) : rules_(rules), hash_(hash) {}

RewardAttributor::ChainIndex::Chain* RewardAttributor::ChainIndex::Find(uint64_t key) {
  if (table_.empty()) return nullptr;
  const size_t mask = table_.size() - 1;
  for (size_t i = key & mask;; i = (i + 1) & mask) {
    if (table_[i].key == key) return &table_[i];
    if (table_[i].key == 0) return nullptr;
  }
}

RewardAttributor::ChainIndex::Chain& RewardAttributor::ChainIndex::FindOrAdd(uint64_t key) {
  // At most half full, so that probes (and misses) stay short.
  if (2 * (size_ + 1) > table_.size()) Grow();
  const size_t mask = table_.size() - 1;
  size_t i = key & mask;
  while (table_[i].key != key && table_[i].key != 0) i = (i + 1) & mask;
  if (table_[i].key == 0) {
    table_[i] = {key, kNoSlot, kNoSlot};
    ++size_;
  }
  return table_[i];
}

void RewardAttributor::ChainIndex::Erase(Chain* chain) {
  // Backward-shift deletion (no tombstones, so lookups never slow down):
  // each later entry of the probe run moves into the hole unless its home
  // position lies cyclically after the hole.
  const size_t mask = table_.size() - 1;
  size_t hole = static_cast<size_t>(chain - table_.data());
  for (size_t i = (hole + 1) & mask; table_[i].key != 0; i = (i + 1) & mask) {
    const size_t home = table_[i].key & mask;
    if (((i - home) & mask) >= ((i - hole) & mask)) {
      table_[hole] = table_[i];
      hole = i;
    }
  }
  table_[hole].key = 0;
  --size_;
}

void RewardAttributor::ChainIndex::Grow() {
  std::vector<Chain> old = std::exchange(table_, std::vector<Chain>(std::max<size_t>(64, 2 * table_.size())));
  const size_t mask = table_.size() - 1;
  for (const Chain& chain : old) {
    if (chain.key == 0) continue;
    size_t i = chain.key & mask;
    while (table_[i].key != 0) i = (i + 1) & mask;
    table_[i] = chain;
  }
}

uint64_t RewardAttributor::Key(std::string_view bytes, uint64_t seed) const {
  const uint64_t h = hash_(bytes, seed);
  return h != 0 ? h : 1;  // 0 marks an empty table entry
}

uint64_t RewardAttributor::PairKey(std::string_view member_id, std::string_view title_id) const {
  return Key(title_id, hash_(member_id, 0));
}

uint64_t RewardAttributor::FindId(uint64_t key, std::string_view id) {
  const ChainIndex::Chain* chain = by_id_.Find(key);
  if (chain == nullptr) return kNoSlot;
  for (uint64_t slot = chain->head; slot != kNoSlot; slot = At(slot).next_same_id) {
    if (At(slot).impression.impression_id == id) return slot;
  }
  return kNoSlot;
}

void RewardAttributor::Append(ChainIndex::Chain& chain, uint64_t slot, uint64_t Slot::*next) {
  if (chain.head == kNoSlot) {
    chain.head = slot;
  } else {
    At(chain.tail).*next = slot;
  }
  chain.tail = slot;
}

void RewardAttributor::GrowRing() {
  std::vector<Slot> ring(std::max<size_t>(64, 2 * ring_.size()));
  const uint64_t mask = ring.size() - 1;
  for (uint64_t slot = first_slot_; slot != next_slot_; ++slot) ring[slot & mask] = std::move(At(slot));
  ring_.swap(ring);
}

bool RewardAttributor::AddImpression(ImpressionRecord impression, std::vector<Attribution>& out) {
  // Both table entries load while the other key is hashed.
  const uint64_t id_key = impression.impression_id.empty() ? 0 : Key(impression.impression_id, 0);
  if (id_key != 0) by_id_.Prefetch(id_key);
  const uint64_t pair_key = PairKey(impression.member_id, impression.title_id);
  by_pair_.Prefetch(pair_key);
  if (id_key != 0) {
    if (FindId(id_key, impression.impression_id) != kNoSlot) {
      ++duplicate_ids_;
      return false;
    }
  }
  if (next_slot_ - first_slot_ == ring_.size()) GrowRing();
  const uint64_t slot = next_slot_++;
  Slot& s = At(slot);
  s.impression = std::move(impression);
  s.pair_key = pair_key;
  s.id_key = id_key;
  s.next_same_id = kNoSlot;
  s.next_same_pair = kNoSlot;
  s.reward = 0.0;
  s.done = false;
  if (id_key != 0) Append(by_id_.FindOrAdd(id_key), slot, &Slot::next_same_id);
  Append(by_pair_.FindOrAdd(s.pair_key), slot, &Slot::next_same_pair);
  ++live_;
  // Over the cap: the oldest go first, finished or not.
  while (next_slot_ - first_slot_ > std::max<size_t>(rules_.max_pending, 1)) {
    Slot& front = At(first_slot_);
    if (!front.done) {
      ++evicted_;
      Finish(front, out);
    }
    PopFront();
  }
  return true;
}

void RewardAttributor::Observe(const Event& outcome, std::vector<Attribution>& out) {
  if (outcome.kind != EventKind::kPlay && outcome.kind != EventKind::kClick) return;
  const double value =
      rules_.weight_by_watch_fraction && outcome.watch_fraction ? *outcome.watch_fraction : 1.0;
  if (!outcome.impression_id.empty()) {
    const uint64_t slot = FindId(Key(outcome.impression_id, 0), outcome.impression_id);
    if (slot != kNoSlot && outcome.time - At(slot).impression.time <= rules_.reward_window_seconds) {
      return Credit(slot, value, out);
    }
    if (outcome.kind == EventKind::kClick) {
      ++unmatched_clicks_;
      return;
    }
  }
  const ChainIndex::Chain* chain = by_pair_.Find(PairKey(outcome.member_id, outcome.title_id));
  if (chain == nullptr) return;
  // Credit may finish slots but never removes them, so the chain stays valid.
  for (uint64_t slot = chain->head; slot != kNoSlot; slot = At(slot).next_same_pair) {
    const Slot& s = At(slot);
    // A finished slot can earn nothing more (and no longer holds its member
    // and title); comparing the strings keeps a key shared with another
    // pair from crediting it.
    if (s.done || s.impression.title_id != outcome.title_id || s.impression.member_id != outcome.member_id) {
      continue;
    }
    const int64_t shown = s.impression.time;
    if (outcome.time >= shown && outcome.time - shown <= rules_.reward_window_seconds) {
      Credit(slot, value, out);
    }
  }
}

void RewardAttributor::Expire(int64_t now, std::vector<Attribution>& out) {
  while (first_slot_ != next_slot_) {
    Slot& front = At(first_slot_);
    if (!front.done) {
      if (now - front.impression.time <= rules_.reward_window_seconds) return;
      Finish(front, out);
    }
    PopFront();
  }
}

void RewardAttributor::ExpireAll(std::vector<Attribution>& out) {
  while (first_slot_ != next_slot_) {
    Slot& front = At(first_slot_);
    if (!front.done) Finish(front, out);
    PopFront();
  }
}

void RewardAttributor::Credit(uint64_t slot, double value, std::vector<Attribution>& out) {
  Slot& s = At(slot);
  if (s.done) return;
  s.reward = std::max(s.reward, value);
  if (s.reward >= 1.0) Finish(s, out);
}

void RewardAttributor::Finish(Slot& slot, std::vector<Attribution>& out) {
  slot.done = true;
  --live_;
  // The record moves out whole, then the slot takes back a copy of the id:
  // until the slot is popped its id still answers lookups (a second
  // impression with it is a duplicate; a click on it is matched, not
  // unmatched). Its time survives the move (an integer is copied).
  Attribution& finished = out.emplace_back();
  finished.impression = std::move(slot.impression);
  finished.reward = slot.reward;
  slot.impression.impression_id = finished.impression.impression_id;
}

void RewardAttributor::PopFront() {
  // Slots are popped in runs (an Expire, an overflow), so fetching the index
  // entries of a slot a few places back hides most of the next pops' misses.
  constexpr uint64_t kLookahead = 8;
  if (next_slot_ - first_slot_ > kLookahead) {
    const Slot& ahead = At(first_slot_ + kLookahead);
    if (ahead.id_key != 0) by_id_.Prefetch(ahead.id_key);
    by_pair_.Prefetch(ahead.pair_key);
  }
  Slot& s = At(first_slot_);
  // Slots leave oldest first, so this one heads its chains.
  if (s.id_key != 0) {
    ChainIndex::Chain* chain = by_id_.Find(s.id_key);
    if (s.next_same_id == kNoSlot) {
      by_id_.Erase(chain);
    } else {
      chain->head = s.next_same_id;
    }
  }
  ChainIndex::Chain* chain = by_pair_.Find(s.pair_key);
  if (s.next_same_pair == kNoSlot) {
    by_pair_.Erase(chain);
  } else {
    chain->head = s.next_same_pair;
  }
  // Only the id's copy is left to free (the rest moved out at Finish).
  std::string().swap(s.impression.impression_id);
  ++first_slot_;
}

}  // namespace marquee
