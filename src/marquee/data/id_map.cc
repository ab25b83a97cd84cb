#include "marquee/data/id_map.h"

#include "marquee/util/checksum.h"

namespace marquee {

size_t IdMap::Probe(std::string_view id, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  for (;;) {
    uint32_t slot = slots_[i];
    if (slot == 0 || ExternalId(slot - 1) == id) return i;
    i = (i + 1) & mask;
  }
}

uint32_t IdMap::Find(std::string_view id) const {
  if (slots_.empty()) return kNotFound;
  uint32_t slot = slots_[Probe(id, Hash64(id))];
  return slot == 0 ? kNotFound : slot - 1;
}

uint32_t IdMap::GetOrAdd(std::string_view id) {
  // Keep the load factor under 1/2 so probe runs stay short.
  if ((size() + 1) * 2 > slots_.size()) Grow();
  size_t i = Probe(id, Hash64(id));
  if (slots_[i] != 0) return slots_[i] - 1;
  uint32_t index = size();
  arena_.append(id);
  offsets_.push_back(arena_.size());
  slots_[i] = index + 1;
  return index;
}

void IdMap::Reserve(size_t n, size_t average_length) {
  arena_.reserve(n * average_length);
  offsets_.reserve(n + 1);
  while (slots_.size() < n * 2) Grow();
}

void IdMap::Grow() {
  size_t capacity = slots_.empty() ? 64 : slots_.size() * 2;
  slots_.assign(capacity, 0);
  const size_t mask = capacity - 1;
  for (uint32_t index = 0; index < size(); ++index) {
    size_t i = Hash64(ExternalId(index)) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = index + 1;
  }
}

std::optional<IdMap> IdMap::FromParts(std::string arena, std::vector<uint64_t> offsets) {
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != arena.size()) return {};
  if (offsets.size() - 1 >= UINT32_MAX) return {};
  for (size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] < offsets[i - 1]) return {};
  }
  IdMap map;
  map.arena_ = std::move(arena);
  map.offsets_ = std::move(offsets);
  size_t capacity = 64;
  while (capacity < map.offsets_.size() * 2) capacity *= 2;
  map.slots_.assign(capacity, 0);
  for (uint32_t index = 0; index < map.size(); ++index) {
    size_t i = map.Probe(map.ExternalId(index), Hash64(map.ExternalId(index)));
    if (map.slots_[i] != 0) return {};  // duplicate id
    map.slots_[i] = index + 1;
  }
  return map;
}

}  // namespace marquee
