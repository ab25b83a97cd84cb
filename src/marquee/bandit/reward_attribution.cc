#include "marquee/bandit/reward_attribution.h"

#include <algorithm>
#include <utility>

namespace marquee {
namespace {

std::string PairKey(std::string_view member_id, std::string_view title_id) {
  std::string key(member_id);
  key += '\x1f';
  key += title_id;
  return key;
}

}  // namespace

RewardAttributor::RewardAttributor(const RewardRules& rules) : rules_(rules) {}

bool RewardAttributor::AddImpression(ImpressionRecord impression, std::vector<Attribution>& out) {
  const uint64_t slot = next_slot_;
  if (!impression.impression_id.empty() && !by_id_.emplace(impression.impression_id, slot).second) {
    ++duplicate_ids_;
    return false;
  }
  ++next_slot_;
  by_pair_[PairKey(impression.member_id, impression.title_id)].push_back(slot);
  slots_.emplace(slot, Slot{std::move(impression), 0.0, false});
  order_.push_back(slot);
  ++live_;
  // Over the cap: the oldest go first, finished or not.
  while (slots_.size() > std::max<size_t>(rules_.max_pending, 1)) {
    Slot& front = slots_.at(order_.front());
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
    auto id = by_id_.find(outcome.impression_id);
    if (id != by_id_.end()) {
      const Slot& slot = slots_.at(id->second);
      if (outcome.time - slot.impression.time <= rules_.reward_window_seconds) {
        return Credit(id->second, value, out);
      }
    }
    if (outcome.kind == EventKind::kClick) {
      ++unmatched_clicks_;
      return;
    }
  }
  auto pair = by_pair_.find(PairKey(outcome.member_id, outcome.title_id));
  if (pair == by_pair_.end()) return;
  // Credit may finish slots but never removes them, so the list stays valid.
  for (uint64_t slot : pair->second) {
    const int64_t shown = slots_.at(slot).impression.time;
    if (outcome.time >= shown && outcome.time - shown <= rules_.reward_window_seconds) {
      Credit(slot, value, out);
    }
  }
}

void RewardAttributor::Expire(int64_t now, std::vector<Attribution>& out) {
  while (!order_.empty()) {
    Slot& front = slots_.at(order_.front());
    if (!front.done) {
      if (now - front.impression.time <= rules_.reward_window_seconds) return;
      Finish(front, out);
    }
    PopFront();
  }
}

void RewardAttributor::ExpireAll(std::vector<Attribution>& out) {
  while (!order_.empty()) {
    Slot& front = slots_.at(order_.front());
    if (!front.done) Finish(front, out);
    PopFront();
  }
}

void RewardAttributor::Credit(uint64_t slot, double value, std::vector<Attribution>& out) {
  Slot& s = slots_.at(slot);
  if (s.done) return;
  s.reward = std::max(s.reward, value);
  if (s.reward >= 1.0) Finish(s, out);
}

void RewardAttributor::Finish(Slot& slot, std::vector<Attribution>& out) {
  slot.done = true;
  --live_;
  out.push_back({slot.impression, slot.reward});
}

void RewardAttributor::PopFront() {
  const uint64_t slot = order_.front();
  order_.pop_front();
  auto it = slots_.find(slot);
  const ImpressionRecord& impression = it->second.impression;
  if (!impression.impression_id.empty()) by_id_.erase(impression.impression_id);
  auto pair = by_pair_.find(PairKey(impression.member_id, impression.title_id));
  if (pair != by_pair_.end()) {
    std::erase(pair->second, slot);
    if (pair->second.empty()) by_pair_.erase(pair);
  }
  slots_.erase(it);
}

}  // namespace marquee
