// Civil (proleptic Gregorian) dates as days since 1970-01-01, for the
// importers' date parsing and the synthetic service's release dates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace marquee {

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
