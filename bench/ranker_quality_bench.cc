// The ranking stage against its sources (issue 15 §1), on a temporal split:
//   ranker_quality_bench DATASET.mqd [--min-rating R] [--per-member] [--rounds N] [--depth D]
// Everything before the split date (80% of the interactions) is training;
// with --per-member, each member's latest 20% (by time) is their target
// instead (MovieLens members rate in bursts, so few have interactions after
// a global date);
// inside it, a second temporal split trains the sources on its early part
// and labels the ranker's candidates with its late part. The sources are
// then refit on all the training data and the ranker orders their
// candidates for each member with interactions after the split date.
// Prints NDCG@10, Recall@20 and coverage@20 of each source alone and of the
// ranker, the retrieval ceiling, and the features' total gains.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

#include "marquee/data/dataset_file.h"
#include "marquee/eval/ranking_metrics.h"
#include "marquee/eval/split.h"
#include "marquee/models/registry.h"
#include "marquee/models/top_k.h"
#include "marquee/ranking/ranking_dataset.h"

namespace marquee {
namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "ranker_quality_bench: %s\n", s.ToString().c_str());
  return 1;
}

struct Sources {
  std::vector<std::unique_ptr<Recommender>> models;
  std::vector<CandidateSource> list;
};

Result<Sources> FitSources(const InteractionMatrix& train) {
  Sources s;
  for (const char* name : {"ials", "itemknn", "popularity"}) {
    MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, CreateRecommender(name, {}));
    MARQUEE_RETURN_IF_ERROR(model->Fit(train, TrainContext{.seed = 42}));
    s.models.push_back(std::move(model));
    s.list.push_back({name, s.models.back().get()});
  }
  return s;
}

// Each member's latest `fraction` of interactions as the target
// (SplitLatestPerMember, the split the ranker itself trains on), the rest as
// train and query.
EvalSplit PerMemberSplit(const InteractionMatrix& data, double fraction) {
  LabelSplit latest = SplitLatestPerMember(data, fraction, /*seed=*/42);
  EvalSplit split;
  split.train = std::move(latest.train);
  split.target = std::move(latest.target);
  split.query = split.train;
  return split;
}

int Run(const std::string& path, std::optional<float> min_rating, bool per_member, const LambdaMartOptions& ranker_options) {
  Result<Dataset> dataset = LoadDataset(path);
  if (!dataset.ok()) return Fail(dataset.status());
  const InteractionMatrix data = min_rating ? dataset->interactions.KeepAtLeast(*min_rating) : dataset->interactions;
  // The evaluation split, and inside its training part the ranker's.
  auto make_splits = [&]() -> Result<std::pair<EvalSplit, EvalSplit>> {
    if (per_member) {
      EvalSplit outer = PerMemberSplit(data, 0.2);
      EvalSplit inner = PerMemberSplit(outer.train, 0.2);
      return std::make_pair(std::move(outer), std::move(inner));
    }
    std::vector<int64_t> times = data.times();
    SplitOptions so{.protocol = SplitProtocol::kTemporal};
    so.split_time = *SplitTimeAt(times, times.size() * 8 / 10);
    MARQUEE_ASSIGN_OR_RETURN(EvalSplit outer, MakeSplit(data, so));
    MARQUEE_ASSIGN_OR_RETURN(EvalSplit inner, MakeValidationSplit(outer));
    return std::make_pair(std::move(outer), std::move(inner));
  };
  Result<std::pair<EvalSplit, EvalSplit>> splits = make_splits();
  if (!splits.ok()) return Fail(splits.status());
  const EvalSplit* split = &splits->first;
  const EvalSplit* inner = &splits->second;

  // The ranker learns from the inner split.
  Result<Sources> early = FitSources(inner->train);
  if (!early.ok()) return Fail(early.status());
  const TitleStats early_stats = TitleStats::Compute(inner->train, dataset->catalog);
  const RankingDataset ds = BuildRankingDataset(early->list, inner->train, inner->target, early_stats, {.per_source = 100, .max_members = 5000});
  std::printf("ranker training: %zu members, %u candidate rows; %.1f%% of their next titles retrieved\n",
              ds.members.size(), ds.data.rows(), 100.0 * ds.targets_retrieved / std::max<uint64_t>(ds.targets, 1));
  Result<LambdaMart> ranker = LambdaMart::Train(ds.data, ranker_options);
  if (!ranker.ok()) return Fail(ranker.status());

  // Served: the sources refit on all the training data.
  Result<Sources> sources = FitSources(split->train);
  if (!sources.ok()) return Fail(sources.status());
  const TitleStats stats = TitleStats::Compute(split->train, dataset->catalog);
  const std::vector<uint32_t> cutoffs = {10, 20};
  const std::vector<uint32_t> popularity = split->train.ColumnCounts();
  std::vector<MetricsAccumulator> per_source(sources->list.size(), MetricsAccumulator(cutoffs, data.cols(), popularity));
  MetricsAccumulator ranked(cutoffs, data.cols(), popularity);
  uint64_t targets = 0, retrieved = 0;
  std::vector<float> scores(data.cols()), x;
  for (uint32_t m = 0; m < data.rows(); ++m) {
    const auto next = split->target.RowIndices(m);
    if (next.empty()) continue;
    const History history = History::Row(split->train, m);
    const Candidates c = GatherCandidates(sources->list, m, history, history.titles, 100);
    for (size_t s = 0; s < sources->list.size(); ++s) {
      // A source alone: its own top 20 (its ranks among the candidates).
      std::vector<std::pair<uint32_t, uint32_t>> by_rank;
      for (size_t i = 0; i < c.titles.size(); ++i) {
        if (c.Rank(i, s) != 0) by_rank.emplace_back(c.Rank(i, s), c.titles[i]);
      }
      std::sort(by_rank.begin(), by_rank.end());
      std::vector<uint32_t> list;
      for (auto [rank, title] : by_rank) list.push_back(title);
      per_source[s].Add(list, next);
    }
    x.clear();
    AppendRankingFeatures(c, history, stats, x);
    Result<std::vector<float>> predicted = ranker->Predict(x, static_cast<uint32_t>(c.titles.size()));
    if (!predicted.ok()) return Fail(predicted.status());
    std::vector<uint32_t> order(c.titles.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return (*predicted)[a] > (*predicted)[b]; });
    std::vector<uint32_t> list;
    for (uint32_t i : order) list.push_back(c.titles[i]);
    ranked.Add(list, next);
    targets += next.size();
    for (uint32_t t : c.titles) retrieved += std::binary_search(next.begin(), next.end(), t);
  }
  std::printf("evaluated %llu members; %.1f%% of their next titles among the candidates (the ceiling)\n\n",
              static_cast<unsigned long long>(ranked.members()), 100.0 * retrieved / std::max<uint64_t>(targets, 1));
  std::printf("%-22s %9s %9s %11s\n", "ranking", "NDCG@10", "Recall@20", "coverage@20");
  auto row = [](const char* name, const MetricsAccumulator& a) {
    const std::vector<MetricsAtK> at = a.Means();
    std::printf("%-22s %9.4f %9.4f %11.4f\n", name, at[0].ndcg, at[1].recall, a.Coverage()[1]);
  };
  for (size_t s = 0; s < sources->list.size(); ++s) row(sources->list[s].name.c_str(), per_source[s]);
  row("ranker (LambdaMART)", ranked);
  Result<std::vector<double>> gain = ranker->TotalGain();
  if (gain.ok()) {
    const std::vector<std::string> names = RankingFeatureNames(sources->list);
    const double total = std::accumulate(gain->begin(), gain->end(), 0.0);
    std::printf("\nfeature total gain:");
    std::vector<size_t> order(names.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return (*gain)[a] > (*gain)[b]; });
    for (size_t i : order) std::printf(" %s %.1f%%", names[i].c_str(), 100.0 * (*gain)[i] / std::max(total, 1e-12));
    std::printf("\n");
  }
  return 0;
}

}  // namespace
}  // namespace marquee

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ranker_quality_bench DATASET.mqd [--min-rating R]\n");
    return 2;
  }
  std::optional<float> min_rating;
  bool per_member = false;
  marquee::LambdaMartOptions ranker{.rounds = 50, .learning_rate = 0.1, .max_depth = 3};
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--min-rating" && i + 1 < argc) {
      min_rating = std::strtof(argv[++i], nullptr);
    } else if (flag == "--per-member") {
      per_member = true;
    } else if (flag == "--rounds" && i + 1 < argc) {
      ranker.rounds = std::atoi(argv[++i]);
    } else if (flag == "--depth" && i + 1 < argc) {
      ranker.max_depth = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "ranker_quality_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  return marquee::Run(argv[1], min_rating, per_member, ranker);
}
