// CatalogIndex: what the row generators look up in the catalog on every
// request, computed once per serving dataset -- the titles of each genre,
// titles by release date, and each series' episodes in order -- so that a
// page costs no pass over catalog strings.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "marquee/data/catalog.h"

namespace marquee::page {

class CatalogIndex {
 public:
  explicit CatalogIndex(const Catalog& catalog);

  // Titles having genre g (any position in their genre list), ascending.
  std::span<const uint32_t> TitlesOfGenre(uint16_t genre) const;
  // Titles with a release date, newest first (ties: lower index first).
  std::span<const uint32_t> ByReleaseDate() const { return by_release_; }
  // The episode after `title` in its series (next episode of the season,
  // else the first of the next season present in the catalog); kNoTitle when
  // `title` is not an episode or is the last.
  uint32_t NextEpisode(uint32_t title) const;
  const Catalog& catalog() const { return catalog_; }
  // Every region some title is restricted to, ascending (empty: the catalog
  // records no regions).
  const std::vector<std::string>& regions() const { return regions_; }
  // Whether `region` (exact, case-sensitive) is one of regions(); any region
  // when the catalog records none.
  bool KnowsRegion(std::string_view region) const;

 private:
  const Catalog& catalog_;
  std::vector<std::vector<uint32_t>> genre_titles_;
  std::vector<uint32_t> by_release_;
  std::vector<uint32_t> next_episode_;  // per title; kNoTitle when none
  std::vector<std::string> regions_;
};

}  // namespace marquee::page
