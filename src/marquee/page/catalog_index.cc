#include "marquee/page/catalog_index.h"

#include <algorithm>
#include <string_view>
#include <tuple>

#include "marquee/page/page_types.h"

namespace marquee::page {

namespace {

// Genre lists may repeat a genre; a title belongs to each genre once.
std::vector<std::vector<uint32_t>> TitlesByGenre(const Catalog& catalog) {
  size_t genres = catalog.genres().size();
  for (const Title& title : catalog.titles()) {
    for (uint16_t g : title.genres) genres = std::max<size_t>(genres, size_t{g} + 1);
  }
  std::vector<std::vector<uint32_t>> out(genres);
  for (uint32_t t = 0; t < catalog.size(); ++t) {
    for (uint16_t g : catalog.titles()[t].genres) {
      std::vector<uint32_t>& list = out[g];
      if (list.empty() || list.back() != t) list.push_back(t);  // titles arrive ascending
    }
  }
  return out;
}

std::vector<uint32_t> NewestFirst(const Catalog& catalog) {
  std::vector<uint32_t> out;
  for (uint32_t t = 0; t < catalog.size(); ++t) {
    if (catalog.titles()[t].release_date) out.push_back(t);
  }
  std::stable_sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) {
    return *catalog.titles()[a].release_date > *catalog.titles()[b].release_date;
  });
  return out;
}


}  // namespace

namespace {

std::vector<std::string> Regions(const Catalog& catalog) {
  std::vector<std::string> regions;
  for (const Title& title : catalog.titles()) regions.insert(regions.end(), title.regions.begin(), title.regions.end());
  std::sort(regions.begin(), regions.end());
  regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
  return regions;
}

}  // namespace

CatalogIndex::CatalogIndex(const Catalog& catalog)
    : catalog_(catalog),
      genre_titles_(TitlesByGenre(catalog)),
      by_release_(NewestFirst(catalog)),
      next_episode_(NextEpisodes(catalog)),
      regions_(Regions(catalog)) {}

bool CatalogIndex::KnowsRegion(std::string_view region) const {
  return regions_.empty() || std::binary_search(regions_.begin(), regions_.end(), region);
}

std::span<const uint32_t> CatalogIndex::TitlesOfGenre(uint16_t genre) const {
  if (genre >= genre_titles_.size()) return {};
  return genre_titles_[genre];
}

uint32_t CatalogIndex::NextEpisode(uint32_t title) const {
  return title < next_episode_.size() ? next_episode_[title] : kNoTitle;
}

}  // namespace marquee::page
