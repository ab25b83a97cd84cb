// EASE at catalog scale: the CPU and BLAS, training time by stage (Gram
// matrix, inversion, weights), peak memory, batch recommendation throughput,
// and the inverse of one G in float and in double -- speed and how far apart
// the resulting models are.
//
//   build/ease_bench                       # 100,000 x 20,000 x 10M plays
//   build/ease_bench --members 20000 --titles 5000 --plays 2000000
//   build/ease_bench --precision_titles 0  # skip the float/double comparison
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "marquee/models/cooccurrence.h"
#include "marquee/models/ease.h"
#include "marquee/models/spd_inverse.h"
#include "marquee/models/top_k.h"
#include "marquee/util/threads.h"
#include "model_bench_util.h"

namespace marquee {
namespace {

using bench::Seconds;

void TrainAndServe(const InteractionMatrix& data, double lambda, uint32_t recommend_members) {
  auto created = EaseRecommender::Create({{"lambda", std::to_string(lambda)}});
  std::unique_ptr<Recommender> model = std::move(created).value();
  bench::StageTimer timer;
  TrainContext context;
  context.progress = timer.Callback();
  Status fit = model->Fit(data, context);
  const double total = timer.total();
  if (!fit.ok()) {
    std::printf("fit failed: %s\n", fit.ToString().c_str());
    return;
  }
  std::printf("\nEASE training, %u titles, lambda %g, %d threads\n", data.cols(), lambda,
              ThreadCount());
  // After the fit: the thread count OpenBLAS was given for the inverse.
  std::printf("  inverse by %s\n", LinearAlgebraLibrary().c_str());
  std::printf("  %-22s %10s\n", "stage", "seconds");
  for (const auto& [stage, seconds] : timer.stages()) {
    std::printf("  %-22s %10.2f\n", stage.c_str(), seconds);
  }
  std::printf("  %-22s %10.2f\n", "total (Fit)", total);
  double gram = 0, inverse = 0;
  for (const auto& [stage, seconds] : timer.stages()) {
    if (stage == "ease: gram matrix") gram = seconds;
    if (stage == "ease: inverting") inverse = seconds;
  }
  std::printf("  EASE %u titles: gram %.2f s, inverse %.2f s, total %.2f s\n", data.cols(), gram,
              inverse, total);
  std::printf("  peak RSS %.2f GB (n x n float = %.2f GB)\n", bench::PeakRssGb(),
              4.0 * data.cols() * data.cols() / 1e9);
  const double rate = bench::RecommendThroughput(*model, data, recommend_members);
  std::printf("\nRecommendBatch (k = 20, history excluded), %u members: %.0f members/s\n",
              recommend_members, rate);
}

// B from P (both triangles), row-major, as the model computes it.
template <typename T>
std::vector<T> WeightsFromPrecision(const std::vector<T>& p, uint32_t n) {
  std::vector<T> b(p.size());
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) b[i * n + j] = i == j ? 0 : -p[i * n + j] / p[j * n + j];
  }
  return b;
}

template <typename T>
std::vector<ScoredTitle> Top20(const std::vector<T>& b, uint32_t n, History h) {
  std::vector<float> scores(n, 0.0f);
  std::vector<double> sums(n, 0.0);
  for (uint32_t t : h.titles) {
    for (uint32_t j = 0; j < n; ++j) sums[j] += b[size_t(t) * n + j];
  }
  std::copy(sums.begin(), sums.end(), scores.begin());
  ExcludeTitles(scores, h.titles);
  return TopK(scores, 20);
}

// One precision of the inverse of G: its time, and how far its B lies from
// the double one.
struct InverseRun {
  const char* name;
  double seconds = 0;
  double relative_error = 0;  // max |B - B_ref| / max |B_ref|
  double same_items = 0;      // share of top-20 titles shared with the reference
  double same_lists = 0;      // share of top-20 lists identical in order
};

template <typename T>
std::vector<double> InvertedWeights(const std::vector<double>& g, uint32_t n, double* seconds) {
  std::vector<T> a(g.begin(), g.end());
  const auto start = std::chrono::steady_clock::now();
  const Status inverted = InvertSymmetricPositiveDefinite(std::span<T>(a), n);
  *seconds = Seconds(start);
  if (!inverted.ok()) std::printf("%s\n", inverted.ToString().c_str());
  const std::vector<T> b = WeightsFromPrecision(a, n);
  return {b.begin(), b.end()};
}

void Compare(const InteractionMatrix& x, const std::vector<double>& reference,
             const std::vector<double>& b, InverseRun& run) {
  const uint32_t n = x.cols();
  double largest = 0, max_error = 0;
  for (size_t e = 0; e < reference.size(); ++e) {
    largest = std::max(largest, std::abs(reference[e]));
    max_error = std::max(max_error, std::abs(b[e] - reference[e]));
  }
  run.relative_error = max_error / largest;
  const uint32_t members = std::min<uint32_t>(2000, x.rows());
  double same_items = 0, same_lists = 0;
  for (uint32_t m = 0; m < members; ++m) {
    auto want = Top20(reference, n, History::Row(x, m));
    auto got = Top20(b, n, History::Row(x, m));
    uint32_t common = 0;
    bool identical = want.size() == got.size();
    for (size_t k = 0; k < got.size(); ++k) {
      identical = identical && k < want.size() && got[k].title == want[k].title;
      for (const ScoredTitle& s : want) common += s.title == got[k].title;
    }
    same_items += got.empty() ? 1.0 : double(common) / got.size();
    same_lists += identical;
  }
  run.same_items = same_items / members;
  run.same_lists = same_lists / members;
}

// The inverse of the same G in double and in float (EASE's choice); B is
// compared with the double result.
void CompareInverses(const InteractionMatrix& x, double lambda) {
  const uint32_t n = x.cols();
  const InteractionMatrix xt = x.Transpose();
  std::vector<double> g(size_t(n) * n, 0.0);
#pragma omp parallel for schedule(dynamic, 16)
  for (int64_t i = 0; i < n; ++i) {
    std::span<double> column(g.data() + size_t(i) * n, n);
    AddCooccurrenceLower<double>(x, xt, uint32_t(i), true, column);
    column[i] += lambda;
  }
  InverseRun runs[] = {{"double"}, {"float"}};
  const std::vector<double> reference = InvertedWeights<double>(g, n, &runs[0].seconds);
  Compare(x, reference, reference, runs[0]);
  Compare(x, reference, InvertedWeights<float>(g, n, &runs[1].seconds), runs[1]);

  const uint32_t members = std::min<uint32_t>(2000, x.rows());
  std::printf("\nInverse of G, %u titles, lambda %g, %d threads; B against double,\n"
              "top-20 lists of %u members\n",
              n, lambda, ThreadCount(), members);
  std::printf("  %-16s %10s %14s %14s %14s\n", "scalar", "seconds", "max rel err", "titles shared",
              "lists same");
  for (const InverseRun& run : runs) {
    std::printf("  %-16s %10.2f %14.2e %13.2f%% %13.1f%%\n", run.name, run.seconds,
                run.relative_error, 100 * run.same_items, 100 * run.same_lists);
  }
}

}  // namespace
}  // namespace marquee

int main(int argc, char** argv) {
  using namespace marquee;
  auto flags = bench::ParseFlags(argc, argv,
                                 {{"members", 100000},
                                  {"titles", 20000},
                                  {"plays", 10000000},
                                  {"lambda", 500},
                                  {"recommend", 5000},
                                  {"precision_titles", 5000},
                                  {"threads", 0}});
  SetThreadCount(static_cast<int>(flags["threads"]));
  std::printf("%s\n", bench::CpuDescription().c_str());
  if (flags["titles"] > 0) {
    SyntheticService service = bench::Generate(uint32_t(flags["members"]),
                                               uint32_t(flags["titles"]), uint64_t(flags["plays"]));
    TrainAndServe(service.dataset.interactions, flags["lambda"], uint32_t(flags["recommend"]));
  }
  if (flags["precision_titles"] > 0) {
    // The same plays per member and per title as the main run, scaled down.
    const double scale = flags["precision_titles"] / std::max(1.0, flags["titles"]);
    SyntheticService small = bench::Generate(uint32_t(flags["members"] * scale),
                                             uint32_t(flags["precision_titles"]),
                                             uint64_t(flags["plays"] * scale));
    CompareInverses(small.dataset.interactions, flags["lambda"]);
  }
  return 0;
}
