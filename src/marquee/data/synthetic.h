// The synthetic streaming service: Marquee's built-in data set, so that it
// runs with nothing downloaded, and a ground truth to measure models and
// artwork policies against.
//
// (Interface fixed here; see synthetic.cc for the generative model.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/util/progress.h"
#include "marquee/util/status.h"

namespace marquee {

struct SyntheticConfig {
  uint32_t members = 2000;
  uint32_t titles = 500;
  uint64_t plays = 100000;
  uint64_t seed = 42;
};

// Filled in by the generator (see synthetic.cc).
struct GroundTruth;

struct SyntheticService;

}  // namespace marquee
