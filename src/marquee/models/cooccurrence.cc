#include "marquee/models/cooccurrence.h"

#include <algorithm>

namespace marquee {

template <typename T>
void AddCooccurrenceLower(const InteractionMatrix& x, const InteractionMatrix& xt, uint32_t title,
                          bool binary, std::span<T> column) {
  const std::span<const uint32_t> members = xt.RowIndices(title);
  const std::span<const float> member_weights = xt.RowWeights(title);
  for (size_t a = 0; a < members.size(); ++a) {
    const std::span<const uint32_t> titles = x.RowIndices(members[a]);
    const std::span<const float> weights = x.RowWeights(members[a]);
    // Rows are sorted: the lower triangle starts at `title` itself.
    const size_t first = std::lower_bound(titles.begin(), titles.end(), title) - titles.begin();
    if (binary) {
      for (size_t b = first; b < titles.size(); ++b) column[titles[b]] += T(1);
    } else {
      const T w = member_weights[a];
      for (size_t b = first; b < titles.size(); ++b) column[titles[b]] += w * T(weights[b]);
    }
  }
}

template void AddCooccurrenceLower<float>(const InteractionMatrix&, const InteractionMatrix&,
                                          uint32_t, bool, std::span<float>);
template void AddCooccurrenceLower<double>(const InteractionMatrix&, const InteractionMatrix&,
                                           uint32_t, bool, std::span<double>);

void CooccurrenceRow::Clear() {
  for (uint32_t j : touched_) {
    values_[j] = 0.0f;
    seen_[j] = 0;
  }
  touched_.clear();
}

void CooccurrenceRow::Compute(const InteractionMatrix& x, const InteractionMatrix& xt,
                              uint32_t title) {
  Clear();
  const std::span<const uint32_t> members = xt.RowIndices(title);
  const std::span<const float> member_weights = xt.RowWeights(title);
  for (size_t a = 0; a < members.size(); ++a) {
    const std::span<const uint32_t> titles = x.RowIndices(members[a]);
    const std::span<const float> weights = x.RowWeights(members[a]);
    const float w = member_weights[a];
    for (size_t b = 0; b < titles.size(); ++b) {
      const uint32_t j = titles[b];
      if (!seen_[j]) {
        seen_[j] = 1;
        touched_.push_back(j);
      }
      values_[j] += w * weights[b];
    }
  }
}

}  // namespace marquee
