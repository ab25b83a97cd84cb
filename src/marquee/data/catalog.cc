#include "marquee/data/catalog.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <tuple>

namespace marquee {

uint16_t Catalog::GenreIndex(std::string_view name) {
  int found = FindGenre(name);
  if (found >= 0) return static_cast<uint16_t>(found);
  genres_.emplace_back(name);
  return static_cast<uint16_t>(genres_.size() - 1);
}

int Catalog::FindGenre(std::string_view name) const {
  for (size_t i = 0; i < genres_.size(); ++i) {
    if (genres_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

uint32_t Catalog::AddPerformer(Performer performer) {
  uint32_t index = performer_ids_.GetOrAdd(performer.id);
  if (index == performers_.size()) performers_.push_back(std::move(performer));
  return index;
}

size_t Catalog::ArtworkCount() const {
  size_t n = 0;
  for (const Title& t : titles_) n += t.artwork.size();
  return n;
}

size_t Catalog::QuarantinedCount() const {
  size_t n = 0;
  for (const Title& t : titles_) {
    for (const Artwork& a : t.artwork) n += a.quarantined();
  }
  return n;
}

std::vector<uint32_t> NextEpisodes(const Catalog& catalog) {
  struct Episode {
    std::string_view series;
    uint32_t season, episode, title;
  };
  std::vector<Episode> episodes;
  for (uint32_t t = 0; t < catalog.size(); ++t) {
    const auto& of = catalog.titles()[t].episode_of;
    if (of) episodes.push_back({of->series_id, of->season, of->episode, t});
  }
  std::sort(episodes.begin(), episodes.end(), [](const Episode& a, const Episode& b) {
    return std::tie(a.series, a.season, a.episode, a.title) <
           std::tie(b.series, b.season, b.episode, b.title);
  });
  std::vector<uint32_t> next(catalog.size(), UINT32_MAX);
  for (size_t i = 0; i + 1 < episodes.size(); ++i) {
    if (episodes[i].series == episodes[i + 1].series) next[episodes[i].title] = episodes[i + 1].title;
  }
  return next;
}

}  // namespace marquee
