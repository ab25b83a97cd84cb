#include "marquee/models/item_weighting.h"

#include <cmath>
#include <vector>

namespace marquee {

namespace {

float RawWeight(const InteractionMatrix& x, uint64_t i, bool binary) {
  return binary ? 1.0f : x.weights()[i];
}

// idf(m) = log(T / n_m) for every member (row).
std::vector<double> MemberIdf(const InteractionMatrix& x) {
  std::vector<double> idf(x.rows(), 0.0);
  for (uint32_t m = 0; m < x.rows(); ++m) {
    const uint32_t n = x.RowLength(m);
    if (n > 0) idf[m] = std::log(static_cast<double>(x.cols()) / n);
  }
  return idf;
}

// BM25's length factor per title: k1 (1 - b + b L_t / avgL).
std::vector<double> TitleLengthFactor(const InteractionMatrix& x,
                                      const ItemWeightingOptions& options) {
  std::vector<double> length(x.cols(), 0.0);
  for (uint64_t i = 0; i < x.nnz(); ++i) length[x.indices()[i]] += RawWeight(x, i, options.binary);
  double total = 0;
  uint32_t titles_with_plays = 0;
  for (double l : length) {
    total += l;
    titles_with_plays += l > 0;
  }
  const double average = titles_with_plays ? total / titles_with_plays : 1.0;
  std::vector<double> factor(x.cols());
  for (uint32_t t = 0; t < x.cols(); ++t) {
    factor[t] = options.bm25_k1 * (1 - options.bm25_b + options.bm25_b * length[t] / average);
  }
  return factor;
}

}  // namespace

Result<ItemWeighting> ParseItemWeighting(std::string_view name) {
  return ParseEnum<ItemWeighting>("item weighting", name, kItemWeightingNames);
}

std::string_view ItemWeightingName(ItemWeighting weighting) {
  return EnumName<ItemWeighting>(weighting, kItemWeightingNames);
}

InteractionMatrix ApplyItemWeighting(const InteractionMatrix& x,
                                     const ItemWeightingOptions& options) {
  std::vector<float> weights(x.nnz());
  const std::vector<double> idf =
      options.kind == ItemWeighting::kNone ? std::vector<double>() : MemberIdf(x);
  const std::vector<double> length_factor = options.kind == ItemWeighting::kBm25
                                                ? TitleLengthFactor(x, options)
                                                : std::vector<double>();
#pragma omp parallel for schedule(dynamic, 1024)
  for (int64_t m = 0; m < static_cast<int64_t>(x.rows()); ++m) {
    for (uint64_t i = x.RowBegin(m); i < x.RowEnd(m); ++i) {
      const double r = RawWeight(x, i, options.binary);
      switch (options.kind) {
        case ItemWeighting::kNone:
          weights[i] = static_cast<float>(r);
          break;
        case ItemWeighting::kTfIdf:
          weights[i] = static_cast<float>(r * idf[m]);
          break;
        case ItemWeighting::kBm25: {
          const double denominator = r + length_factor[x.indices()[i]];
          const double saturated = denominator > 0 ? r * (options.bm25_k1 + 1) / denominator : 0;
          weights[i] = static_cast<float>(idf[m] * saturated);
          break;
        }
      }
    }
  }
  return InteractionMatrix(x.rows(), x.cols(), x.indptr(), x.indices(), std::move(weights), {});
}

}  // namespace marquee
