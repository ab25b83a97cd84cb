// Running the artwork simulator from the command line (marquee simulate-artwork
// and the demo): policies from specs, the regret table, the SVG chart, and
// optionally the logged impressions and the trained policies.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/synthetic/ground_truth.h"
#include "marquee/util/status.h"

namespace marquee::cli {

struct ArtworkSimulationArgs {
  uint64_t rounds = 200000;
  uint32_t update_batch = 100;
  uint64_t seed = 1;
  // "kind" or "kind:name=value,name=value".
  std::vector<std::string> policies = {"uniform", "epsilon-greedy", "linucb", "linucb:model=disjoint",
                                       "thompson"};
  std::string plot;           // SVG path; empty: none
  std::string log_out;        // JSON lines of the first policy's impressions and
                              // plays; empty: none
  std::string save_policies;  // folder for one .mqp a learned policy; empty: none
};

// Prints the table (and where files went) to `out`.
Status RunArtworkSimulation(const Dataset& dataset, const GroundTruth& truth,
                            const ArtworkSimulationArgs& args, std::FILE* out);

}  // namespace marquee::cli
