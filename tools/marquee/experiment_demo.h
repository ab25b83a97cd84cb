// The demo's experiments (issue 14 §5): iALS against iALS trained on half of
// each member's plays, as a simulated A/B test with its report, and the
// members A/B, CUPED and interleaving need to tell them apart.
#pragma once

#include <cstdio>
#include <string>

#include "marquee/synthetic/synthetic.h"
#include "marquee/util/status.h"

namespace marquee::cli {

// Writes `dir`/experiment_lift.svg and `dir`/experiment_power.svg; prints to `out`.
Status RunExperimentDemo(const SyntheticService& service, const std::string& dir, std::FILE* out);

}  // namespace marquee::cli
