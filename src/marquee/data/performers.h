// Performers and their credits: who a title casts, in which billing, and the
// facts about each person that consent rules depend on (age, death, union,
// who may sign for them).
//
// Dates are civil dates as days since 1970-01-01 (util/civil_time.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace marquee {

// Billing of a performer in a title's credits, and prominence of a person
// in an image: the same three levels.
enum class CastRole : uint8_t { kLead = 0, kSupporting = 1, kBackground = 2 };
inline constexpr uint8_t kCastRoleCount = 3;

// "lead", "supporting", "background".
std::string_view CastRoleName(CastRole role);
// The inverse of CastRoleName; nullopt for anything else.
std::optional<CastRole> ParseCastRole(std::string_view name);

struct Performer {
  std::string id;    // stable external id
  std::string name;  // display name
  std::optional<int32_t> birth_date;  // days since 1970-01-01; nullopt = unknown (older files)
  std::optional<int32_t> death_date;  // nullopt = living (or not known to have died)
  std::vector<std::string> unions;    // e.g. "SAG-AFTRA", "Equity"
  std::string representative;         // authorised representative (agent, estate, guardian); may be empty
  friend bool operator==(const Performer&, const Performer&) = default;

  // Age in whole years on `day` (days since 1970-01-01); nullopt without a birth date.
  std::optional<int32_t> AgeOn(int64_t day) const;
  // Whether the performer had died by `day`.
  bool DeceasedOn(int64_t day) const { return death_date && *death_date <= day; }
};

// One line of a title's credits.
struct Credit {
  uint32_t performer = 0;  // index into Catalog::performers()
  CastRole role = CastRole::kLead;
  friend bool operator==(const Credit&, const Credit&) = default;
};

}  // namespace marquee
