#include "marquee/util/cpu_features.h"

namespace marquee {

CpuFeatures CpuFeatures::Detect() {
  CpuFeatures cpu;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  cpu.avx2 = __builtin_cpu_supports("avx2");
  cpu.fma = __builtin_cpu_supports("fma");
  cpu.avx512f = __builtin_cpu_supports("avx512f");
  cpu.avx512vl = __builtin_cpu_supports("avx512vl");
#endif
  return cpu;
}

std::string CpuFeatures::ToString() const {
  std::string out;
  auto add = [&out](bool present, const char* name) {
    if (!present) return;
    if (!out.empty()) out += ' ';
    out += name;
  };
  add(avx2, "avx2");
  add(fma, "fma");
  add(avx512f, "avx512f");
  add(avx512vl, "avx512vl");
  return out.empty() ? "none" : out;
}

const char* BuildArch() {
#ifdef MARQUEE_BUILD_ARCH
  return MARQUEE_BUILD_ARCH;
#else
  return "";
#endif
}

}  // namespace marquee
