// A progress bar on stderr for the library's ProgressCallback. Draws only
// when stderr is a terminal, so logs and pipes stay clean.
#pragma once

#include "marquee/util/progress.h"

namespace marquee::cli {

// A callback that draws "stage [#####.....] 45%  1.2M/2.7M  3.4s" in place,
// or one that does nothing when stderr is not a terminal.
ProgressCallback TerminalProgress();

// "1.2M", "34.5K", "999" -- short counts for humans.
std::string HumanCount(double n);

}  // namespace marquee::cli
