// Artwork decisions as the server makes them: one member's homepage row of
// 50 titles, one Decide() a title, for every policy kind and model shape.
//
//   build/artwork_bench [--benchmark_filter=linucb]
//
// The service is synthetic (100,000 members x 20,000 titles x 2,000,000
// plays), so the catalog is production-sized while generation stays quick.
// Each learning policy first takes the same 20,000 updates -- random members
// and titles, a uniformly chosen variant, a play drawn from the ground truth
// -- so that its models are not the prior (a fresh shared model is cheap in
// the same way a trained one is, but a disjoint one has no arms at all).
// Time is per row of 50 decisions (the unit is microseconds; "per50_us" says
// the same as a counter), items/s is decisions a second. Only about a sixth of
// the 110,000 artworks get an update, so the disjoint models score most
// variants with the prior: their times are a lower bound for a catalog whose
// every arm has been shown. A decision includes
// everything Decide() does: the policy's probabilities for every variant of
// the title, the seeded draw and the propensity. The requests cycle through
// 64 pre-drawn (member, row) pairs with their impression ids, so that only
// the decisions are timed.
//
// Before the benchmarks it prints what one Clone() of each trained policy
// costs (median of 5): the server's learner publishes a copy for decisions to
// read (serve/artwork_service.h), so this is the price of one publish. The
// disjoint models are also cloned after every artwork has been shown once,
// their largest state.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "model_bench_util.h"
#include "marquee/bandit/policy.h"
#include "marquee/bandit/simulator.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

constexpr uint32_t kRowTitles = 50;
constexpr uint32_t kRequests = 64;
constexpr uint32_t kTrainUpdates = 20000;
constexpr uint64_t kDecideSeed = 42;

struct Request {
  uint32_t member = 0;
  std::vector<uint32_t> titles;
  std::vector<std::string> impression_ids;
};

struct World {
  SyntheticService service;
  std::shared_ptr<const ArtworkFeatures> features;
  std::vector<float> contexts;  // members x member_dim
  std::vector<Request> requests;

  std::span<const float> Context(uint32_t member) const {
    const size_t dim = features->member_dim();
    return {contexts.data() + size_t{member} * dim, dim};
  }
};

World& TheWorld() {
  static World* world = [] {
    auto w = new World;
    SyntheticConfig config;
    config.members = 100000;
    config.titles = 20000;
    config.plays = 2000000;
    w->service = bench::Generate(config);
    w->features = std::make_shared<const ArtworkFeatures>(w->service.dataset.catalog);
    w->contexts = MemberContexts(w->service.dataset, *w->features);
    Rng rng(7);
    for (uint32_t r = 0; r < kRequests; ++r) {
      Request request;
      request.member = rng.Below(config.members);
      for (uint32_t k = 0; k < kRowTitles; ++k) {
        request.titles.push_back(rng.Below(config.titles));
        request.impression_ids.push_back("imp-" + std::to_string(r) + "-" + std::to_string(k));
      }
      w->requests.push_back(std::move(request));
    }
    return w;
  }();
  return *world;
}

// The same stream of updates for every policy: a uniform log's worth of
// feedback, rewards drawn from the true play probabilities. Returns how many
// distinct artworks were shown: the disjoint models have an arm for those
// only, and score the rest with the prior (cheaper than a trained arm).
uint32_t Train(const World& world, ArtworkPolicy& policy) {
  const GroundTruth& truth = world.service.truth;
  std::vector<bool> shown(world.features->artwork_count());
  uint32_t distinct = 0;
  Rng rng(11);
  for (uint32_t i = 0; i < kTrainUpdates; ++i) {
    const uint32_t member = rng.Below(truth.member_count());
    const uint32_t title = rng.Below(truth.title_count());
    const uint32_t variants = world.features->variant_count(title);
    if (variants == 0) continue;
    const uint32_t variant = rng.Below(variants);
    const double reward = rng.Bernoulli(truth.PlayProbability(member, title, variant)) ? 1.0 : 0.0;
    policy.Update({world.Context(member), title}, variant, reward);
    const uint32_t artwork = world.features->artwork_offset(title) + variant;
    distinct += !shown[artwork];
    shown[artwork] = true;
  }
  return distinct;
}

// Median wall time of one Clone() in milliseconds, and the state's size.
void PrintCloneCost(const char* label, const ArtworkPolicy& policy) {
  std::vector<double> ms;
  for (int i = 0; i < 5; ++i) {
    const auto start = std::chrono::steady_clock::now();
    std::unique_ptr<ArtworkPolicy> copy = policy.Clone();
    ms.push_back(1e3 * bench::Seconds(start));
    benchmark::DoNotOptimize(copy.get());
  }
  std::sort(ms.begin(), ms.end());
  ByteWriter state;
  policy.SaveState(state);
  std::printf("%-36s clone %8.3f ms (state %.1f MB)\n", label, ms[2], state.bytes().size() / 1e6);
}

// Every artwork updated once (a copy of `policy`): the disjoint models at
// their largest.
std::unique_ptr<ArtworkPolicy> EveryArmShown(const World& world, const ArtworkPolicy& policy) {
  std::unique_ptr<ArtworkPolicy> full = policy.Clone();
  for (uint32_t title = 0; title < world.features->title_count(); ++title) {
    for (uint32_t v = 0; v < world.features->variant_count(title); ++v) {
      full->Update({world.Context(title % 1000), title}, v, 0.0);
    }
  }
  return full;
}

void BM_DecideRow(benchmark::State& state, const ArtworkPolicy* policy) {
  const World& world = TheWorld();
  size_t next = 0;
  uint64_t chosen = 0;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    const Request& request = world.requests[next];
    next = (next + 1) % world.requests.size();
    const std::span<const float> member = world.Context(request.member);
    for (uint32_t k = 0; k < kRowTitles; ++k) {
      const ArtworkDecision d =
          Decide(*policy, {member, request.titles[k]}, kDecideSeed, request.impression_ids[k]);
      chosen += d.variant;
      benchmark::DoNotOptimize(d.propensity);
    }
  }
  // Wall time, as the server's request sees it (the same as the Time column
  // here: one thread, nothing to wait for); a plain number, where an inverted
  // rate counter would print with a unit suffix.
  const double micros = 1e6 * bench::Seconds(start);
  benchmark::DoNotOptimize(chosen);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kRowTitles);
  state.counters["per50_us"] = benchmark::Counter(micros, benchmark::Counter::kAvgIterations);
  state.counters["member_dim"] = static_cast<double>(world.features->member_dim());
  state.counters["joint_dim"] = static_cast<double>(world.features->joint_dim());
}

struct PolicySpec {
  const char* label;
  const char* kind;
  const char* parameters;
};

constexpr PolicySpec kPolicies[] = {
    {"uniform", "uniform", ""},
    {"epsilon-greedy", "epsilon-greedy", ""},
    {"linucb/shared", "linucb", "model=shared"},
    {"linucb/disjoint", "linucb", "model=disjoint"},
    {"thompson/shared", "thompson", "model=shared"},
    {"thompson/disjoint", "thompson", "model=disjoint"},
};

}  // namespace
}  // namespace marquee

int main(int argc, char** argv) {
  using namespace marquee;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  const World& world = TheWorld();
  uint32_t artwork_min = ~0u, artwork_max = 0;
  for (uint32_t t = 0; t < world.features->title_count(); ++t) {
    artwork_min = std::min(artwork_min, world.features->variant_count(t));
    artwork_max = std::max(artwork_max, world.features->variant_count(t));
  }
  std::printf("catalog: %u titles, %u artworks (%u..%u a title), %u genres, %u styles\n",
              world.features->title_count(), world.features->artwork_count(), artwork_min,
              artwork_max, world.features->genre_count(), world.features->style_count());
  std::printf("features: member_dim %zu, joint_dim %zu\n", world.features->member_dim(),
              world.features->joint_dim());

  // Kept alive for the benchmarks, which see them as const: Decide only reads.
  static std::vector<std::unique_ptr<ArtworkPolicy>> policies;
  for (const PolicySpec& spec : kPolicies) {
    Result<Parameters> parameters = Parameters::Parse(spec.parameters);
    Result<std::unique_ptr<ArtworkPolicy>> policy =
        parameters.ok() ? CreateArtworkPolicy(spec.kind, *parameters, world.features)
                        : Result<std::unique_ptr<ArtworkPolicy>>(parameters.status());
    if (!policy.ok()) {
      std::fprintf(stderr, "%s: %s\n", spec.label, policy.status().ToString().c_str());
      return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    const uint32_t shown = Train(world, **policy);
    std::printf("%-18s trained on %u updates (%u distinct artworks) in %.2f s\n", spec.label,
                kTrainUpdates, shown, bench::Seconds(start));
    PrintCloneCost(spec.label, **policy);
    if (std::string(spec.parameters) == "model=disjoint") {
      PrintCloneCost((std::string(spec.label) + " (every arm shown)").c_str(), *EveryArmShown(world, **policy));
    }
    // Decisions are timed as the server makes them: on a published copy,
    // prepared for reads (ArtworkPolicy::PrepareForReads).
    const auto prepare_start = std::chrono::steady_clock::now();
    (*policy)->PrepareForReads();
    std::printf("%-18s prepared for reads in %.3f ms\n", spec.label, 1e3 * bench::Seconds(prepare_start));
    policies.push_back(std::move(policy).value());
    benchmark::RegisterBenchmark((std::string("BM_DecideRow/") + spec.label).c_str(), BM_DecideRow,
                                 policies.back().get())
        ->Unit(benchmark::kMicrosecond);
  }
  std::fflush(stdout);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
