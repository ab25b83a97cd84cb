#include "member_page.h"

#include "marquee/data/id_map.h"

namespace marquee::cli {

MemberInputs ForMember(const Recommender& model, const Dataset& dataset, const InteractionMatrix& history,
                       const page::PageSources& sources, uint32_t member) {
  MemberInputs in;
  const size_t titles = dataset.catalog.size();
  in.seen.assign(titles, 0);
  if (member == IdMap::kNotFound) {
    auto popularity = sources.popularity();
    in.scores.assign(popularity.begin(), popularity.end());
    return in;
  }
  in.personalized = true;
  in.scores.assign(titles, 0.0f);
  model.ScoreMember(member, History::Row(history, member), in.scores);
  for (uint32_t t : dataset.interactions.RowIndices(member)) in.seen[t] = 1;
  page::AppendRowPlays(dataset, member, in.plays);
  return in;
}

page::PageInputs MemberInputs::At(const page::PageSources& sources, std::span<const uint8_t> allowed,
                                   int64_t now) const {
  page::PageInputs in = sources.InputsAt(now);
  in.scores = scores;
  in.allowed = allowed;
  in.seen = seen;
  in.plays = plays;
  in.personalized = personalized;
  return in;
}

}  // namespace marquee::cli
