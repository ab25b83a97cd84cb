// Evaluation results as a table for people, and as JSON and CSV for tools.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "marquee/eval/evaluator.h"

namespace marquee {

// One row per result: model, members, Recall@K and NDCG@K for every cutoff,
// then MAP, MRR, coverage and popularity percentile at the largest cutoff.
std::string EvaluationTable(const std::vector<EvaluationResult>& results);

nlohmann::json EvaluationJson(const EvaluationResult& result);

// Long format: model,parameters,protocol,metric,k,value -- one line a number.
std::string EvaluationCsv(const std::vector<EvaluationResult>& results);

}  // namespace marquee
