// Reading the Open Bandit Dataset (Saito et al. 2021; ZOZOTOWN): a campaign's
// log (`<campaign>.csv`: index, timestamp, item_id, position 1..3, click,
// propensity_score, user features, user-item affinities) and the Bernoulli
// Thompson sampling policy's priors (`prior_bts.yaml`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marquee/data/logged_bandit_data.h"
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
// below kMinPropensity (logged_bandit_data.h; subnormals included) are
// refused; small ones above it are kept as they are (the estimators report
// their weights).
Result<LoggedBanditData> ReadObdLog(const std::string& csv_path, const ObdReadOptions& options = {});

// The Beta priors of one campaign ("all", "men", "women") of prior_bts.yaml.
Result<BtsPriors> ReadBtsPriors(const std::string& yaml_path, const std::string& campaign);

}  // namespace marquee
