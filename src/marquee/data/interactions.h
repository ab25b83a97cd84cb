// Interactions: a sparse matrix of members x titles in CSR form (one row per
// member, titles sorted ascending within a row), with a float weight and an
// optional timestamp per entry. Transpose() gives the titles x members view
// (the CSC of the original), which item-based models need.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "marquee/util/status.h"

namespace marquee {

class InteractionMatrix {
 public:
  InteractionMatrix() = default;

  // Takes ownership of CSR arrays; Validate() checks them.
  InteractionMatrix(uint32_t rows, uint32_t cols, std::vector<uint64_t> indptr,
                    std::vector<uint32_t> indices, std::vector<float> weights,
                    std::vector<int64_t> times);

  uint32_t rows() const { return rows_; }
  uint32_t cols() const { return cols_; }
  uint64_t nnz() const { return indices_.size(); }
  bool has_times() const { return !times_.empty(); }

  // Row r: the titles, weights and times of member r.
  uint64_t RowBegin(uint32_t r) const { return indptr_[r]; }
  uint64_t RowEnd(uint32_t r) const { return indptr_[r + 1]; }
  uint32_t RowLength(uint32_t r) const { return static_cast<uint32_t>(indptr_[r + 1] - indptr_[r]); }
  std::span<const uint32_t> RowIndices(uint32_t r) const {
    return {indices_.data() + indptr_[r], RowLength(r)};
  }
  std::span<const float> RowWeights(uint32_t r) const {
    return {weights_.data() + indptr_[r], RowLength(r)};
  }
  std::span<const int64_t> RowTimes(uint32_t r) const {
    if (times_.empty()) return {};
    return {times_.data() + indptr_[r], RowLength(r)};
  }

  const std::vector<uint64_t>& indptr() const { return indptr_; }
  const std::vector<uint32_t>& indices() const { return indices_; }
  const std::vector<float>& weights() const { return weights_; }
  const std::vector<int64_t>& times() const { return times_; }

  // The cols x rows matrix (rows of the result sorted too). Parallel.
  InteractionMatrix Transpose() const;

  // The entries with weight >= min_weight, each with weight 1 (ratings at or
  // above a threshold as positives). Shape and times are kept.
  InteractionMatrix KeepAtLeast(float min_weight) const;

  // The latest time of any entry; 0 for a matrix without times.
  int64_t LatestTime() const;

  // Number of entries in each column (title popularity).
  std::vector<uint32_t> ColumnCounts() const;

  // Checks the structural invariants: indptr monotone from 0 to nnz, indices
  // in range and strictly increasing within each row, array sizes agree.
  Status Validate() const;

  friend bool operator==(const InteractionMatrix&, const InteractionMatrix&) = default;

 private:
  uint32_t rows_ = 0;
  uint32_t cols_ = 0;
  std::vector<uint64_t> indptr_{0};
  std::vector<uint32_t> indices_;
  std::vector<float> weights_;
  std::vector<int64_t> times_;
};

// The entries of `data` for which keep(row, entry) holds (entry: the index
// into indices()/weights()/times()), weights and times included, in a matrix
// of the same shape. Two passes over the entries, no sorting.
template <typename Keep>
InteractionMatrix FilterEntries(const InteractionMatrix& data, const Keep& keep) {
  std::vector<uint64_t> indptr(static_cast<size_t>(data.rows()) + 1, 0);
  for (uint32_t r = 0; r < data.rows(); ++r) {
    uint64_t kept = 0;
    for (uint64_t i = data.RowBegin(r); i < data.RowEnd(r); ++i) kept += keep(r, i) ? 1 : 0;
    indptr[r + 1] = indptr[r] + kept;
  }
  const uint64_t nnz = indptr.back();
  std::vector<uint32_t> indices(nnz);
  std::vector<float> weights(nnz);
  std::vector<int64_t> times(data.has_times() ? nnz : 0);
  uint64_t out = 0;
  for (uint32_t r = 0; r < data.rows(); ++r) {
    for (uint64_t i = data.RowBegin(r); i < data.RowEnd(r); ++i) {
      if (!keep(r, i)) continue;
      indices[out] = data.indices()[i];
      weights[out] = data.weights()[i];
      if (data.has_times()) times[out] = data.times()[i];
      ++out;
    }
  }
  return InteractionMatrix(data.rows(), data.cols(), std::move(indptr), std::move(indices), std::move(weights),
                           std::move(times));
}

// How the builder merges several rows for the same (member, title).
enum class DuplicateRule {
  kSum,   // weights add up (play counts); time = the latest
  kMax,   // the largest weight wins; time = the latest
  kLast,  // the entry with the latest time wins (input order breaks ties)
};
// "sum", "max" or "last"; InvalidArgument naming the three otherwise.
Result<DuplicateRule> ParseDuplicateRule(std::string_view name);
std::string_view DuplicateRuleName(DuplicateRule rule);

// Collects unsorted (member, title, weight, time) rows and builds the CSR
// matrix with a counting sort: O(nnz + rows), stable, so "last" is exact.
class InteractionBuilder {
 public:
  void Reserve(size_t n);
  void Add(uint32_t member, uint32_t title, float weight, int64_t time = 0) {
    members_.push_back(member);
    titles_.push_back(title);
    weights_.push_back(weight);
    times_.push_back(time);
    if (time != 0) any_time_ = true;
  }
  size_t size() const { return members_.size(); }

  // Rows and cols must exceed every index added. Times are kept when any row
  // had a non-zero time. Releases the builder's memory as it goes.
  InteractionMatrix Build(uint32_t rows, uint32_t cols, DuplicateRule rule);

 private:
  std::vector<uint32_t> members_;
  std::vector<uint32_t> titles_;
  std::vector<float> weights_;
  std::vector<int64_t> times_;
  bool any_time_ = false;
};

}  // namespace marquee
