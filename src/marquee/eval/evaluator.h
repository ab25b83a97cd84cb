// Running a model over an evaluation split: for every evaluated member, score
// all titles (as a known member, or by folding in their query history),
// exclude the query titles, rank, and compare the top with the target.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "marquee/eval/ranking_metrics.h"
#include "marquee/eval/split.h"
#include "marquee/models/recommender.h"
#include "marquee/util/progress.h"

namespace marquee {

struct EvaluateOptions {
  std::vector<uint32_t> cutoffs = {10, 20, 50, 100};
  ProgressCallback progress;
};

struct EvaluationResult {
  std::string model;
  Parameters parameters;
  std::string protocol;
  uint64_t members_evaluated = 0;
  std::vector<MetricsAtK> at_k;          // one per cutoff
  double mrr = 0;
  std::vector<double> coverage;          // one per cutoff
  std::vector<double> popularity_percentile;  // one per cutoff
  double train_seconds = 0;
  double evaluate_seconds = 0;
  std::vector<TrainingIteration> iterations;  // iterative models' loss curve

  // "ndcg@10", "recall@20", "recall_normalized@20", "precision@5", "map@10",
  // "hit_rate@10", "coverage@20", "mrr": the value, or InvalidArgument when
  // the metric is unknown or its cutoff was not evaluated.
  Result<double> Metric(const std::string& name) const;
};

// Evaluates an already trained model (trained on split.train).
Result<EvaluationResult> EvaluateModel(const Recommender& model, const EvalSplit& split,
                                       const EvaluateOptions& options);

// Creates `model_name` with `parameters`, trains it on split.train and evaluates it.
Result<EvaluationResult> TrainAndEvaluate(const std::string& model_name,
                                          const Parameters& parameters, const EvalSplit& split,
                                          const EvaluateOptions& options,
                                          const TrainContext& context);
// The same for a model the caller created (the ranker, which reads the
// catalog; ranking/ranker.h).
Result<EvaluationResult> TrainAndEvaluate(std::unique_ptr<Recommender> model, const EvalSplit& split,
                                          const EvaluateOptions& options, const TrainContext& context);

// Checks a metric name such as "ndcg@10" against the cutoffs to be evaluated.
Status ValidateMetricName(const std::string& name, const std::vector<uint32_t>& cutoffs);

}  // namespace marquee
