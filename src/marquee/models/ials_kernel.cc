#include "marquee/models/ials_kernel.h"

#include <cstdlib>
#include <fmt/format.h>

namespace marquee::ials {
namespace {

bool HasAvx512(const CpuFeatures& cpu) { return cpu.avx512f && cpu.avx512vl; }
bool HasAvx2(const CpuFeatures& cpu) { return cpu.avx2 && cpu.fma; }
bool Always(const CpuFeatures&) { return true; }

// Best first: the first one the CPU supports is the default.
constexpr IalsKernel kKernels[] = {
#if MARQUEE_IALS_X86_KERNELS
    {"avx512", "avx512f avx512vl", &HasAvx512, &SolveCgAvx512, &ToHalfF16c},
    {"avx2", "avx2 fma", &HasAvx2, &SolveCgAvx2, &ToHalfF16c},
#endif
    {"portable", "", &Always, &SolveCgPortable, nullptr},
};

std::string KernelNames() {
  std::string names;
  for (const IalsKernel& kernel : kKernels) names += fmt::format("{}{}", names.empty() ? "" : ", ", kernel.name);
  return names;
}

}  // namespace

std::span<const IalsKernel> IalsKernels() { return kKernels; }

Result<const IalsKernel*> SelectIalsKernel(const CpuFeatures& cpu, std::string_view requested) {
  const bool automatic = requested.empty() || requested == "auto";
  for (const IalsKernel& kernel : kKernels) {
    if (automatic) {
      if (kernel.supported(cpu)) return &kernel;
      continue;
    }
    if (requested != kernel.name) continue;
    if (!kernel.supported(cpu)) {
      return Status::InvalidArgument(fmt::format("iALS kernel {} needs {}; this CPU has {}", kernel.name,
                                                 kernel.needs, cpu.ToString()));
    }
    return &kernel;
  }
  if (automatic) return Status::Unsupported("no iALS kernel runs on this CPU");  // unreachable: portable
  return Status::InvalidArgument(
      fmt::format("unknown iALS kernel {}; expected auto or one of: {}", QuoteForError(requested), KernelNames()));
}

Result<const IalsKernel*> ActiveIalsKernel() {
  const char* requested = std::getenv(kIalsKernelEnv);
  Result<const IalsKernel*> kernel = SelectIalsKernel(CpuFeatures::Detect(), requested ? requested : "");
  if (!kernel.ok()) return Status::InvalidArgument(fmt::format("{}: {}", kIalsKernelEnv, kernel.status().message()));
  return kernel;
}

}  // namespace marquee::ials
