#include "marquee/data/interactions.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace marquee {

InteractionMatrix::InteractionMatrix(uint32_t rows, uint32_t cols, std::vector<uint64_t> indptr,
                                     std::vector<uint32_t> indices, std::vector<float> weights,
                                     std::vector<int64_t> times)
    : rows_(rows),
      cols_(cols),
      indptr_(std::move(indptr)),
      indices_(std::move(indices)),
      weights_(std::move(weights)),
      times_(std::move(times)) {}

Status InteractionMatrix::Validate() const {
  auto bad = [](const std::string& what) {
    return Status::Corruption("interaction matrix: " + what);
  };
  if (indptr_.size() != static_cast<size_t>(rows_) + 1) return bad("indptr has the wrong length");
  if (indptr_.front() != 0 || indptr_.back() != indices_.size()) {
    return bad("indptr does not span the entries");
  }
  if (weights_.size() != indices_.size()) return bad("weights and indices differ in length");
  if (!times_.empty() && times_.size() != indices_.size()) {
    return bad("times and indices differ in length");
  }
  for (uint32_t r = 0; r < rows_; ++r) {
    if (indptr_[r + 1] < indptr_[r] || indptr_[r + 1] > indices_.size()) {
      return bad("indptr decreases at row " + std::to_string(r));
    }
    for (uint64_t i = indptr_[r]; i < indptr_[r + 1]; ++i) {
      if (indices_[i] >= cols_) {
        return bad("column " + std::to_string(indices_[i]) + " out of range in row " +
                   std::to_string(r));
      }
      if (i > indptr_[r] && indices_[i] <= indices_[i - 1]) {
        return bad("columns not strictly increasing in row " + std::to_string(r));
      }
    }
  }
  return Status::OK();
}

InteractionMatrix InteractionMatrix::KeepAtLeast(float min_weight) const {
  std::vector<uint64_t> indptr(static_cast<size_t>(rows_) + 1, 0);
  std::vector<uint32_t> indices;
  std::vector<float> weights;
  std::vector<int64_t> times;
  for (uint32_t r = 0; r < rows_; ++r) {
    for (uint64_t i = indptr_[r]; i < indptr_[r + 1]; ++i) {
      if (!(weights_[i] >= min_weight)) continue;
      indices.push_back(indices_[i]);
      weights.push_back(1.0f);
      if (!times_.empty()) times.push_back(times_[i]);
    }
    indptr[r + 1] = indices.size();
  }
  return InteractionMatrix(rows_, cols_, std::move(indptr), std::move(indices),
                           std::move(weights), std::move(times));
}

int64_t InteractionMatrix::LatestTime() const {
  return times_.empty() ? 0 : *std::max_element(times_.begin(), times_.end());
}

std::vector<uint32_t> InteractionMatrix::ColumnCounts() const {
  std::vector<uint32_t> counts(cols_, 0);
  for (uint32_t c : indices_) ++counts[c];
  return counts;
}

InteractionMatrix InteractionMatrix::Transpose() const {
  std::vector<uint64_t> t_indptr(static_cast<size_t>(cols_) + 1, 0);
  for (uint32_t c : indices_) ++t_indptr[c + 1];
  std::partial_sum(t_indptr.begin(), t_indptr.end(), t_indptr.begin());

  std::vector<uint32_t> t_indices(indices_.size());
  std::vector<float> t_weights(indices_.size());
  std::vector<int64_t> t_times(times_.size());
  std::vector<uint64_t> next(t_indptr.begin(), t_indptr.end() - 1);
  // Walking rows in order makes each transposed row sorted by construction.
  for (uint32_t r = 0; r < rows_; ++r) {
    for (uint64_t i = indptr_[r]; i < indptr_[r + 1]; ++i) {
      uint64_t dst = next[indices_[i]]++;
      t_indices[dst] = r;
      t_weights[dst] = weights_[i];
      if (!times_.empty()) t_times[dst] = times_[i];
    }
  }
  return InteractionMatrix(cols_, rows_, std::move(t_indptr), std::move(t_indices),
                           std::move(t_weights), std::move(t_times));
}

Result<DuplicateRule> ParseDuplicateRule(std::string_view name) {
  for (DuplicateRule rule : {DuplicateRule::kSum, DuplicateRule::kMax, DuplicateRule::kLast}) {
    if (DuplicateRuleName(rule) == name) return rule;
  }
  return Status::InvalidArgument("expected sum, max or last, found " + QuoteForError(name));
}

std::string_view DuplicateRuleName(DuplicateRule rule) {
  switch (rule) {
    case DuplicateRule::kSum: return "sum";
    case DuplicateRule::kMax: return "max";
    case DuplicateRule::kLast: return "last";
  }
  return "?";
}

void InteractionBuilder::Reserve(size_t n) {
  members_.reserve(n);
  titles_.reserve(n);
  weights_.reserve(n);
  times_.reserve(n);
}

InteractionMatrix InteractionBuilder::Build(uint32_t rows, uint32_t cols, DuplicateRule rule) {
  const size_t n = members_.size();
  // Counting sort by member; stable, so equal (member, title) keep input order.
  std::vector<uint64_t> indptr(static_cast<size_t>(rows) + 1, 0);
  for (uint32_t m : members_) ++indptr[m + 1];
  std::partial_sum(indptr.begin(), indptr.end(), indptr.begin());

  std::vector<uint32_t> order(n);
  {
    std::vector<uint64_t> next(indptr.begin(), indptr.end() - 1);
    for (size_t i = 0; i < n; ++i) order[next[members_[i]]++] = static_cast<uint32_t>(i);
  }
  std::vector<uint32_t>().swap(members_);

  std::vector<uint64_t> out_indptr(static_cast<size_t>(rows) + 1, 0);
  std::vector<uint32_t> out_indices;
  std::vector<float> out_weights;
  std::vector<int64_t> out_times;
  out_indices.reserve(n);
  out_weights.reserve(n);
  if (any_time_) out_times.reserve(n);

  std::vector<uint32_t> row;
  for (uint32_t r = 0; r < rows; ++r) {
    row.assign(order.begin() + indptr[r], order.begin() + indptr[r + 1]);
    std::stable_sort(row.begin(), row.end(),
                     [&](uint32_t a, uint32_t b) { return titles_[a] < titles_[b]; });
    for (size_t i = 0; i < row.size();) {
      uint32_t title = titles_[row[i]];
      float weight = weights_[row[i]];
      int64_t time = times_[row[i]];
      size_t j = i + 1;
      for (; j < row.size() && titles_[row[j]] == title; ++j) {
        float w = weights_[row[j]];
        int64_t t = times_[row[j]];
        switch (rule) {
          case DuplicateRule::kSum: weight += w; break;
          case DuplicateRule::kMax: weight = std::max(weight, w); break;
          case DuplicateRule::kLast:
            if (t >= time) weight = w;
            break;
        }
        time = std::max(time, t);
      }
      out_indices.push_back(title);
      out_weights.push_back(weight);
      if (any_time_) out_times.push_back(time);
      i = j;
    }
    out_indptr[r + 1] = out_indices.size();
  }
  *this = InteractionBuilder();
  out_indices.shrink_to_fit();
  out_weights.shrink_to_fit();
  out_times.shrink_to_fit();
  return InteractionMatrix(rows, cols, std::move(out_indptr), std::move(out_indices),
                           std::move(out_weights), std::move(out_times));
}

}  // namespace marquee
