#include "marquee/serve/impression_ids.h"

#include <chrono>

#include <fmt/format.h>

#include "marquee/util/random.h"

namespace marquee::serve {

namespace {
// Instances made by this process: two made within one clock tick still differ.
std::atomic<uint64_t> instances{0};
}  // namespace

ImpressionIds::ImpressionIds() {
  const uint64_t clock =
      static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  const uint64_t instance = instances.fetch_add(1, std::memory_order_relaxed);
  uint64_t state = clock ^ (instance * 0x9e3779b97f4a7c15ULL);
  const uint64_t bits = SplitMix64(state) & 0xffffffffffffULL;
  prefix_ = fmt::format("{:012x}", bits);
}

std::string ImpressionIds::Next() {
  return fmt::format("{}-{}", prefix_, next_.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace marquee::serve
