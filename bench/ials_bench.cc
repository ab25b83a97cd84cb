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
//
// For comparisons with other libraries (bench/compare_implicit.sh):
//   --data FILE.mqd   train on this dataset (from marquee generate or import)
//                     instead of generating one
//   --save DIR        with --data: after each fit, write DIR/f<factors>/ as a
//                     model directory (for marquee recommend), plus the factors
//                     unpadded, row-major, little-endian float32 (index order of
//                     the dataset), shape (rows, factors):
//                       members.f32 (members x factors), titles.f32 (titles x factors)
//                     and once DIR/matrix/ with the training matrix as CSR:
//                       shape.txt "members titles nnz", indptr.u64 (members + 1),
//                       indices.u32 (nnz titles), weights.f32 (nnz weights)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "model_bench_util.h"
#include "marquee/data/dataset_file.h"
#include "marquee/models/ials.h"
#include "marquee/models/ials_kernel.h"
#include "marquee/util/cpu_features.h"
#include "marquee/models/model_file.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/util/threads.h"

namespace marquee {
namespace {

struct Flags {
  SyntheticConfig data_config;
  std::vector<std::string> factors = {"64", "128"};
  std::vector<std::string> solvers = {"cg", "cholesky"};
  std::string iterations = "15";
  int threads = 2;
  uint32_t recommend = 20000;
  bool verbose = false;
  Parameters extra;
  std::string data;  // a dataset file instead of generated data
  std::string save;  // where to write models, factors and the matrix (needs `data`)
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
  flags->data_config.members = 100000;
  flags->data_config.titles = 20000;
  flags->data_config.plays = 10000000;
  flags->data_config.seed = 42;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--verbose") {
      flags->verbose = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (flag == "--members") flags->data_config.members = std::stoul(value);
    else if (flag == "--titles") flags->data_config.titles = std::stoul(value);
    else if (flag == "--plays") flags->data_config.plays = std::stoull(value);
    else if (flag == "--seed") flags->data_config.seed = std::stoull(value);
    else if (flag == "--factors") flags->factors = SplitCommas(value);
    else if (flag == "--solvers") flags->solvers = SplitCommas(value);
    else if (flag == "--iterations") flags->iterations = value;
    else if (flag == "--threads") flags->threads = std::stoi(value);
    else if (flag == "--recommend") flags->recommend = std::stoul(value);
    else if (flag == "--data") flags->data = value;
    else if (flag == "--save") flags->save = value;
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

// `count` items of T to `path`, raw; false (with a message) on failure.
template <typename T>
bool WriteRaw(const std::string& path, const T* data, size_t count) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  const bool ok = f != nullptr && std::fwrite(data, sizeof(T), count, f) == count;
  if (f != nullptr && std::fclose(f) != 0) return false;
  if (!ok) std::fprintf(stderr, "cannot write %s\n", path.c_str());
  return ok;
}

bool WriteFactors(const std::string& path, const FactorMatrix& m) {
  std::vector<float> rows(static_cast<size_t>(m.rows()) * m.factors());
  for (uint32_t r = 0; r < m.rows(); ++r) {
    std::copy_n(m.Row(r), m.factors(), rows.data() + static_cast<size_t>(r) * m.factors());
  }
  return WriteRaw(path, rows.data(), rows.size());
}

bool WriteMatrix(const std::string& dir, const InteractionMatrix& x) {
  std::filesystem::create_directories(dir);
  std::FILE* shape = std::fopen((dir + "/shape.txt").c_str(), "w");
  if (shape == nullptr) return false;
  std::fprintf(shape, "%u %u %llu\n", x.rows(), x.cols(), static_cast<unsigned long long>(x.nnz()));
  std::fclose(shape);
  return WriteRaw(dir + "/indptr.u64", x.indptr().data(), x.indptr().size()) &&
         WriteRaw(dir + "/indices.u32", x.indices().data(), x.indices().size()) &&
         WriteRaw(dir + "/weights.f32", x.weights().data(), x.weights().size());
}

// The model directory marquee recommend reads, and the raw factors.
bool SaveFit(const std::string& dir, const Recommender& model, const Dataset& dataset,
             double fit_seconds) {
  const ModelInfo info =
      DescribeTrainedModel(model, "ials", dataset, dataset.interactions, fit_seconds);
  const Status saved = SaveModel(model, info, dataset.members, dataset.titles, dir);
  if (!saved.ok()) {
    std::fprintf(stderr, "%s\n", saved.ToString().c_str());
    return false;
  }
  const auto& ials = static_cast<const IalsRecommender&>(model);
  return WriteFactors(dir + "/members.f32", ials.member_factors()) &&
         WriteFactors(dir + "/titles.f32", ials.title_factors());
}

int Run(const Flags& flags) {
  SetThreadCount(flags.threads);
  Dataset dataset;
  if (flags.data.empty()) {
    dataset = bench::Generate(flags.data_config).dataset;
  } else {
    Result<Dataset> loaded = LoadDataset(flags.data);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
      return 1;
    }
    dataset = std::move(loaded).value();
    std::printf("loaded %s: %u members x %u titles x %llu plays\n", flags.data.c_str(),
                dataset.interactions.rows(), dataset.interactions.cols(),
                static_cast<unsigned long long>(dataset.interactions.nnz()));
  }
  const InteractionMatrix& train = dataset.interactions;
  if (!flags.save.empty() && !WriteMatrix(flags.save + "/matrix", train)) return 1;
  const Result<const ials::IalsKernel*> kernel = ials::ActiveIalsKernel();
  if (!kernel.ok()) {
    std::fprintf(stderr, "ials_bench: %s\n", kernel.status().ToString().c_str());
    return 2;
  }
  std::printf("%s\nbuild %s; iALS kernel %s; %d threads\n", bench::CpuDescription().c_str(), BuildArch(),
              (*kernel)->name, flags.threads);
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
      if (!flags.save.empty() && !SaveFit(flags.save + "/f" + factors, **model, dataset, fit_seconds)) {
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
                 "          [--recommend N] [--param name=value]... [--verbose]\n"
                 "          [--data DATASET.mqd [--save DIR]]\n",
                 argv[0]);
    return 2;
  }
  if (!flags.save.empty() && flags.data.empty()) {
    std::fprintf(stderr, "--save needs --data (the model directory keeps the dataset's ids)\n");
    return 2;
  }
  return marquee::Run(flags);
}
