// The portable CG kernel: ials_cg_lanes.inc compiled for the build's baseline
// instruction set. On AVX2 its lanes are register pairs and a 64-factor
// vector plus accumulator no longer fits the 16 ymm registers (the compiler
// spills), which is why ials_cg_avx2.cc exists; this one remains the
// reference and the kernel on other architectures.
#include "marquee/models/ials_cg_lanes.inc"

namespace marquee::ials {

void SolveCgPortable(const CgRowProblem& problem, float* x, float* scratch) { SolveCgLanes(problem, x, scratch); }

}  // namespace marquee::ials
