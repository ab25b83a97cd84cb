// The Bernoulli Thompson sampling policy of the Open Bandit Dataset
// (Saito et al. 2021), simulated from its Beta priors, as a target policy
// for off-policy evaluation.
#pragma once

#include <cstdint>
#include <vector>

#include "marquee/data/logged_bandit_data.h"

namespace marquee {

// The BTS policy's action distribution, simulated as the dataset's authors
// did: draw theta_i ~ Beta(alpha_i, beta_i) for every item, rank the items by
// theta, and count how often each item lands in each of `positions` slots.
// Returns items x positions, row-major: P(item i shown at position p); each
// column sums to 1 (columns past the item count, if positions > items, are
// 0). Deterministic for a seed, whatever the number of threads.
std::vector<double> BtsActionDistribution(const BtsPriors& priors, uint32_t positions,
                                          uint32_t samples, uint64_t seed);

}  // namespace marquee
