// The vector instruction sets this CPU (and its operating system) can run,
// for choosing kernels at run time (models/ials_kernel.h), and the baseline
// the build was compiled for (CMake's MARQUEE_ARCH).
//
// Thread safety: Detect() may be called from any thread.
#pragma once

#include <string>

namespace marquee {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool avx512f = false;   // 32 zmm registers, 16 floats each
  bool avx512vl = false;  // AVX-512 instructions on ymm/xmm registers too

  // What this process can use: CPUID, with the OS's saved register state
  // (XGETBV) taken into account, as GCC's __builtin_cpu_supports reports it.
  // Always false on other architectures.
  static CpuFeatures Detect();

  // "avx2 fma avx512f avx512vl" (the present ones, in that order; "none").
  std::string ToString() const;
};

// The -march baseline of this build ("x86-64-v3", "native", "" = compiler
// default).
const char* BuildArch();

}  // namespace marquee
