// Dataset: everything the models and evaluators consume -- who the members
// are, what the titles are, and who watched or rated what.
#pragma once

#include <span>
#include <string>

#include "marquee/data/catalog.h"
#include "marquee/data/id_map.h"
#include "marquee/data/interactions.h"
#include "marquee/util/status.h"

namespace marquee {

// What an interaction weight means, so that later stages interpret it right.
enum class WeightKind : uint8_t {
  kRating = 0,     // explicit rating as given (e.g. 0.5..5 stars)
  kBinary = 1,     // 1 = positive (ratings at or above a threshold, or any play)
  kPlays = 2,      // implicit strength: sum of watch fractions / play counts
};
std::string_view WeightKindName(WeightKind kind);

struct Dataset {
  IdMap members;
  IdMap titles;
  InteractionMatrix interactions;  // members.size() x titles.size()
  Catalog catalog;                 // catalog.size() == titles.size()
  WeightKind weight_kind = WeightKind::kRating;
  std::string source;              // where it came from, e.g. "movielens-100k: /data/ml-100k"

  // Sizes agree and the matrix is well formed.
  Status Validate() const;
};

// A title to add: its external id and its facts (genres and credits as
// indices into the dataset's catalog).
struct NewTitleRecord {
  std::string title_id;
  Title title;
};

// `dataset` with `titles` appended: their ids after the existing ones (so
// every existing index keeps its meaning), their facts in the catalog, and
// the interaction matrix widened by empty columns. InvalidArgument naming
// the id when one is already in the dataset or given twice, or when a genre
// or credit index is outside the catalog.
Result<Dataset> WithNewTitles(const Dataset& dataset, std::span<const NewTitleRecord> titles);

}  // namespace marquee
