// The AVX-512 CG kernel: ials_cg_lanes.inc compiled for AVX-512 (CMake sets
// this file's flags), where a 16-float lane is one zmm register and the 32 of
// them hold a whole factor vector and its accumulator.
#include "marquee/models/ials_cg_lanes.inc"

namespace marquee::ials {

void SolveCgAvx512(const CgRowProblem& problem, float* x, float* scratch) { SolveCgLanes(problem, x, scratch); }

}  // namespace marquee::ials
