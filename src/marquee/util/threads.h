// The number of worker threads (OpenMP) used by parallel loops.
#pragma once

namespace marquee {

// n <= 0 means "all hardware threads".
void SetThreadCount(int n);
int ThreadCount();

}  // namespace marquee
