// Exact scoring of every title by inner products (util/factor_matrix.h), on
// one core: the single-member kernel behind IalsRecommender::ScoreMember and
// ScoreHistory (the HTTP server's path), the block product behind batch
// recommendation, and the top-k selection that follows either. Random
// factors; 20,000 titles (the issue 12 service) at 64 and 128 factors.
// Items/s is titles scored (or ranked) a second.
//
//   build/score_bench --benchmark_min_time=0.5s
//
// BM_ScoreAllDotPerTitle is the kernel ScoreAll replaced (one Dot and one
// horizontal sum a title), kept as the baseline.
#include <benchmark/benchmark.h>

#include "marquee/util/cpu_features.h"

#include "model_bench_util.h"

#include <vector>

#include "marquee/models/top_k.h"
#include "marquee/util/factor_matrix.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

FactorMatrix RandomMatrix(uint32_t rows, uint32_t factors, uint64_t seed) {
  Rng rng(seed);
  FactorMatrix m(rows, factors);
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t j = 0; j < factors; ++j) m.Row(r)[j] = static_cast<float>(rng.Normal() * 0.1);
  }
  return m;
}

// One member (range(1) factors) against range(0) titles through `score`.
template <typename Score>
void ScoreOneMember(benchmark::State& state, Score score) {
  const uint32_t titles = static_cast<uint32_t>(state.range(0));
  const uint32_t factors = static_cast<uint32_t>(state.range(1));
  const FactorMatrix y = RandomMatrix(titles, factors, 1);
  const FactorMatrix x = RandomMatrix(1, factors, 2);
  std::vector<float> scores(titles);
  for (auto _ : state) {
    score(y, x.Row(0), scores);
    benchmark::DoNotOptimize(scores.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * titles);
}

void BM_ScoreAll(benchmark::State& state) {
  ScoreOneMember(state, [](const FactorMatrix& y, const float* x, std::vector<float>& scores) {
    ScoreAll(y, x, scores);
  });
}
BENCHMARK(BM_ScoreAll)->Args({20000, 64})->Args({20000, 128})->Unit(benchmark::kMicrosecond);

// The former kernel, one Dot (and one horizontal sum) a title: the baseline.
void BM_ScoreAllDotPerTitle(benchmark::State& state) {
  ScoreOneMember(state, [](const FactorMatrix& y, const float* x, std::vector<float>& scores) {
    for (uint32_t i = 0; i < y.rows(); ++i) scores[i] = Dot(x, y.Row(i), y.stride());
  });
}
BENCHMARK(BM_ScoreAllDotPerTitle)->Args({20000, 64})->Args({20000, 128})->Unit(benchmark::kMicrosecond);

// Per member of a block of range(2) members; time per block.
void BM_ScoreBlock(benchmark::State& state) {
  const uint32_t titles = static_cast<uint32_t>(state.range(0));
  const uint32_t factors = static_cast<uint32_t>(state.range(1));
  const uint32_t count = static_cast<uint32_t>(state.range(2));
  const FactorMatrix y = RandomMatrix(titles, factors, 1);
  const FactorMatrix x = RandomMatrix(count, factors, 2);
  std::vector<float> scores(static_cast<size_t>(count) * titles);
  for (auto _ : state) {
    ScoreBlock(x, 0, count, y, scores.data(), titles);
    benchmark::DoNotOptimize(scores.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * titles * count);
  state.counters["members/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * count,
                                                   benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScoreBlock)
    ->Args({20000, 64, 32})
    ->Args({20000, 64, 64})
    ->Args({20000, 64, 128})
    ->Args({20000, 64, 256})
    ->Args({20000, 128, 64})
    ->Args({20000, 128, 128})
    ->Unit(benchmark::kMillisecond);

// Top 20 of 20,000 scores of one member (the selection after scoring).
void BM_TopK(benchmark::State& state) {
  const uint32_t titles = static_cast<uint32_t>(state.range(0));
  const FactorMatrix y = RandomMatrix(titles, 64, 1);
  const FactorMatrix x = RandomMatrix(1, 64, 2);
  std::vector<float> scores(titles);
  ScoreAll(y, x.Row(0), scores);
  for (auto _ : state) benchmark::DoNotOptimize(TopK(scores, 20));
  state.SetItemsProcessed(state.iterations() * titles);
}
BENCHMARK(BM_TopK)->Arg(20000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace marquee

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("machine", marquee::bench::CpuDescription());
  benchmark::AddCustomContext("build", marquee::BuildArch());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
