// Re-weighting a members x titles matrix before item-item similarities, so
// that a member who watched everything does not make every pair of titles
// look alike. Borrowed from text retrieval with titles as the documents and
// members as the terms:
//
//   r(m,t)  = 1 when binary, else the interaction weight
//   n_m     = number of titles member m has;  T = number of titles
//   idf(m)  = log(T / n_m)                       (0 for a member who has all)
//   L_t     = sum over members of r(m,t);  avgL = mean of L_t over titles with plays
//
//   none    x(m,t) = r(m,t)
//   tfidf   x(m,t) = r(m,t) * idf(m)
//   bm25    x(m,t) = idf(m) * r (k1 + 1) / (r + k1 (1 - b + b L_t / avgL))
//
// BM25's k1 saturates large weights (with binary data every r is 1, so it
// only scales titles), b sets how much long "documents" -- popular titles --
// are damped. ItemWeightingOptions's defaults are the usual choices for
// implicit feedback.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "marquee/data/interactions.h"
#include "marquee/util/parameters.h"
#include "marquee/util/status.h"

namespace marquee {

enum class ItemWeighting { kNone, kTfIdf, kBm25 };
inline constexpr std::array<EnumEntry<ItemWeighting>, 3> kItemWeightingNames = {{
    {"none", ItemWeighting::kNone},
    {"tfidf", ItemWeighting::kTfIdf},
    {"bm25", ItemWeighting::kBm25},
}};
// "none" | "tfidf" | "bm25"; InvalidArgument naming the choices otherwise.
Result<ItemWeighting> ParseItemWeighting(std::string_view name);
std::string_view ItemWeightingName(ItemWeighting weighting);

// The defaults here are item-kNN's (ItemKnnRecommender::Options extends this).
struct ItemWeightingOptions {
  ItemWeighting kind = ItemWeighting::kNone;
  bool binary = true;
  double bm25_k1 = 100;
  double bm25_b = 0.8;
  friend bool operator==(const ItemWeightingOptions&, const ItemWeightingOptions&) = default;
};

// X with every weight replaced by x(m,t) above (same structure, no times).
InteractionMatrix ApplyItemWeighting(const InteractionMatrix& x,
                                     const ItemWeightingOptions& options);

}  // namespace marquee
