#include "marquee/data/dataset.h"

namespace marquee {

std::string_view WeightKindName(WeightKind kind) {
  switch (kind) {
    case WeightKind::kRating: return "rating";
    case WeightKind::kBinary: return "binary";
    case WeightKind::kPlays: return "plays";
  }
  return "unknown";
}

Status Dataset::Validate() const {
  if (interactions.rows() != members.size()) {
    return Status::Corruption("dataset: " + std::to_string(members.size()) + " members but " +
                              std::to_string(interactions.rows()) + " interaction rows");
  }
  if (interactions.cols() != titles.size()) {
    return Status::Corruption("dataset: " + std::to_string(titles.size()) + " titles but " +
                              std::to_string(interactions.cols()) + " interaction columns");
  }
  if (catalog.size() != titles.size()) {
    return Status::Corruption("dataset: catalog has " + std::to_string(catalog.size()) +
                              " titles, id map has " + std::to_string(titles.size()));
  }
  for (const Title& t : catalog.titles()) {
    for (uint16_t g : t.genres) {
      if (g >= catalog.genres().size()) return Status::Corruption("dataset: genre index out of range");
    }
    for (const Artwork& a : t.artwork) {
      for (uint32_t p : a.performers) {
        if (p >= catalog.performers().size()) {
          return Status::Corruption("dataset: performer index out of range");
        }
      }
    }
  }
  return interactions.Validate();
}

}  // namespace marquee
