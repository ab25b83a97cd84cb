// RowGenerator: one row kind's candidate generator behind one interface, so
// that a new kind is a new file and a line in MakeRowGenerator. Each kind's
// definition is in its header and in docs/homepage.md.
//
// Contract for every generator (tests/page/row_generator_contract_test.cc):
// every title it proposes is allowed (PageInputs::allowed), appears once in
// its row, and rows carry distinct row_ids; a row with fewer than
// spec.min_titles titles is not proposed; at most spec.count rows; the
// output depends only on the inputs (deterministic, ties to the lower title
// index). Generators are immutable after construction and safe to call from
// many threads at once.
#pragma once

#include <memory>
#include <vector>

#include "marquee/page/page_config.h"
#include "marquee/page/page_types.h"

namespace marquee::page {

class RowGenerator {
 public:
  virtual ~RowGenerator() = default;
  virtual RowKind kind() const = 0;
  const RowSpec& spec() const { return spec_; }
  // Appends this kind's rows for `in` to `out` (0..spec().count of them),
  // each with at most in.row_length titles.
  virtual void Generate(const PageInputs& in, std::vector<CandidateRow>& out) const = 0;

 protected:
  explicit RowGenerator(const RowSpec& spec) : spec_(spec) {}

 private:
  RowSpec spec_;
};

// The generator of spec.kind.
std::unique_ptr<RowGenerator> MakeRowGenerator(const RowSpec& spec);

// Appends the best titles of `scores` (higher first, ties to the lower
// index) among those of `among` (any order; empty = every title of `scores`)
// with allowed[t] && !(skip_seen && seen[t]) to `out`, at most `k`; scores
// of -infinity and NaN are left out. The shared ranking step of top picks,
// genre rows and new releases (one pass, bounded heap).
void TopAllowed(const PageInputs& in, std::span<const float> scores, std::span<const uint32_t> among,
                bool skip_seen, uint32_t k, std::vector<RowTitle>& out);

}  // namespace marquee::page
