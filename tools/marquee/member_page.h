// One member's page inputs as the CLI builds them (marquee homepage, the
// demo): a known member's scores, seen titles and plays; an unknown one
// (IdMap::kNotFound) gets popularity and nothing seen, not personalized.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/models/recommender.h"
#include "marquee/page/page_sources.h"

namespace marquee::cli {

struct MemberInputs {
  bool personalized = false;
  std::vector<float> scores;
  std::vector<uint8_t> seen;
  std::vector<page::PagePlay> plays;

  // `sources`' inputs at `now` with this member's scores, seen titles and
  // plays, under `allowed` (one byte a title). This object must outlive them.
  page::PageInputs At(const page::PageSources& sources, std::span<const uint8_t> allowed, int64_t now) const;
};

// `history`: the rows the model scores members by (the dataset's, or its
// positives when the model was trained with a minimum rating).
MemberInputs ForMember(const Recommender& model, const Dataset& dataset, const InteractionMatrix& history,
                       const page::PageSources& sources, uint32_t member);

}  // namespace marquee::cli
