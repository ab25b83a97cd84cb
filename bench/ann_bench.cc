// Approximate top-k retrieval (InnerProductIndex, hnswlib HNSW) against
// exact scoring, on iALS factors trained on a synthetic service. A plain
// main() printing a table:
//
//   build/ann_bench --members 100000 --titles 200000 --plays 10000000 \
//       --factors 64 --iterations 5 --queries 2000 --m 16 --ef-construction 200 \
//       --ef 20,50,100,200,400 --threads 2
//
// Trains iALS (IalsRecommender::Create + Fit), builds the index over the
// title factors (build seconds reported), then for the first --queries
// members compares the exact top-20 (ScoreMember over every title, watched
// titles excluded, TopK) with InnerProductIndex::Search at each ef (watched
// titles passed as `exclude`). recall@k = |ANN top-k intersect exact top-k|
// / |exact top-k|, averaged over all queries' titles; "q/s" is queries per
// second on --threads threads (each query single-threaded, queries in
// parallel), the exact line measured the same way; "short" counts queries
// whose ANN list came back with fewer than k titles.
#include <algorithm>
#include <chrono>
#include <numeric>
#include <cstdio>
#include <string>
#include <vector>

#include "model_bench_util.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/models/ann_index.h"
#include "marquee/models/ials.h"
#include "marquee/models/recommend.h"
#include "marquee/models/top_k.h"
#include "marquee/util/threads.h"

namespace marquee {
namespace {

struct Flags {
  SyntheticConfig data;
  std::string factors = "64";
  std::string iterations = "5";
  uint32_t queries = 2000;
  uint32_t k = 20;
  uint32_t m = 16;
  uint32_t ef_construction = 200;
  std::vector<uint32_t> efs = {20, 50, 100, 200, 400};
  int threads = 2;
};

std::vector<uint32_t> SplitNumbers(const std::string& text) {
  std::vector<uint32_t> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(',', start), text.size());
    if (end > start) parts.push_back(std::stoul(text.substr(start, end - start)));
    start = end + 1;
  }
  return parts;
}

bool ParseFlags(int argc, char** argv, Flags* flags) {
  flags->data.members = 100000;
  flags->data.titles = 200000;
  flags->data.plays = 10000000;
  flags->data.seed = 42;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (flag == "--members") flags->data.members = std::stoul(value);
    else if (flag == "--titles") flags->data.titles = std::stoul(value);
    else if (flag == "--plays") flags->data.plays = std::stoull(value);
    else if (flag == "--seed") flags->data.seed = std::stoull(value);
    else if (flag == "--factors") flags->factors = value;
    else if (flag == "--iterations") flags->iterations = value;
    else if (flag == "--queries") flags->queries = std::stoul(value);
    else if (flag == "--k") flags->k = std::stoul(value);
    else if (flag == "--m") flags->m = std::stoul(value);
    else if (flag == "--ef-construction") flags->ef_construction = std::stoul(value);
    else if (flag == "--ef") flags->efs = SplitNumbers(value);
    else if (flag == "--threads") flags->threads = std::stoi(value);
    else return false;
  }
  return true;
}

int Run(const Flags& flags) {
  SetThreadCount(flags.threads);
  const SyntheticService service = bench::Generate(flags.data);
  const InteractionMatrix& train = service.dataset.interactions;
  std::printf("%d threads\n", flags.threads);
  std::fflush(stdout);
  auto start = std::chrono::steady_clock::now();

  Parameters p;
  p.Set("factors", flags.factors);
  p.Set("iterations", flags.iterations);
  Result<std::unique_ptr<Recommender>> created = IalsRecommender::Create(p);
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.status().ToString().c_str());
    return 1;
  }
  const auto& model = static_cast<const IalsRecommender&>(**created);
  TrainContext context;
  context.seed = 42;
  start = std::chrono::steady_clock::now();
  const Status s = (*created)->Fit(train, context);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("ials: %s factors, %s iterations, fit in %.1f s\n", flags.factors.c_str(),
              flags.iterations.c_str(), bench::Seconds(start));
  std::fflush(stdout);

  uint32_t zero_titles = 0;  // titles never played keep a zero vector
  for (uint32_t t = 0; t < model.title_factors().rows(); ++t) {
    const float* row = model.title_factors().Row(t);
    zero_titles += std::all_of(row, row + model.title_factors().stride(), [](float x) { return x == 0; });
  }
  std::printf("titles with a zero factor vector: %u\n", zero_titles);
  InnerProductIndex index;
  start = std::chrono::steady_clock::now();
  if (Status built = index.Build(model.title_factors(), flags.m, flags.ef_construction, flags.threads);
      !built.ok()) {
    std::fprintf(stderr, "%s\n", built.ToString().c_str());
    return 1;
  }
  std::printf("index: M=%u ef_construction=%u, built in %.1f s, %.1f MiB\n", flags.m,
              flags.ef_construction, bench::Seconds(start), index.memory_bytes() / 1048576.0);

  const uint32_t queries = std::min(flags.queries, train.rows());
  const FactorMatrix& members = model.member_factors();
  const uint32_t stride = members.stride();

  // Exact: every title scored, watched excluded, TopK -- the serving path.
  std::vector<uint32_t> query_members(queries);
  std::iota(query_members.begin(), query_members.end(), 0u);
  start = std::chrono::steady_clock::now();
  const std::vector<std::vector<ScoredTitle>> exact =
      RecommendBatch(model, train, query_members, RecommendOptions{.k = flags.k});
  const double exact_seconds = bench::Seconds(start);

  const std::string recall_header = "recall@" + std::to_string(flags.k);
  std::printf("\n%-10s %10s %12s %10s %8s\n", "method", recall_header.c_str(), "q/s", "speedup",
              "short");
  std::printf("%-10s %10.4f %12.0f %10s %8d\n", "exact", 1.0, queries / exact_seconds, "1.0x", 0);
  std::fflush(stdout);
  for (uint32_t ef : flags.efs) {
    std::vector<std::vector<ScoredTitle>> ann(queries);
    start = std::chrono::steady_clock::now();
#pragma omp parallel for num_threads(flags.threads) schedule(dynamic, 16)
    for (uint32_t u = 0; u < queries; ++u) {
      ann[u] = index.Search({members.Row(u), stride}, flags.k, ef, train.RowIndices(u));
    }
    const double seconds = bench::Seconds(start);
    uint64_t hits = 0, total = 0, short_lists = 0;
    for (uint32_t u = 0; u < queries; ++u) {
      short_lists += ann[u].size() < exact[u].size();
      std::vector<uint32_t> truth;
      for (const ScoredTitle& t : exact[u]) truth.push_back(t.title);
      std::sort(truth.begin(), truth.end());
      for (const ScoredTitle& t : ann[u]) hits += std::binary_search(truth.begin(), truth.end(), t.title);
      total += truth.size();
    }
    const std::string label = "ef=" + std::to_string(ef);
    char speedup[32];
    std::snprintf(speedup, sizeof speedup, "%.1fx", exact_seconds / seconds);
    std::printf("%-10s %10.4f %12.0f %10s %8llu\n", label.c_str(),
                total ? static_cast<double>(hits) / total : 1.0, queries / seconds, speedup,
                static_cast<unsigned long long>(short_lists));
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace marquee

int main(int argc, char** argv) {
  marquee::Flags flags;
  if (!marquee::ParseFlags(argc, argv, &flags)) {
    std::fprintf(stderr,
                 "usage: %s [--members N] [--titles N] [--plays N] [--seed N] [--factors N]\n"
                 "          [--iterations N] [--queries N] [--k N] [--m N] [--ef-construction N]\n"
                 "          [--ef 20,50,...] [--threads N]\n",
                 argv[0]);
    return 2;
  }
  return marquee::Run(flags);
}
