// Title co-occurrence, X^T X for a members x titles matrix X, one title's row
// at a time: row i, entry j = sum over members m who have both titles of
// x(m, i) * x(m, j). Computed from the transposed matrix (the members of
// title i) and X's rows (their titles), so the cost is the sum over members
// of their history length squared -- no dense product over all members.
//
// Both item-based models build on it: EASE wants the whole (dense) Gram
// matrix, item-kNN wants each row once, to keep its top neighbours.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "marquee/data/interactions.h"

namespace marquee {

// Adds entries j >= title of row `title` of X^T X into column[j] (column has
// x.cols() entries), the lower triangle in column-major order. With `binary`,
// every entry of X counts as 1.
template <typename T>
void AddCooccurrenceLower(const InteractionMatrix& x, const InteractionMatrix& xt, uint32_t title,
                          bool binary, std::span<T> column);

extern template void AddCooccurrenceLower<float>(const InteractionMatrix&,
                                                 const InteractionMatrix&, uint32_t, bool,
                                                 std::span<float>);
extern template void AddCooccurrenceLower<double>(const InteractionMatrix&,
                                                  const InteractionMatrix&, uint32_t, bool,
                                                  std::span<double>);

// One full row of X^T X over the titles it touches (entries of X as given).
// Meant to be reused title after title by one thread: clearing costs the
// number of titles touched, not the catalog size.
class CooccurrenceRow {
 public:
  explicit CooccurrenceRow(uint32_t titles) : values_(titles, 0.0f), seen_(titles, 0) {}

  // Replaces the row with row `title` of X^T X.
  void Compute(const InteractionMatrix& x, const InteractionMatrix& xt, uint32_t title);

  // Titles co-occurring with `title` (itself included), in first-seen order.
  std::span<const uint32_t> touched() const { return touched_; }
  float value(uint32_t j) const { return values_[j]; }

 private:
  void Clear();

  std::vector<float> values_;
  std::vector<uint8_t> seen_;
  std::vector<uint32_t> touched_;
};

}  // namespace marquee
