#include "marquee/data/catalog.h"

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

}  // namespace marquee
