#include "marquee/models/registry.h"

#include "marquee/models/ease.h"
#include "marquee/models/ials.h"
#include "marquee/models/item_knn.h"
#include "marquee/models/popularity.h"

namespace marquee {

namespace {
struct Entry {
  const char* name;
  Result<std::unique_ptr<Recommender>> (*create)(const Parameters&);
};

constexpr Entry kModels[] = {
    {"popularity", &PopularityRecommender::Create},
    {"itemknn", &ItemKnnRecommender::Create},
    {"ials", &IalsRecommender::Create},
    {"ease", &EaseRecommender::Create},
};
}  // namespace

Result<std::unique_ptr<Recommender>> CreateRecommender(std::string_view name,
                                                       const Parameters& parameters) {
  for (const Entry& e : kModels) {
    if (name == e.name) return e.create(parameters);
  }
  std::string known;
  for (const std::string& n : RecommenderNames()) known += (known.empty() ? "" : ", ") + n;
  return Status::InvalidArgument("unknown model " + QuoteForError(name) + " (expected one of: " +
                                 known + ")");
}

std::vector<std::string> RecommenderNames() {
  std::vector<std::string> names;
  for (const Entry& e : kModels) names.emplace_back(e.name);
  return names;
}

}  // namespace marquee
