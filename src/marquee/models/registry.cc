#include "marquee/models/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "marquee/models/ease.h"
#include "marquee/models/ials.h"
#include "marquee/models/item_knn.h"
#include "marquee/models/popularity.h"

namespace marquee {

namespace {
struct Entry {
  const char* name;
  Result<std::unique_ptr<Recommender>> (*create)(const Parameters&);
  std::vector<ParameterInfo> (*describe)();
};

template <class Model>
std::vector<ParameterInfo> Describe() {
  return Model::Table().Describe();
}

constexpr Entry kModels[] = {
    {"popularity", &PopularityRecommender::Create, &Describe<PopularityRecommender>},
    {"itemknn", &ItemKnnRecommender::Create, &Describe<ItemKnnRecommender>},
    {"ials", &IalsRecommender::Create, &Describe<IalsRecommender>},
    {"ease", &EaseRecommender::Create, &Describe<EaseRecommender>},
};

Result<const Entry*> Find(std::string_view name) {
  for (const Entry& e : kModels) {
    if (name == e.name) return &e;
  }
  return Status::InvalidArgument(fmt::format("unknown model {} (expected one of: {})",
                                             QuoteForError(name),
                                             fmt::join(RecommenderNames(), ", ")));
}
}  // namespace

Result<std::unique_ptr<Recommender>> CreateRecommender(std::string_view name,
                                                       const Parameters& parameters) {
  MARQUEE_ASSIGN_OR_RETURN(const Entry* entry, Find(name));
  return entry->create(parameters);
}

Result<std::vector<ParameterInfo>> RecommenderParameters(std::string_view name) {
  MARQUEE_ASSIGN_OR_RETURN(const Entry* entry, Find(name));
  return entry->describe();
}

std::vector<std::string> RecommenderNames() {
  std::vector<std::string> names;
  for (const Entry& e : kModels) names.emplace_back(e.name);
  return names;
}

}  // namespace marquee
