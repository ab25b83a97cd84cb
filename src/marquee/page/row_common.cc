#include "marquee/page/row_common.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "marquee/util/civil_time.h"

namespace marquee::page {

bool Propose(const RowSpec& spec, CandidateRow&& row, std::vector<CandidateRow>& out) {
  if (row.titles.empty() || row.titles.size() < spec.min_titles) return false;
  out.push_back(std::move(row));
  return true;
}

}  // namespace marquee::page

namespace marquee::page::text {

std::string Ago(int64_t time, int64_t now) {
  if (time == 0 || time > now) return "";
  const int64_t days = (now - time) / kSecondsPerDay;
  if (days == 0) return "today";
  if (days == 1) return "yesterday";
  if (days < 14) return fmt::format("{} days ago", days);
  if (days < 61) return fmt::format("{} weeks ago", days / 7);
  if (days < 730) return fmt::format("{} months ago", days / 30);
  return fmt::format("{} years ago", days / 365);
}

std::string Ordinal(uint32_t n) {
  const uint32_t tens = n % 100, ones = n % 10;
  const char* suffix = "th";
  if (tens < 11 || tens > 13) {
    if (ones == 1) suffix = "st";
    if (ones == 2) suffix = "nd";
    if (ones == 3) suffix = "rd";
  }
  return fmt::format("{}{}", n, suffix);
}

namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Genres whose plural would read wrong ("Actions", "Histories"): shown as named.
constexpr std::string_view kMassNouns[] = {"Action",          "Adult",  "Animation", "Anime",     "Biography",
                                           "Crime",           "Family", "Fantasy",   "Film-Noir", "History",
                                           "Horror",          "IMAX",   "Music",     "Reality",   "Sci-Fi",
                                           "Science Fiction", "Sport",  "Talk-Show", "War"};

bool IsVowel(char c) {
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

}  // namespace

std::string GenreHeading(std::string_view genre) {
  std::string out(genre);
  if (genre.empty()) return out;
  for (std::string_view mass : kMassNouns) {
    if (EqualsIgnoringCase(genre, mass)) return out;
  }
  const char last = static_cast<char>(std::tolower(static_cast<unsigned char>(genre.back())));
  if (last == 's' || !std::isalpha(static_cast<unsigned char>(last))) return out;
  if (last == 'y' && genre.size() >= 2 && !IsVowel(genre[genre.size() - 2])) {
    out.pop_back();
    return out + "ies";  // Comedy -> Comedies, Documentary -> Documentaries
  }
  return out + "s";
}

int Percent(double share) {
  return static_cast<int>(std::lround(std::clamp(share, 0.0, 1.0) * 100.0));
}

}  // namespace marquee::page::text
