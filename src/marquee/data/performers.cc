#include "marquee/data/performers.h"

#include <array>

#include "marquee/util/civil_time.h"

namespace marquee {

namespace {
constexpr std::array<std::string_view, kCastRoleCount> kCastRoleNames = {"lead", "supporting",
                                                                         "background"};
}  // namespace

std::string_view CastRoleName(CastRole role) { return kCastRoleNames[static_cast<uint8_t>(role)]; }

std::optional<CastRole> ParseCastRole(std::string_view name) {
  for (uint8_t i = 0; i < kCastRoleCount; ++i) {
    if (kCastRoleNames[i] == name) return static_cast<CastRole>(i);
  }
  return std::nullopt;
}

std::optional<int32_t> Performer::AgeOn(int64_t day) const {
  if (!birth_date) return std::nullopt;
  const CivilDate born = CivilFromDays(*birth_date);
  const CivilDate now = CivilFromDays(day);
  int64_t age = now.year - born.year;
  if (now.month < born.month || (now.month == born.month && now.day < born.day)) --age;
  return static_cast<int32_t>(age);
}

}  // namespace marquee
