// Generating the synthetic service: a medium service (20,000 members x 2,000
// titles x 1,000,000 plays) and how the cost grows with plays. Items/s is
// plays a second.
//
//   build/generate_bench --benchmark_filter=Medium
#include <benchmark/benchmark.h>

#include "marquee/synthetic/synthetic.h"

namespace marquee {
namespace {

void BM_GenerateMedium(benchmark::State& state) {
  SyntheticConfig config;
  config.members = 20000;
  config.titles = 2000;
  config.plays = 1000000;
  for (auto _ : state) {
    Result<SyntheticService> service = GenerateService(config);
    if (!service.ok()) {
      state.SkipWithError(service.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(service->dataset.interactions.nnz());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * config.plays));
}
// Real time: the work runs on OpenMP threads, not the benchmark's.
BENCHMARK(BM_GenerateMedium)->Unit(benchmark::kMillisecond)->UseRealTime();

// Plays per member grows with the argument (members and titles fixed), so
// the per-play cost shows apart from the per-member and catalog costs.
void BM_GeneratePlays(benchmark::State& state) {
  SyntheticConfig config;
  config.members = 10000;
  config.titles = 5000;
  config.plays = static_cast<uint64_t>(state.range(0));
  for (auto _ : state) {
    Result<SyntheticService> service = GenerateService(config);
    if (!service.ok()) {
      state.SkipWithError(service.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(service->dataset.interactions.nnz());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_GeneratePlays)
    ->Arg(100000)
    ->Arg(1000000)
    ->Arg(4000000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace marquee

BENCHMARK_MAIN();
