// MemberHistory: a member's history at request time -- their dataset row
// merged with the plays and ratings they logged since (live events), so new
// plays change the next recommendations without retraining.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "marquee/store/event_store.h"
#include "marquee/models/recommender.h"
#include "marquee/serve/model_store.h"

namespace marquee::serve {

struct MemberHistory {
  // What the model scores: titles ascending, one weight each.
  std::vector<uint32_t> titles;
  std::vector<float> weights;
  // When each was last played or rated (epoch seconds; 0 unknown).
  std::vector<int64_t> times;
  // Everything the member watched or rated (ascending): what
  // exclude_watched leaves out.
  std::vector<uint32_t> seen;
  // True when events name titles the dataset row lacks, i.e. the model has
  // not seen this history and must fold it in.
  bool has_new_titles = false;

  History scoring() const { return {titles, weights, times}; }
  void Clear();
};

// Merges row `member` of the model's dataset (IdMap::kNotFound: no row) with
// `events`. Impressions and clicks are not history; titles the catalog does
// not know are ignored. A title in both keeps the larger weight. `out` is
// reused so that a thread's buffers outlive its requests.
void BuildMemberHistory(const ServingModel& model, uint32_t member, std::span<const Event> events,
                        MemberHistory& out);

// Why a member with no titles to score (history.titles empty) gets the
// popular answer instead: an unknown member, no plays of the model's titles,
// or none that counts as a positive.
std::string NoSignalReason(uint32_t member, const MemberHistory& history);

// Scores every title for the member: their trained state when the model
// knows them and nothing new was logged (`member` != IdMap::kNotFound and
// !history.has_new_titles), else a fold-in of `history`. scores.size() ==
// the model's title count; `history` must have titles.
void ScoreMemberHistory(const ServingModel& model, uint32_t member, const MemberHistory& history,
                        std::span<float> scores);

}  // namespace marquee::serve
