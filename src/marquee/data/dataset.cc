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
  const size_t performer_count = catalog.performers().size();
  const auto bad_performer = [&] { return Status::Corruption("dataset: performer index out of range"); };
  for (const Title& t : catalog.titles()) {
    for (uint16_t g : t.genres) {
      if (g >= catalog.genres().size()) return Status::Corruption("dataset: genre index out of range");
    }
    for (const Credit& c : t.credits) {
      if (c.performer >= performer_count) return bad_performer();
    }
    for (const Artwork& a : t.artwork) {
      for (uint32_t p : a.performers) {
        if (p >= performer_count) return bad_performer();
      }
      for (const DepictedPerformer& d : a.depicted) {
        if (d.performer >= performer_count) return bad_performer();
      }
      if (a.source_title != kOwnTitle && a.source_title >= catalog.size()) {
        return Status::Corruption("dataset: artwork source title index out of range");
      }
    }
  }
  return interactions.Validate();
}

Result<Dataset> WithNewTitles(const Dataset& dataset, std::span<const NewTitleRecord> titles) {
  Dataset out;
  out.members = dataset.members;
  out.titles = dataset.titles;
  out.catalog = dataset.catalog;
  out.weight_kind = dataset.weight_kind;
  out.source = dataset.source;
  for (const NewTitleRecord& r : titles) {
    if (out.titles.Find(r.title_id) != IdMap::kNotFound) {
      return Status::InvalidArgument(fmt::format("title {}: {}", QuoteForError(r.title_id),
                                                 dataset.titles.Find(r.title_id) != IdMap::kNotFound
                                                     ? "already in the dataset; expected a new title id"
                                                     : "given twice"));
    }
    for (uint16_t g : r.title.genres) {
      if (g >= out.catalog.genres().size()) {
        return Status::InvalidArgument(fmt::format("title {}: genre index {} is outside the catalog",
                                                   QuoteForError(r.title_id), g));
      }
    }
    for (const Credit& c : r.title.credits) {
      if (c.performer >= out.catalog.performers().size()) {
        return Status::InvalidArgument(fmt::format("title {}: performer index {} is outside the catalog",
                                                   QuoteForError(r.title_id), c.performer));
      }
    }
    out.titles.GetOrAdd(r.title_id);
    out.catalog.titles().push_back(r.title);
  }
  const InteractionMatrix& m = dataset.interactions;
  out.interactions = InteractionMatrix(m.rows(), out.titles.size(), m.indptr(), m.indices(), m.weights(), m.times());
  MARQUEE_RETURN_IF_ERROR(out.Validate());
  return out;
}

}  // namespace marquee
