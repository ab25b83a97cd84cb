// What the homepage route's artwork costs, without HTTP or wrk: the route's
// handler (Handlers::MemberHomepage) called in process for random members,
// once without artwork and once with artwork on the first 4 titles of each of
// 10 rows x 20 (40 impressions a page, each decided behind the consent gate,
// logged with its ledger row and committed before the call returns, then
// learned from by the service's learner thread), as bench/serve_load.sh's
// homepage scenario asks for them.
//
//   build/serve_homepage_bench [--data F.mqd] [--model DIR] [--pages 4000] [--threads 1]
//
// Defaults read bench/serve_load.sh's homepage service
// (bench-out/serve/homepage-service.mqd, homepage-model/); the events go to a
// fresh SQLite file beside the data, at the server's default durability. The CPU time
// is the process's (every thread: the callers, the group-commit leader, the
// learner, which is flushed before the clock stops), so the difference
// between the two runs divided by 40 is what one impression costs the
// machine, all included.
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "model_bench_util.h"
#include "marquee/bandit/artwork_features.h"
#include "marquee/serve/http/handlers.h"
#include "marquee/serve/serving_stack.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct RunResult {
  double wall_us_per_page = 0;
  double cpu_us_per_page = 0;
  uint64_t failed = 0;
};

RunResult Run(serve::Handlers& handlers, serve::ArtworkService* artwork, uint32_t members, uint32_t pages,
              uint32_t threads, bool with_artwork, uint64_t seed) {
  serve::QueryParams params = {{"rows", "10"}, {"per_row", "20"}, {"artwork_columns", "4"}};
  if (!with_artwork) params.insert({"artwork", "false"});
  std::atomic<uint64_t> failed{0};
  const double cpu0 = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (uint32_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      Rng rng(DeriveSeed(seed, t));
      char member[16];
      for (uint32_t i = t; i < pages; i += threads) {
        std::snprintf(member, sizeof member, "m%07u", rng.Below(members));
        serve::Reply reply = handlers.MemberHomepage(member, params);
        if (reply.status != 200) failed.fetch_add(1);
      }
    });
  }
  for (std::thread& w : workers) w.join();
  if (artwork != nullptr) artwork->Flush();  // the learner's share of these pages
  RunResult r;
  r.wall_us_per_page = 1e6 * bench::Seconds(start) / pages;
  r.cpu_us_per_page = 1e6 * (CpuSeconds() - cpu0) / pages;
  r.failed = failed.load();
  return r;
}

int Main(int argc, char** argv) {
  std::string data = "bench-out/serve/homepage-service.mqd";
  std::string model = "bench-out/serve/homepage-model";
  uint32_t pages = 4000, threads = 1, rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--data") data = argv[i + 1];
    else if (flag == "--model") model = argv[i + 1];
    else if (flag == "--pages") pages = static_cast<uint32_t>(std::stoul(argv[i + 1]));
    else if (flag == "--threads") threads = static_cast<uint32_t>(std::stoul(argv[i + 1]));
    else if (flag == "--rounds") rounds = static_cast<uint32_t>(std::stoul(argv[i + 1]));
    else {
      std::fprintf(stderr, "usage: %s [--data F.mqd] [--model DIR] [--pages N] [--threads T] [--rounds R]\n", argv[0]);
      return 2;
    }
  }
  const std::string events = std::filesystem::path(data).parent_path().string() + "/serve_homepage_bench." + std::to_string(getpid()) + ".db";
  serve::ServingStackOptions options;
  options.data = data;
  options.model_dir = model;
  options.events_path = events;
  options.event_store.max_readers = 8;
  Result<serve::ServingStack> stack = serve::OpenServingStack(options);
  if (!stack.ok()) {
    std::fprintf(stderr, "%s\n", stack.status().ToString().c_str());
    return 1;
  }
  serve::ServerOptions server_options;
  serve::Metrics metrics;
  serve::Handlers handlers(server_options, *stack->models, *stack->events, metrics, *stack->recommendations,
                           stack->artwork.get(), stack->ingest, stack->consent.get(), stack->homepage.get());
  const uint32_t members = static_cast<uint32_t>(stack->dataset->members.size());
  std::printf("homepage 10 x 20, artwork on 4 a row (40 impressions): %u pages a run, %u calling thread(s), "
              "policy %s, durability %s\n",
              pages, threads, stack->artwork->policy_name().c_str(),
              std::string(DurabilityName(stack->ingest.impressions)).c_str());
  {
    const ArtworkFeatures features(stack->dataset->catalog);
    std::printf("catalog: %u titles, %u artworks (%.2f a title), %u genres, %u styles: joint features %zu\n",
                features.title_count(), features.artwork_count(),
                static_cast<double>(features.artwork_count()) / features.title_count(), features.genre_count(),
                features.style_count(), features.joint_dim());
  }
  (void)Run(handlers, stack->artwork.get(), members, pages / 4, threads, true, 99);  // warm up
  for (uint32_t round = 0; round < rounds; ++round) {
    const RunResult plain = Run(handlers, nullptr, members, pages, threads, false, 2 * round + 1);
    const RunResult art = Run(handlers, stack->artwork.get(), members, pages, threads, true, 2 * round + 2);
    std::printf("round %u: no artwork %7.1f us cpu/page (%7.1f wall); artwork %7.1f us cpu/page (%7.1f wall); "
                "per impression %5.2f us cpu (%5.2f wall)%s\n",
                round, plain.cpu_us_per_page, plain.wall_us_per_page, art.cpu_us_per_page, art.wall_us_per_page,
                (art.cpu_us_per_page - plain.cpu_us_per_page) / 40, (art.wall_us_per_page - plain.wall_us_per_page) / 40,
                plain.failed + art.failed > 0 ? " (FAILED requests)" : "");
    std::fflush(stdout);
  }
  stack->artwork.reset();
  stack->homepage.reset();
  stack->recommendations.reset();
  stack->events.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(events + suffix);
  return 0;
}

}  // namespace
}  // namespace marquee

int main(int argc, char** argv) { return marquee::Main(argc, argv); }
