// IdMap: external string ids (as the customer's systems spell them) <-> dense
// 32-bit indices 0..size()-1 (what every matrix and model works on).
//
// Strings live in one arena; an open-addressing table of indices finds them.
// No per-id allocation, so mapping tens of millions of rows stays fast.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace marquee {

class IdMap {
 public:
  static constexpr uint32_t kNotFound = UINT32_MAX;

  IdMap() = default;

  // The index of `id`, adding it (as index size()) when new.
  uint32_t GetOrAdd(std::string_view id);
  // The index of `id`, or kNotFound.
  uint32_t Find(std::string_view id) const;
  bool Contains(std::string_view id) const { return Find(id) != kNotFound; }

  std::string_view ExternalId(uint32_t index) const {
    return std::string_view(arena_).substr(offsets_[index], offsets_[index + 1] - offsets_[index]);
  }
  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  bool empty() const { return size() == 0; }

  void Reserve(size_t n, size_t average_length = 8);

  // Serialized form: the arena and offsets (the table is rebuilt on load).
  const std::string& arena() const { return arena_; }
  const std::vector<uint64_t>& offsets() const { return offsets_; }
  // Rebuilds from serialized parts; false if they are inconsistent or hold
  // a duplicate id.
  static std::optional<IdMap> FromParts(std::string arena, std::vector<uint64_t> offsets);

  friend bool operator==(const IdMap& a, const IdMap& b) {
    return a.arena_ == b.arena_ && a.offsets_ == b.offsets_;
  }

 private:
  size_t Probe(std::string_view id, uint64_t hash) const;
  void Grow();

  std::string arena_;
  std::vector<uint64_t> offsets_{0};
  std::vector<uint32_t> slots_;  // index + 1; 0 = empty. Size is a power of two.
};

}  // namespace marquee
