// The conjugate-gradient row kernels of iALS, one per instruction set, over
// plain arrays. Included by the kernel files, which are compiled for their
// own instruction set: this header must stay free of inline functions (an
// inline function compiled there could be picked by the linker for callers
// on CPUs without that instruction set). Callers go through ials_kernel.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace marquee::ials {

// One row's system A x = b (see ials_solver.h):
//   A = G + sum_k e_k y_k y_k^T + lambda I,   b = sum_k (1 + e_k) y_k.
struct CgRowProblem {
  const float* gram = nullptr;        // G: stride x stride, row-major, symmetric; padding zero
  const float* other = nullptr;       // the fixed side's rows y, `stride` floats apart
  uint32_t stride = 0;                // multiple of 16; rows 64-byte aligned
  const uint32_t* columns = nullptr;  // the row's observed columns (rows of `other`)
  const float* extra = nullptr;       // their extra confidence e = c - 1 >= 0
  uint32_t length = 0;
  float lambda = 0;    // regularization of this row
  uint32_t steps = 0;  // conjugate-gradient steps
  // Optional: `other` times other_half_scale in IEEE fp16, same stride and
  // alignment. Kernels that read fp16 (avx2, avx512) use it, divided by the
  // scale, for the sparse sums; `other` must still be given (the portable
  // kernel reads only it). The scale, a power of two, keeps small factors
  // out of fp16's subnormal range.
  const uint16_t* other_half = nullptr;
  float other_half_scale = 1;
};

// Each improves x (stride floats, 64-byte aligned, padding zero: the warm
// start) by problem.steps conjugate-gradient steps (fewer once the residual
// vanishes). scratch: 3 * stride floats, 64-byte aligned. Padding stays zero.
// Defined only where the compiler targets x86-64 (ials_kernel.cc knows which).
void SolveCgAvx2(const CgRowProblem& problem, float* x, float* scratch);
void SolveCgAvx512(const CgRowProblem& problem, float* x, float* scratch);
// out[i] = fp16(scale * in[i]) for n floats (n a multiple of 16; in 32-byte,
// out 16-byte aligned), rounding to nearest. The caller picks scale so that
// every product fits fp16's range (65,504).
void ToHalfF16c(const float* in, size_t n, float scale, uint16_t* out);
// The same algorithm in portable C++ (no intrinsics): the reference the
// others are tested against, and the kernel on other architectures.
void SolveCgPortable(const CgRowProblem& problem, float* x, float* scratch);

}  // namespace marquee::ials
