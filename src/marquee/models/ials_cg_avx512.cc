// The AVX-512 CG kernel (CMake compiles this file with AVX-512F/VL): the
// register-resident kernel of ials_cg_lanes.inc, where a 16-float lane is one
// zmm register and the 32 of them hold a factor vector and its accumulator.
// The streaming kernel of ials_cg_stream.inc on zmm registers was measured
// and lost to this one (12-15% slower at 64 and 128 factors,
// docs/MEASUREMENTS.md), so it is not built.
#if defined(__AVX512F__)

#include "marquee/models/ials_cg_lanes.inc"

namespace marquee::ials {

void SolveCgAvx512(const CgRowProblem& problem, float* x, float* scratch) { SolveCgLanes(problem, x, scratch); }

}  // namespace marquee::ials

#endif  // __AVX512F__
