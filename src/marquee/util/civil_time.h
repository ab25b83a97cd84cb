// Civil (proleptic Gregorian) dates as days since 1970-01-01, for the
// importers' date parsing and the synthetic service's release dates.
#pragma once

#include <cstdint>

namespace marquee {

// Days from 1970-01-01 to year-month-day (month 1..12, day 1..31; negative
// before 1970). Exact for every valid date (Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

}  // namespace marquee
