// Civil (proleptic Gregorian) dates as days since 1970-01-01, for the
// importers' date parsing, the synthetic service's release dates and the
// consent rules' ages, durations and bonus-rule dates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace marquee {

inline constexpr int64_t kSecondsPerDay = 86400;

// Gregorian: every 4th year, not every 100th, every 400th.
inline bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// The civil day (days since 1970-01-01) holding unix time `seconds`, UTC;
// floor division, so times before 1970 fall in the day they belong to.
inline int64_t UnixDay(int64_t seconds) {
  return seconds / kSecondsPerDay - (seconds % kSecondsPerDay < 0 ? 1 : 0);
}

// Days from 1970-01-01 to year-month-day (month 1..12, day 1..31; negative
// before 1970). Exact for every valid date (Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

struct CivilDate {
  int64_t year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
};
// The inverse of DaysFromCivil (Hinnant's civil_from_days).
CivilDate CivilFromDays(int64_t days);

// "YYYY-MM-DD" (exactly four, two and two digits, years 0000..9999, a day
// that exists in that month) as days since 1970-01-01; nullopt otherwise.
std::optional<int64_t> ParseCivilDate(std::string_view text);
// Days since 1970-01-01 as "YYYY-MM-DD" (years 0000..9999).
std::string FormatCivilDate(int64_t days);

}  // namespace marquee
