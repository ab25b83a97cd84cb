// PageBuilder: the homepage for one member from one configuration -- runs
// every configured row generator on the request's inputs and assembles the
// page (page_assembler.h). Immutable after construction; Build is const and
// safe from many threads at once.
#pragma once

#include <memory>
#include <vector>

#include "marquee/page/page_assembler.h"
#include "marquee/page/page_config.h"
#include "marquee/page/row_generator.h"

namespace marquee::page {

class PageBuilder {
 public:
  explicit PageBuilder(PageConfig config);

  // Rows and per_row of `request` must be >= 1. `in.row_length` is set here
  // (per_row plus room for de-duplication).
  Page Build(PageInputs in, const AssembleRequest& request) const;
  // The candidate rows alone (every generator, configuration order), for
  // the demo's "why" and tests.
  std::vector<CandidateRow> Candidates(const PageInputs& in) const;

  const PageConfig& config() const { return config_; }

 private:
  PageConfig config_;
  std::vector<std::unique_ptr<RowGenerator>> generators_;
};

// The Top Picks list cut into rows of per_row (the "one list" baseline of
// page evaluation): the best rows*per_row allowed, unwatched titles by
// `in.scores`, row r holding ranks [r*per_row, (r+1)*per_row).
Page CutIntoRows(const PageInputs& in, const AssembleRequest& request);

}  // namespace marquee::page
