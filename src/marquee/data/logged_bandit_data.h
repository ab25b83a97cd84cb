// LoggedBanditData: a log of decisions a behaviour policy made, in the one
// shape every off-policy estimator reads.
//
// Record i chose `action[i]` among its candidates [offsets[i], offsets[i+1])
// (an index within them), at display position `position[i]`, with the
// behaviour policy's probability `propensity[i]`, and observed `reward[i]`.
// Candidates vary per record (a title's artwork variants) or are the same
// everywhere (the Open Bandit Dataset's items, where `candidate_ids` repeats).
//
// A gate in front of the behaviour policy (the consent gate, issue 11 §3)
// may leave it only some candidates to choose among. The log then records
// that eligible set (`eligible`, one flag a candidate), and the propensity is
// the probability of the choice given the set; an estimator must give the
// target policy the same set, or IPS, DR and replay are biased.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marquee/util/status.h"

namespace marquee {

// The smallest propensity a log may carry, and why: a record's inverse
// propensity weight 1/p is the number of impressions it stands for, and no
// service logs 10^12 impressions, so a smaller p is a logging bug (an
// underflow, a product of many small factors) rather than a measurement.
// It also keeps the arithmetic finite: every weight is at most 1e12, its
// square at most 1e24, so weight sums, sums of squares and their squares stay
// far from overflow for any log that fits in memory (a subnormal such as
// 1e-320 would give 1/p = inf). Readers (io/obd_log, JoinImpressions) refuse
// smaller propensities naming the line or event; Validate() names the record.
inline constexpr double kMinPropensity = 1e-12;

struct LoggedBanditData {
  std::string source;                  // for messages: a file path or "event store ..."
  std::vector<uint64_t> offsets{0};    // records + 1, into candidate_ids
  std::vector<uint32_t> candidate_ids; // per candidate: a global action id (an artwork or item index)
  std::vector<uint32_t> action;        // per record: index within its candidates
  std::vector<uint32_t> position;      // per record: display slot, 0-based (0 when there is one)
  std::vector<double> propensity;      // per record: behaviour probability of the action, in [kMinPropensity, 1]
  std::vector<double> reward;          // per record, in [0, 1] (a click, a watched fraction)
  // Optional per-record context: contexts[i * context_dim ...]. Empty when none.
  uint32_t context_dim = 0;
  std::vector<float> contexts;
  // Optional: the member or user behind each record (dataset member index), for
  // building per-record policy contexts. Empty when none.
  std::vector<uint32_t> member;
  // Optional: per candidate (aligned with candidate_ids), 1 when the
  // behaviour policy could choose it, 0 when a gate had ruled it out. Empty:
  // every candidate of every record was eligible (logs from before the gate);
  // a record whose flags are all 1 reads the same.
  std::vector<uint8_t> eligible;

  size_t size() const { return action.size(); }
  uint32_t candidate_count(size_t i) const { return static_cast<uint32_t>(offsets[i + 1] - offsets[i]); }
  uint32_t logged_id(size_t i) const { return candidate_ids[offsets[i] + action[i]]; }
  // Whether candidate a (an index within record i's candidates) was eligible.
  bool is_eligible(size_t i, uint32_t a) const { return eligible.empty() || eligible[offsets[i] + a] != 0; }
  // How many of record i's candidates were eligible.
  uint32_t eligible_count(size_t i) const;

  // Sizes agree, actions lie within their candidates (and, with an eligible
  // mask, within the record's eligible ones), propensities are in
  // [kMinPropensity, 1], rewards in [0, 1] (NaN is neither). InvalidArgument
  // naming the source and the first bad record otherwise (IPS must never
  // divide by zero, nor by a number whose inverse overflows).
  Status Validate() const;
};

// The Beta(alpha, beta) priors of each item of a Bernoulli Thompson sampling
// policy (the Open Bandit Dataset's logging policy); alpha.size() == beta.size(),
// every value > 0.
struct BtsPriors {
  std::vector<double> alpha;
  std::vector<double> beta;
};

}  // namespace marquee
