// The demo's live session: members browse the demo server's homepage (the
// real handlers, behind the consent gate, writing the real event store and
// ledger), play what the synthetic truth says they would, and the ledger is
// then verified and one performer's statement printed, with a printable HTML
// report of the most-shown performers.
#pragma once

#include <cstdio>
#include <string>

#include "marquee/serve/serving_stack.h"
#include "marquee/synthetic/ground_truth.h"
#include "marquee/util/status.h"

namespace marquee::cli {

struct DemoSessionOptions {
  uint32_t members = 400;      // members who browse once each
  uint32_t k = 10;             // titles a homepage row shows
  uint64_t seed = 1;           // the play draws
  std::string report_path;     // the HTML statement report
  // For the "Next:" lines: the files a user would name to the ledger commands.
  std::string events_path, data_path, consents_path;
};

// Runs the session against `stack` (opened with a consent log) and prints to `out`.
Status RunDemoSession(serve::ServingStack& stack, const GroundTruth& truth, const DemoSessionOptions& options,
                      std::FILE* out);

}  // namespace marquee::cli
