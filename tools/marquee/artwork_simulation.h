// Running the artwork simulator from the command line (marquee simulate-artwork
// and the demo): policies from specs, the regret table, the SVG chart, and
// optionally the logged impressions and the trained policies.
//
// Honest artwork (issue 11 §4): the policies learn from qualifying plays by
// default; variants that misrepresent the cast (data/honest_artwork.h) are
// left out unless allowed; with reward "both" a second run rewards bare
// starts, to show how many impressions a start-rewarded learner gives to the
// misleading variants. The price of consent (§6): with a consent log the
// simulation runs again behind the consent gate, on the same rounds, and a
// table shows what the gate costs in plays.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "marquee/bandit/simulator.h"
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
                              // qualifying plays (starts under --reward start); empty: none.
                              // With consents, the gated run's log goes to FILE.gated.jsonl
                              // (eligible sets and title cards included).
  std::string save_policies;  // folder for one .mqp a learned policy; empty: none

  // What the policies learn from: "qualifying", "start", or "both" (qualifying,
  // then a second run rewarding starts, compared on misleading impressions).
  std::string reward = "qualifying";
  // A member's image for a title changes at most once per this many sessions.
  uint32_t sessions_per_change = 1;
  // Keep variants that misrepresent the cast (by default they are excluded).
  bool allow_misrepresenting = false;
  // The consent gate: a consent log (consent/consent_log.h); empty: no gate.
  std::string consents;
  std::string territory = "US";  // ISO 3166-1 alpha-2
  // When the gate is asked (unix seconds); nullopt: 00:00 UTC of the
  // dataset's latest event day.
  std::optional<int64_t> at;
};

// InvalidArgument starting with the flag ("--reward: ...", "--territory: ...") for
// arguments no run could accept; the commands report it as a usage error.
Status ValidateArtworkSimulationArgs(const ArtworkSimulationArgs& args);

// Prints the table (and where files went) to `out`; with args.consents, the
// price-of-consent table too. When `ungated` is given it receives the main
// run's result (for RunPriceOfConsent later).
Status RunArtworkSimulation(const Dataset& dataset, const GroundTruth& truth, const ArtworkSimulationArgs& args,
                            std::FILE* out, SimulationResult* ungated = nullptr);

// Runs the simulation behind the consent gate of args.consents (territory,
// time) and prints the price-of-consent table against `ungated`, the result
// of the same arguments without the gate.
Status RunPriceOfConsent(const Dataset& dataset, const GroundTruth& truth, const ArtworkSimulationArgs& args,
                         const SimulationResult& ungated, std::FILE* out);

}  // namespace marquee::cli
