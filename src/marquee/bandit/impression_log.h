// ImpressionLog: turns the event stream -- impressions of artwork, then the
// plays and clicks that followed -- into logged bandit data that policies can
// be trained on and evaluated with.
//
// Rewards follow the shared rules of bandit/reward_attribution.h (the ones the
// serving learner uses): the events are fed, in log order, through one
// RewardAttributor, the clock advanced to each event's time, and whatever is
// still pending at the end is expired.
//
// What cannot be used is counted, never guessed: an impression without a
// propensity, an unknown title or an artwork id that is not one of the
// title's variants, a second impression with a pending id, and clicks naming
// an impression id that is not pending. The first few are kept as messages.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "marquee/bandit/artwork_features.h"
#include "marquee/bandit/reward_attribution.h"
#include "marquee/data/logged_bandit_data.h"
#include "marquee/data/dataset.h"
#include "marquee/data/event.h"
#include "marquee/util/status.h"

namespace marquee {

struct ImpressionLog {
  // Candidates are global artwork indices (ArtworkFeatures numbering), the
  // eligible mask set when some impression recorded a set that rules a
  // variant out,
  // member[i] the dataset member index (IdMap::kNotFound for members the
  // dataset does not know), position 0.
  LoggedBanditData data;
  std::vector<uint32_t> title;         // per record: dataset title index
  std::vector<std::string> member_id;  // per record: external member id
  std::vector<int64_t> time;           // per record: impression time

  uint64_t impressions_seen = 0;
  uint64_t skipped_no_propensity = 0;
  uint64_t skipped_unknown_title = 0;
  uint64_t skipped_unknown_artwork = 0;
  uint64_t skipped_duplicate_id = 0;  // a second impression with an id still pending
  // Title cards (artwork_id empty, no eligible set): the gate left nothing
  // to choose, so they are neither a choice nor a skip -- counted apart.
  uint64_t title_cards = 0;
  std::vector<uint32_t> title_card_titles;  // dataset title index of each card of a catalog title
  uint64_t unmatched_outcomes = 0;    // clicks naming an impression that is not pending
  std::vector<std::string> messages;  // the first few reasons, with the event's position

  uint64_t skipped() const {
    return skipped_no_propensity + skipped_unknown_title + skipped_unknown_artwork + skipped_duplicate_id;
  }
  // One line: "12000 impressions: 11980 used, 20 skipped (...); 4 title cards
  // (...); 3 clicks for unknown impressions" (title cards only when there are).
  std::string Summary() const;
};

// Events in the order they were logged. `source` names them in messages.
// InvalidArgument naming the event when an impression's propensity is outside
// [kMinPropensity, 1] (a subnormal such as 1e-320 included): such a record
// is refused, not skipped, since dropping the rarest impressions biases every
// estimate. An impression with no propensity at all is skipped and counted.
// Likewise refused, naming the impression id and the event: an eligible set
// (Event::eligible_artwork_ids) naming an artwork the title does not have, or
// one twice, or not containing the chosen artwork. Title cards are counted,
// never records; they are pending like images, so that a play naming a card
// answers it and not an older image of the title.
// Impressions without an eligible set join exactly as before sets existed.
Result<ImpressionLog> JoinImpressions(std::span<const Event> events, const Dataset& dataset,
                                      const ArtworkFeatures& features, const RewardRules& rules,
                                      const std::string& source);

// Member contexts for the records: the dataset history of known members,
// the uniform context for others (records x member_dim, row-major).
std::vector<float> RecordMemberContexts(const ImpressionLog& log, const Dataset& dataset,
                                        const ArtworkFeatures& features);

}  // namespace marquee
