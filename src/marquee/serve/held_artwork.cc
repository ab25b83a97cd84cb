#include "marquee/serve/held_artwork.h"

#include <functional>

namespace marquee::serve {

HeldArtwork::Shard& HeldArtwork::ShardOf(std::string_view member_id) const {
  return shards_[std::hash<std::string_view>{}(member_id) % kShards];
}

uint64_t HeldArtwork::Visit(std::string_view member_id, int64_t now) {
  Shard& shard = ShardOf(member_id);
  MutexLock lock(&shard.mu);
  auto [it, inserted] = shard.members.try_emplace(std::string(member_id));
  Member& m = it->second;
  if (inserted) {
    shard.order.push_back(it->first);
    const size_t cap = std::max<size_t>(1, options_.max_members / kShards);
    while (shard.members.size() > cap && !shard.order.empty()) {
      if (shard.order.front() != it->first) shard.members.erase(shard.order.front());
      shard.order.pop_front();
    }
  } else if (now - m.last_seen >= options_.session_gap_seconds) {
    ++m.session;
  }
  m.last_seen = now;
  return m.session;
}

std::optional<uint32_t> HeldArtwork::Held(std::string_view member_id, uint32_t title, uint64_t session) const {
  Shard& shard = ShardOf(member_id);
  MutexLock lock(&shard.mu);
  auto m = shard.members.find(std::string(member_id));
  if (m == shard.members.end()) return std::nullopt;
  auto c = m->second.titles.find(title);
  if (c == m->second.titles.end() || session >= c->second.session + options_.sessions_per_change) {
    return std::nullopt;
  }
  return c->second.variant;
}

void HeldArtwork::Record(std::string_view member_id, uint32_t title, uint32_t variant, uint64_t session) {
  Shard& shard = ShardOf(member_id);
  MutexLock lock(&shard.mu);
  auto m = shard.members.find(std::string(member_id));
  if (m == shard.members.end()) return;  // forgotten meanwhile
  auto [c, inserted] = m->second.titles.try_emplace(title, Choice{variant, session});
  if (!inserted && c->second.variant != variant) c->second = {variant, session};
}

}  // namespace marquee::serve
