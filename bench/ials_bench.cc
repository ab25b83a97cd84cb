// iALS training speed on a synthetic service: seconds per iteration,
// interactions per second and the final loss, for each solver and factor
// count. A plain main() (one long run per setting, not Google Benchmark's
// repetitions):
//
//   build/ials_bench --members 100000 --titles 20000 --plays 10000000 \
//       --factors 64,128 --iterations 15 --solvers cg,cholesky --threads 2
//
// "s/iter" is the mean of TrainingIteration::seconds (both half-steps and
// the Gramians; not the loss, which Fit computes once, after the last);
// "plays/s" is nnz * iterations / that time, each iteration solving both the
// member and the title side; "fit s" is the whole Fit() wall time, setup and
// the final loss included; "rec/s" is batch recommendation throughput
// (RecommendBatch, k = 20, watched titles excluded) over the first
// --recommend members (default 20000). --param name=value passes any other
// parameter.
#include <benchmark/benchmark.h>

#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "model_bench_util.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/models/ials.h"
#include "marquee/util/threads.h"

namespace marquee {
namespace {

struct Flags {
  SyntheticConfig data;
  std::vector<std::string> factors = {"64", "128"};
  std::vector<std::string> solvers = {"cg", "cholesky"};
  std::string iterations = "15";
  int threads = 2;
  uint32_t recommend = 20000;
  bool verbose = false;
  Parameters extra;
};

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(',', start), text.size());
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool ParseFlags(int argc, char** argv, Flags* flags) {
  flags->data.members = 100000;
  flags->data.titles = 20000;
  flags->data.plays = 10000000;
  flags->data.seed = 42;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--verbose") {
      flags->verbose = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (flag == "--members") flags->data.members = std::stoul(value);
    else if (flag == "--titles") flags->data.titles = std::stoul(value);
    else if (flag == "--plays") flags->data.plays = std::stoull(value);
    else if (flag == "--seed") flags->data.seed = std::stoull(value);
    else if (flag == "--factors") flags->factors = SplitCommas(value);
    else if (flag == "--solvers") flags->solvers = SplitCommas(value);
    else if (flag == "--iterations") flags->iterations = value;
    else if (flag == "--threads") flags->threads = std::stoi(value);
    else if (flag == "--recommend") flags->recommend = std::stoul(value);
    else if (flag == "--param") {
      const size_t eq = value.find('=');
      if (eq == std::string::npos) return false;
      flags->extra.Set(value.substr(0, eq), value.substr(eq + 1));
    } else {
      return false;
    }
  }
  return true;
}

int Run(const Flags& flags) {
  SetThreadCount(flags.threads);
  const SyntheticService service = bench::Generate(flags.data);
  const InteractionMatrix& train = service.dataset.interactions;
  std::printf("%d threads\n", flags.threads);
  auto start = std::chrono::steady_clock::now();
  std::printf("%-9s %7s %6s %9s %12s %9s %16s %9s\n", "solver", "factors", "iters", "s/iter",
              "plays/s", "fit s", "final loss", "rec/s");
  for (const std::string& solver : flags.solvers) {
    for (const std::string& factors : flags.factors) {
      Parameters p = flags.extra;
      p.Set("solver", solver);
      p.Set("factors", factors);
      p.Set("iterations", flags.iterations);
      Result<std::unique_ptr<Recommender>> model = IalsRecommender::Create(p);
      if (!model.ok()) {
        std::fprintf(stderr, "%s\n", model.status().ToString().c_str());
        return 1;
      }
      double solve_seconds = 0, loss = 0;
      uint32_t iterations = 0;
      TrainContext context;
      context.seed = 42;
      context.on_iteration = [&](const TrainingIteration& it) {
        solve_seconds += it.seconds;
        if (it.has_loss) loss = it.loss;
        iterations = it.iteration;
        if (flags.verbose) {
          std::printf("  iteration %3u  %7.3f s  loss %.6e\n", it.iteration, it.seconds,
                      it.has_loss ? it.loss : std::nan(""));
          std::fflush(stdout);
        }
      };
      start = std::chrono::steady_clock::now();
      const Status s = (*model)->Fit(train, context);
      const double fit_seconds = bench::Seconds(start);
      if (!s.ok()) {
        std::fprintf(stderr, "%s\n", s.ToString().c_str());
        return 1;
      }
      const double members_per_second = bench::RecommendThroughput(**model, train, flags.recommend);
      std::printf("%-9s %7s %6u %9.3f %12.3e %9.2f %16.8e %9.0f\n", solver.c_str(), factors.c_str(),
                  iterations, solve_seconds / iterations,
                  static_cast<double>(train.nnz()) * iterations / solve_seconds, fit_seconds,
                  loss, members_per_second);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace marquee

int main(int argc, char** argv) {
  marquee::Flags flags;
  if (!marquee::ParseFlags(argc, argv, &flags)) {
    std::fprintf(stderr,
                 "usage: %s [--members N] [--titles N] [--plays N] [--seed N] [--factors 64,128]\n"
                 "          [--iterations N] [--solvers cg,cholesky] [--threads N]\n"
                 "          [--recommend N] [--param name=value]... [--verbose]\n",
                 argv[0]);
    return 2;
  }
  return marquee::Run(flags);
}
