// Splitting protocols for offline evaluation. Every protocol produces the
// same shape, so one evaluator serves them all:
//
//   train   what the model learns from            (members x titles)
//   query   each evaluated member's history at evaluation time (the model
//           sees it; its titles are excluded from the ranking)
//   target  what each evaluated member went on to watch (to be predicted)
//
// Members with an empty target row are not evaluated. For "weak
// generalization" protocols (random holdout, leave-last-n, temporal) query
// == train for evaluated members and the model scores them as known members;
// for strong generalization (Liang et al. 2018) the held-out members are
// absent from train, and the model folds their query history in.
//
// Splits are deterministic for a seed and can be saved and loaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "marquee/data/interactions.h"
#include "marquee/util/status.h"

namespace marquee {

enum class SplitProtocol : uint8_t {
  kRandomHoldout = 0,    // per member, a random `fraction` of their titles -> target
  kLeaveLastOut = 1,     // per member, their last `last_n` titles by time -> target
  kTemporal = 2,         // everything at or after `split_time` -> target
  kStrongGeneralization = 3,  // `heldout_members` disjoint members; of each, a random
                              // `fraction` of titles -> target, the rest -> query
};
std::string_view SplitProtocolName(SplitProtocol protocol);  // "random-holdout", ...
// The inverse of SplitProtocolName; InvalidArgument naming the four otherwise.
Result<SplitProtocol> ParseSplitProtocol(std::string_view name);

struct SplitOptions {
  SplitProtocol protocol = SplitProtocol::kRandomHoldout;
  double fraction = 0.2;          // random-holdout, strong: share of a member's titles held out
  uint32_t last_n = 1;            // leave-last-out
  int64_t split_time = 0;         // temporal: epoch seconds
  uint32_t heldout_members = 0;   // strong: how many members to hold out (0: 10% of members)
  uint32_t min_history = 2;       // members with fewer interactions are never evaluated
  uint64_t seed = 42;

  Status Validate() const;        // InvalidArgument naming the field
};

struct EvalSplit {
  SplitOptions options;
  bool fold_in = false;           // true for strong generalization
  InteractionMatrix train;
  InteractionMatrix query;
  InteractionMatrix target;

  uint32_t EvaluatedMembers() const;  // rows with a non-empty target
};

// Splits `data` (members x titles) by `options`. Protocols that need times
// fail with InvalidArgument when the data has none.
Result<EvalSplit> MakeSplit(const InteractionMatrix& data, const SplitOptions& options);

// What each protocol does at the edges (MakeSplit):
//  - Weights and times go with every interaction into train, query and target;
//    all three have the data's shape, so member and title indices stay valid.
//  - query holds the train row of each evaluated member and is empty for the
//    others (weak protocols); for strong generalization it holds the held-out
//    members' folded-in histories.
//  - random-holdout / strong: a member with n interactions gives
//    clamp(round(fraction * n), 1, n - 1) titles to target (round half away
//    from zero), so a member needs at least max(min_history, 2) interactions.
//  - leave-last-out: members with at least max(min_history, last_n + 1)
//    interactions give their last_n latest; among equal times the higher
//    title index counts as later.
//  - temporal: split_time must satisfy earliest < split_time <= latest (both
//    sides non-empty). A member is evaluated when they have a past (train)
//    interaction, a future one, and min_history in all; the future
//    interactions of everyone else (cold members, short histories) are
//    dropped, so train never holds anything at or after split_time. This is
//    the one protocol where train + target can be smaller than the data.
//  - strong: heldout_members = 0 means max(1, round(members / 10)); it must be
//    below the number of members and at most the number of members with
//    enough history (InvalidArgument otherwise). Held-out members are chosen
//    from one stream of the seed; each member's titles from that member's own
//    stream, so results do not depend on the thread count.
//
// MakeValidationSplit: MakeSplit(split.train) with seed + 1. Strong: held-out
// members have empty train rows, so the validation ones are training members,
// disjoint from the test ones. Temporal: the validation split time leaves the
// same share of the training interactions in validation target as the test
// split left of train + target (the quantile of the train times), moved up
// past the earliest train time when ties would leave validation train empty.

// A temporal split time: the `index`-th smallest of `times` (0 < index <
// times.size()), moved up to the next distinct time when it equals the
// earliest, so that something falls before it; nullopt when every time is
// the same. The one rule behind MakeValidationSplit's temporal split time
// and page evaluation's TimeAtQuantile.
std::optional<int64_t> SplitTimeAt(std::vector<int64_t> times, size_t index);

// The split file's format version; readers refuse newer ones.
inline constexpr uint32_t kSplitFormatVersion = 1;

// A validation split for tuning, carved out of `split.train` by the same
// protocol (seed + 1): tune on it, then report on `split` itself.
Result<EvalSplit> MakeValidationSplit(const EvalSplit& split);

// A section file with magic "MQSPLIT".
Status SaveSplit(const EvalSplit& split, const std::string& path);
Result<EvalSplit> LoadSplit(const std::string& path);

}  // namespace marquee
