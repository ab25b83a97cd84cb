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
#include <string>

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
bool ParseSplitProtocol(std::string_view name, SplitProtocol* protocol);

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

// A validation split for tuning, carved out of `split.train` by the same
// protocol (seed + 1): tune on it, then report on `split` itself.
Result<EvalSplit> MakeValidationSplit(const EvalSplit& split);

// A section file with magic "MQSPLIT".
Status SaveSplit(const EvalSplit& split, const std::string& path);
Result<EvalSplit> LoadSplit(const std::string& path);

}  // namespace marquee
