// The conjugate-gradient row solver of iALS in one variant per vector
// instruction set, and the choice between them at run time.
//
// The variants solve the same system (ials_solver.h) in the same order of
// operations per step, so they agree to float rounding; they differ in how
// they use the register file:
//   avx512  16-float lanes; a whole factor vector stays in the 32 zmm
//           registers while a row's interactions stream past it.
//   avx2    8-float lanes; 16 ymm registers cannot hold a 64- or 128-factor
//           vector plus its accumulator, so the kernel streams the vectors
//           from L1 instead and works on four interactions at a time: their
//           four dot products share each load of p, their four updates share
//           each load and store of the accumulator (Gramian product: eight
//           output registers at a time, each loaded row of G used once).
// Each variant lives in its own file compiled for its instruction set
// (ials_cg_avx2.cc, ials_cg_avx512.cc); the rest of the build keeps the
// portable baseline (CMake's MARQUEE_ARCH, x86-64-v3 by default).
//
// Thread safety: the kernels are reentrant (all state is in the arguments);
// SelectIalsKernel is a pure function.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "marquee/models/ials_cg.h"
#include "marquee/util/cpu_features.h"
#include "marquee/util/status.h"

namespace marquee::ials {

struct IalsKernel {
  const char* name;        // "avx512", "avx2", "portable"
  const char* needs;       // the CPU features it needs, as CpuFeatures::ToString names them
  bool (*supported)(const CpuFeatures& cpu);
  void (*solve_cg)(const CgRowProblem& problem, float* x, float* scratch);  // see ials_cg.h
  // Null when solve_cg ignores CgRowProblem::other_half; else its converter.
  void (*to_half)(const float* in, size_t n, float scale, uint16_t* out);
};

// The variants compiled into this binary, best first.
std::span<const IalsKernel> IalsKernels();

// `requested` is "" or "auto" (the first supported variant of IalsKernels())
// or a variant's name. InvalidArgument for an unknown name (listing the known
// ones) or for one the CPU cannot run (naming what it needs and what `cpu`
// has).
Result<const IalsKernel*> SelectIalsKernel(const CpuFeatures& cpu, std::string_view requested);

// The environment variable that forces a variant (benchmarks, tests):
// MARQUEE_IALS_KERNEL=avx2.
inline constexpr const char* kIalsKernelEnv = "MARQUEE_IALS_KERNEL";

// SelectIalsKernel for this CPU and the environment variable; the error names
// the variable.
Result<const IalsKernel*> ActiveIalsKernel();

}  // namespace marquee::ials
