// Reading the Open Bandit Dataset (Saito et al. 2021; ZOZOTOWN): a campaign's
// log (`<campaign>.csv`: index, timestamp, item_id, position 1..3, click,
// propensity_score, user features, user-item affinities) and the Bernoulli
// Thompson sampling policy's priors (`prior_bts.yaml`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marquee/bandit/logged_bandit_data.h"
#include "marquee/util/status.h"

namespace marquee {

struct ObdReadOptions {
  // Items in the campaign. 0: read item_context.csv beside the log when it is
  // there (its row count), otherwise the largest item_id + 1.
  uint32_t item_count = 0;
};

// Every record has all items as candidates (candidate_ids 0..K-1), position =
// the file's position - 1, reward = click, propensity = propensity_score.
// Errors name the file, line and column with what was expected. Propensities
// that are tiny are kept as they are (the estimators report their weights).
Result<LoggedBanditData> ReadObdLog(const std::string& csv_path, const ObdReadOptions& options = {});

// The Beta(alpha, beta) priors of each item for one campaign ("all", "men",
// "women") of prior_bts.yaml.
struct BtsPriors {
  std::vector<double> alpha;
  std::vector<double> beta;
};
Result<BtsPriors> ReadBtsPriors(const std::string& yaml_path, const std::string& campaign);

// The BTS policy's action distribution, simulated as the dataset's authors
// did: draw theta_i ~ Beta(alpha_i, beta_i) for every item, rank the items by
// theta, and count how often each item lands in each of `positions` slots.
// Returns items x positions, row-major: P(item i shown at position p); each
// column sums to 1 (columns past the item count, if positions > items, are
// 0). Deterministic for a seed, whatever the number of threads.
std::vector<double> BtsActionDistribution(const BtsPriors& priors, uint32_t positions,
                                          uint32_t samples, uint64_t seed);

}  // namespace marquee
