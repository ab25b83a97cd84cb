#include "marquee/data/dataset.h"

#include <fmt/format.h>

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
    return Status::Corruption(fmt::format("dataset: {} members but {} interaction rows",
                                          members.size(), interactions.rows()));
  }
  if (interactions.cols() != titles.size()) {
    return Status::Corruption(fmt::format("dataset: {} titles but {} interaction columns",
                                          titles.size(), interactions.cols()));
  }
  if (catalog.size() != titles.size()) {
    return Status::Corruption(fmt::format("dataset: catalog has {} titles, id map has {}",
                                          catalog.size(), titles.size()));
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
