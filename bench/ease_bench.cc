// EASE at catalog scale: training time by stage (Gram matrix, inversion,
// weights), peak memory, batch recommendation throughput, and float versus
// double inversion -- speed and how far apart the resulting models are.
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
  std::printf("  %-22s %10s\n", "stage", "seconds");
  for (const auto& [stage, seconds] : timer.stages()) {
    std::printf("  %-22s %10.2f\n", stage.c_str(), seconds);
  }
  std::printf("  %-22s %10.2f\n", "total (Fit)", total);
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
double TimeInverse(std::vector<T>& g, uint32_t n) {
  std::vector<T> work(g.size());
  const auto start = std::chrono::steady_clock::now();
  if (!InvertSymmetricPositiveDefinite<T>(g, work, n)) std::printf("not positive definite\n");
  return Seconds(start);
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

void ComparePrecision(const InteractionMatrix& x, double lambda) {
  const uint32_t n = x.cols();
  const InteractionMatrix xt = x.Transpose();
  std::vector<double> g_double(size_t(n) * n, 0.0);
#pragma omp parallel for schedule(dynamic, 16)
  for (int64_t i = 0; i < n; ++i) {
    std::span<double> column(g_double.data() + size_t(i) * n, n);
    AddCooccurrenceLower<double>(x, xt, uint32_t(i), true, column);
    column[i] += lambda;
  }
  std::vector<float> g_float(g_double.begin(), g_double.end());
  const double float_seconds = TimeInverse(g_float, n);
  const double double_seconds = TimeInverse(g_double, n);
  const std::vector<float> b_float = WeightsFromPrecision(g_float, n);
  const std::vector<double> b_double = WeightsFromPrecision(g_double, n);

  double largest = 0, max_error = 0;
  for (size_t e = 0; e < b_double.size(); ++e) {
    largest = std::max(largest, std::abs(b_double[e]));
    max_error = std::max(max_error, std::abs(b_float[e] - b_double[e]));
  }
  const uint32_t members = std::min<uint32_t>(2000, x.rows());
  double same_items = 0, same_lists = 0;
  for (uint32_t m = 0; m < members; ++m) {
    auto a = Top20(b_float, n, History::Row(x, m));
    auto b = Top20(b_double, n, History::Row(x, m));
    uint32_t common = 0;
    bool identical = a.size() == b.size();
    for (size_t k = 0; k < a.size(); ++k) {
      identical = identical && k < b.size() && a[k].title == b[k].title;
      for (const ScoredTitle& s : b) common += s.title == a[k].title;
    }
    same_items += a.empty() ? 1.0 : double(common) / a.size();
    same_lists += identical;
  }
  std::printf("\nfloat vs double inversion, %u titles, lambda %g\n", n, lambda);
  std::printf("  %-8s %14s\n", "scalar", "invert (s)");
  std::printf("  %-8s %14.2f\n", "float", float_seconds);
  std::printf("  %-8s %14.2f\n", "double", double_seconds);
  std::printf("  max |B_float - B_double| / max |B_double| = %.2e\n", max_error / largest);
  std::printf("  top-20 lists of %u members: %.2f%% titles shared, %.1f%% identical in order\n",
              members, 100 * same_items / members, 100 * same_lists / members);
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
    ComparePrecision(small.dataset.interactions, flags["lambda"]);
  }
  return 0;
}
