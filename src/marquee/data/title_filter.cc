#include "marquee/data/title_filter.h"

#include <algorithm>
#include <cctype>

namespace marquee {

namespace {
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

Result<std::vector<uint16_t>> GenreIndices(const Catalog& catalog,
                                           const std::vector<std::string>& names) {
  std::vector<uint16_t> out;
  for (const std::string& name : names) {
    const auto& genres = catalog.genres();
    auto it = std::find_if(genres.begin(), genres.end(),
                           [&](const std::string& g) { return EqualsIgnoreCase(g, name); });
    if (it == genres.end()) {
      std::string known;
      for (const std::string& g : genres) known += (known.empty() ? "" : ", ") + g;
      return Status::InvalidArgument("genre " + QuoteForError(name) +
                                     " is not in the catalog (expected one of: " + known + ")");
    }
    out.push_back(static_cast<uint16_t>(it - genres.begin()));
  }
  return out;
}

bool HasAnyGenre(const Title& title, const std::vector<uint16_t>& wanted) {
  return std::any_of(title.genres.begin(), title.genres.end(), [&](uint16_t g) {
    return std::find(wanted.begin(), wanted.end(), g) != wanted.end();
  });
}

bool AvailableIn(const Title& title, const std::string& region) {
  if (title.regions.empty()) return true;
  return std::any_of(title.regions.begin(), title.regions.end(),
                     [&](const std::string& r) { return EqualsIgnoreCase(r, region); });
}
}  // namespace

std::optional<int> MaturityLevel(std::string_view rating) {
  static const std::pair<const char*, int> kLevels[] = {
      {"G", 0},  {"TV-Y", 0},  {"TV-G", 0},  {"TV-Y7", 1}, {"PG", 1},     {"TV-PG", 1},
      {"PG-13", 2}, {"TV-14", 2}, {"R", 3}, {"NC-17", 4}, {"TV-MA", 4}};
  for (const auto& [name, level] : kLevels) {
    if (EqualsIgnoreCase(rating, name)) return level;
  }
  return std::nullopt;
}

Result<std::vector<uint8_t>> CandidateMask(const Catalog& catalog, const TitleFilter& filter) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<uint16_t> genres, GenreIndices(catalog, filter.genres));
  std::optional<int> limit;
  if (!filter.max_maturity.empty()) {
    limit = MaturityLevel(filter.max_maturity);
    if (!limit) {
      return Status::InvalidArgument("maturity " + QuoteForError(filter.max_maturity) +
                                     ": expected a rating such as G, PG, PG-13, R, NC-17, TV-Y, "
                                     "TV-G, TV-PG, TV-14, TV-MA");
    }
  }
  std::vector<uint8_t> mask(catalog.size(), 1);
  for (size_t t = 0; t < catalog.size(); ++t) {
    const Title& title = catalog.titles()[t];
    bool ok = genres.empty() || HasAnyGenre(title, genres);
    ok = ok && (filter.region.empty() || AvailableIn(title, filter.region));
    if (ok && limit) {
      std::optional<int> level = MaturityLevel(title.maturity);
      ok = level && *level <= *limit;
    }
    mask[t] = ok ? 1 : 0;
  }
  return mask;
}

}  // namespace marquee
