#include "marquee/data/territory.h"

namespace marquee {

bool IsTerritoryCode(std::string_view text) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (text.size() < 2 || !upper(text[0]) || !upper(text[1])) return false;
  if (text.size() == 2) return true;
  if (text[2] != '-' || text.size() < 4 || text.size() > 6) return false;
  for (char c : text.substr(3)) {
    if (!upper(c) && !digit(c)) return false;
  }
  return true;
}

}  // namespace marquee
