// Item-kNN at catalog scale: building the neighbour lists for each
// weighting, then batch recommendation throughput beside EASE on the same
// data (RecommendBatch, k = 20, watched titles excluded).
//
//   build/item_knn_bench                   # 100,000 x 20,000 x 10M plays
//   build/item_knn_bench --ease 0          # item-kNN only
//   build/item_knn_bench --members 20000 --titles 5000 --plays 2000000
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "marquee/models/ease.h"
#include "marquee/models/item_knn.h"
#include "marquee/util/threads.h"
#include "model_bench_util.h"

namespace marquee {
namespace {

struct Row {
  std::string model;
  double fit_seconds;
  double members_per_second;
};

Row Measure(const std::string& label, std::unique_ptr<Recommender> model,
            const InteractionMatrix& data, uint32_t recommend_members) {
  const auto start = std::chrono::steady_clock::now();
  Status fit = model->Fit(data, {});
  const double fit_seconds = bench::Seconds(start);
  if (!fit.ok()) {
    std::printf("%s: %s\n", label.c_str(), fit.ToString().c_str());
    return {label, fit_seconds, 0};
  }
  return {label, fit_seconds, bench::RecommendThroughput(*model, data, recommend_members)};
}

}  // namespace
}  // namespace marquee

int main(int argc, char** argv) {
  using namespace marquee;
  auto flags = bench::ParseFlags(argc, argv,
                                 {{"members", 100000},
                                  {"titles", 20000},
                                  {"plays", 10000000},
                                  {"neighbors", 100},
                                  {"recommend", 20000},
                                  {"ease", 1},
                                  {"threads", 0}});
  SetThreadCount(static_cast<int>(flags["threads"]));
  SyntheticService service = bench::Generate(uint32_t(flags["members"]), uint32_t(flags["titles"]),
                                             uint64_t(flags["plays"]));
  const InteractionMatrix& data = service.dataset.interactions;
  const uint32_t recommend = uint32_t(flags["recommend"]);
  const std::string neighbors = std::to_string(int64_t(flags["neighbors"]));

  std::vector<Row> rows;
  for (const char* weighting : {"none", "tfidf", "bm25"}) {
    auto model = ItemKnnRecommender::Create({{"neighbors", neighbors}, {"weighting", weighting}});
    rows.push_back(Measure(std::string("itemknn ") + weighting, std::move(model).value(), data,
                           recommend));
  }
  if (flags["ease"] != 0) {
    auto model = EaseRecommender::Create({});
    rows.push_back(Measure("ease lambda=500", std::move(model).value(), data, recommend));
  }
  std::printf("\n%u members x %u titles x %llu plays, %d threads, neighbors %s, "
              "recommending for %u members\n",
              data.rows(), data.cols(), static_cast<unsigned long long>(data.nnz()), ThreadCount(),
              neighbors.c_str(), std::min(recommend, data.rows()));
  std::printf("  %-18s %12s %16s\n", "model", "fit (s)", "members/s (k=20)");
  for (const Row& r : rows) {
    std::printf("  %-18s %12.2f %16.0f\n", r.model.c_str(), r.fit_seconds, r.members_per_second);
  }
  std::printf("  peak RSS %.2f GB\n", bench::PeakRssGb());
  return 0;
}
