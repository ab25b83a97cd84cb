// The demo's experiments (issue 14 §5): iALS against iALS trained on half of
// each member's plays, as a simulated A/B test with its report, and the
// members A/B, CUPED and interleaving need to tell them apart.
#pragma once

#include <cstdio>
#include <string>

#include "marquee/serve/experiment_service.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/util/status.h"

namespace marquee::cli {

// Writes `dir`/experiment_lift.svg, `dir`/experiment_power.svg, the
// simulated experiments' stores (`dir`/experiment.db, interleaving.db) and
// the treatment's model (`dir`/model-half); prints to `out`. `dir`/model
// must hold iALS trained on every play (the control).
Status RunExperimentDemo(const SyntheticService& service, const std::string& dir, std::FILE* out);

// The served demo's experiments, running from today for two weeks in layer
// "ranking": an A/B test of `dir`/model-half against the served model on
// half the members, and the same two interleaved on the other half.
struct ServedDemoExperiments {
  std::string ab_member;           // a member in the A/B test's treatment cell
  std::string interleaved_member;  // a member in the interleaving experiment
};
Result<ServedDemoExperiments> StartServedExperiments(serve::ExperimentService& experiments, const Dataset& dataset,
                                                     const std::string& dir);

}  // namespace marquee::cli
