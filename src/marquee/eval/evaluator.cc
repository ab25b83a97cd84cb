#include "marquee/eval/evaluator.h"

#include <omp.h>

#include <chrono>
#include <charconv>
#include <memory>

#include "marquee/models/registry.h"
#include "marquee/models/top_k.h"

namespace marquee {

namespace {
double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Splits "ndcg@10" into ("ndcg", 10); k = 0 for names without a cutoff.
bool SplitMetricName(const std::string& name, std::string* base, uint32_t* k) {
  size_t at = name.find('@');
  *base = name.substr(0, at);
  *k = 0;
  if (at == std::string::npos) return true;
  const char* first = name.data() + at + 1;
  const char* last = name.data() + name.size();
  auto [end, ec] = std::from_chars(first, last, *k);
  return ec == std::errc() && end == last && *k > 0;
}

const char* const kMetricNames[] = {"recall", "recall_normalized", "precision", "ndcg",
                                    "map",    "hit_rate",          "coverage"};
}  // namespace

Status ValidateMetricName(const std::string& name, const std::vector<uint32_t>& cutoffs) {
  std::string base;
  uint32_t k;
  bool known = SplitMetricName(name, &base, &k);
  if (known && base == "mrr" && k == 0) return Status::OK();
  bool base_known = false;
  for (const char* m : kMetricNames) base_known |= base == m;
  if (!known || !base_known || k == 0) {
    return Status::InvalidArgument(
        "metric " + QuoteForError(name) +
        ": expected NAME@K with NAME one of recall, recall_normalized, precision, ndcg, map, "
        "hit_rate, coverage (or mrr)");
  }
  for (uint32_t c : cutoffs) {
    if (c == k) return Status::OK();
  }
  return Status::InvalidArgument("metric " + name + ": cutoff " + std::to_string(k) +
                                 " is not among the evaluated cutoffs");
}

Result<double> EvaluationResult::Metric(const std::string& name) const {
  std::vector<uint32_t> cutoffs;
  for (const MetricsAtK& m : at_k) cutoffs.push_back(m.k);
  MARQUEE_RETURN_IF_ERROR(ValidateMetricName(name, cutoffs));
  std::string base;
  uint32_t k;
  SplitMetricName(name, &base, &k);
  if (base == "mrr") return mrr;
  for (size_t c = 0; c < at_k.size(); ++c) {
    if (at_k[c].k != k) continue;
    const MetricsAtK& m = at_k[c];
    if (base == "recall") return m.recall;
    if (base == "recall_normalized") return m.recall_normalized;
    if (base == "precision") return m.precision;
    if (base == "ndcg") return m.ndcg;
    if (base == "map") return m.map;
    if (base == "hit_rate") return m.hit_rate;
    if (base == "coverage") return coverage[c];
  }
  return Status::InvalidArgument("metric " + name + " was not computed");
}

Result<EvaluationResult> EvaluateModel(const Recommender& model, const EvalSplit& split,
                                       const EvaluateOptions& options) {
  if (options.cutoffs.empty()) return Status::InvalidArgument("evaluate: no cutoffs given");
  if (model.title_count() != split.train.cols()) {
    return Status::InvalidArgument("evaluate: the model knows " +
                                   std::to_string(model.title_count()) + " titles, the split has " +
                                   std::to_string(split.train.cols()));
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<uint32_t> members;
  for (uint32_t m = 0; m < split.target.rows(); ++m) {
    if (split.target.RowLength(m) > 0) members.push_back(m);
  }
  const uint32_t max_k = *std::max_element(options.cutoffs.begin(), options.cutoffs.end());
  const std::vector<uint32_t> popularity = split.train.ColumnCounts();
  ProgressReporter reporter(options.progress, "evaluating", members.size());

  const int threads = omp_get_max_threads();
  std::vector<std::unique_ptr<MetricsAccumulator>> partial(threads);
#pragma omp parallel
  {
    auto acc = std::make_unique<MetricsAccumulator>(options.cutoffs, split.train.cols(), popularity);
    std::vector<float> scores(model.title_count());
    std::vector<uint32_t> ranked;
#pragma omp for schedule(dynamic, 32)
    for (int64_t i = 0; i < static_cast<int64_t>(members.size()); ++i) {
      const uint32_t m = members[i];
      History query = History::Row(split.query, m);
      if (split.fold_in || m >= model.member_count()) {
        model.ScoreHistory(query, scores);
      } else {
        model.ScoreMember(m, query, scores);
      }
      ExcludeTitles(scores, query.titles);
      ranked.clear();
      for (const ScoredTitle& s : TopK(scores, max_k)) ranked.push_back(s.title);
      acc->Add(ranked, split.target.RowIndices(m));
      reporter.Advance(1);
    }
    partial[omp_get_thread_num()] = std::move(acc);
  }
  MetricsAccumulator total(options.cutoffs, split.train.cols(), popularity);
  for (const auto& p : partial) {
    if (p) total.Merge(*p);
  }
  EvaluationResult result;
  result.model = std::string(model.name());
  result.parameters = model.parameters();
  result.protocol = std::string(SplitProtocolName(split.options.protocol));
  result.members_evaluated = total.members();
  result.at_k = total.Means();
  result.mrr = total.MeanReciprocalRank();
  result.coverage = total.Coverage();
  result.popularity_percentile = total.MeanPopularityPercentile();
  result.evaluate_seconds = SecondsSince(start);
  return result;
}

Result<EvaluationResult> TrainAndEvaluate(const std::string& model_name,
                                          const Parameters& parameters, const EvalSplit& split,
                                          const EvaluateOptions& options,
                                          const TrainContext& context) {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model,
                           CreateRecommender(model_name, parameters));
  return TrainAndEvaluate(std::move(model), split, options, context);
}

Result<EvaluationResult> TrainAndEvaluate(std::unique_ptr<Recommender> model, const EvalSplit& split,
                                          const EvaluateOptions& options, const TrainContext& context) {
  std::vector<TrainingIteration> iterations;
  TrainContext ctx = context;
  ctx.on_iteration = [&](const TrainingIteration& it) {
    iterations.push_back(it);
    if (context.on_iteration) context.on_iteration(it);
  };
  auto start = std::chrono::steady_clock::now();
  MARQUEE_RETURN_IF_ERROR(model->Fit(split.train, ctx));
  double train_seconds = SecondsSince(start);
  MARQUEE_ASSIGN_OR_RETURN(EvaluationResult result, EvaluateModel(*model, split, options));
  result.train_seconds = train_seconds;
  result.iterations = std::move(iterations);
  return result;
}

}  // namespace marquee
