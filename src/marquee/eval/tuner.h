// Hyperparameter search: try settings of one model on a validation split,
// pick the best by one metric, then report that setting on the test split.
//
// A search space is written as "name=v1|v2|v3;name=lo:hi[:log][:int]":
// a list of values, or a range sampled uniformly (or log-uniformly). Grid
// search takes every combination of lists (ranges are not allowed in grids);
// random search draws `trials` distinct settings (fewer when a space of
// lists has fewer).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "marquee/eval/evaluator.h"
#include "marquee/eval/split.h"
#include "marquee/util/parameters.h"

namespace marquee {

struct ParameterRange {
  std::string name;
  std::vector<std::string> values;  // a list; empty when this is a range
  double low = 0, high = 0;
  bool log_scale = false;
  bool integer = false;
};

struct SearchSpace {
  std::vector<ParameterRange> ranges;
  static Result<SearchSpace> Parse(const std::string& text);
};

enum class SearchStrategy { kGrid, kRandom };

struct TuneOptions {
  std::string model;
  Parameters fixed;                 // applied to every trial
  SearchSpace space;
  SearchStrategy strategy = SearchStrategy::kRandom;
  uint32_t trials = 20;             // random search
  uint64_t seed = 42;
  std::string metric = "ndcg@10";   // maximized on the validation split
  EvaluateOptions evaluate;         // cutoffs must include the metric's
  ProgressCallback progress;        // one step a trial
  // Creates the model of each trial; empty: CreateRecommender(model, ...).
  // (The ranker needs the catalog, which eval/ does not know.)
  std::function<Result<std::unique_ptr<Recommender>>(const Parameters&)> create;
};

struct TuneTrial {
  Parameters parameters;
  double score = 0;                 // the metric on the validation split
  EvaluationResult validation;
};

struct TuneResult {
  std::vector<TuneTrial> trials;    // in the order tried
  size_t best = 0;                  // index into trials
  EvaluationResult test;            // the best setting, retrained on test.train
};

// The search space `tune` uses when none is given, as text for
// SearchSpace::Parse; InvalidArgument for a model without one. iALS: its
// regularization on a log scale over the range that means something for the
// regularization_scaling in `fixed` (default frequency):
//   plain      regularization=0.001:100:log   (lambda itself: implicit's 0.01-1, and
//              up to where the penalty dominates Y^T C_u Y, which grows with
//              alpha -- at the default alpha 20 the optimum on MovieLens-100K
//              leave-last-out was 10, and 100 already costs 20% of NDCG@10)
//   (ranker: its trees' size and learning rate, rounds=25|50|100
//   depth=2|3|5 learning_rate=0.05|0.1|0.2; its sources keep their settings)
//   frequency  regularization=0.0001:1:log   (lambda_u / W_u^nu: with nu = 1,
//              the penalty as a fraction of the row's total confidence W_u;
//              from 1 up the penalty outweighs all of the row's data and the
//              factors collapse, below 1e-4 it is all but unregularized)
Result<std::string> DefaultSearchSpace(const std::string& model, const Parameters& fixed);

// The settings a search will try, in order (deterministic for the seed).
Result<std::vector<Parameters>> SearchSettings(const TuneOptions& options);

Result<TuneResult> Tune(const TuneOptions& options, const EvalSplit& validation,
                        const EvalSplit& test);

}  // namespace marquee
