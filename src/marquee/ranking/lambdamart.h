// LambdaMart: a gradient-boosted tree ranker trained for NDCG (Burges,
// "From RankNet to LambdaRank to LambdaMART: An Overview", MSR-TR-2010-82),
// through XGBoost's C API (Debian libxgboost-dev; objective "rank:ndcg").
// Issue 15 §1: the ranking stage that orders the candidates of several
// retrieval sources. XGBoost is a well-kept library for what is not
// Marquee's own product; this file keeps its C API to itself.
//
// Data: dense rows of `features` floats (NaN = missing), grouped into
// queries (one a member's request): consecutive rows, group_sizes giving
// each query's row count; labels are graded relevance (>= 0; 0 = not
// played); an optional weight per query (e.g. an inverse propensity).
//
// Errors: InvalidArgument naming the field for inconsistent data or
// options; InvalidArgument "xgboost: STEP: MESSAGE" with XGBoost's own
// message when it refuses (a damaged model file, say).
//
// Thread safety: a trained ranker is immutable; Predict calls are
// serialized by a mutex (XGBoost's C API returns predictions in memory the
// booster owns until its next call).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "marquee/util/mutex.h"
#include "marquee/util/status.h"

namespace marquee {

struct LambdaMartOptions {
  int rounds = 200;              // boosting rounds (trees), >= 1
  double learning_rate = 0.1;    // eta, (0, 1]
  int max_depth = 6;             // >= 1
  double min_child_weight = 1.0; // >= 0
  double subsample = 1.0;        // rows sampled per tree, (0, 1]
  int ndcg_at = 10;              // the K of the NDCG the objective and the metric use, >= 1
  uint64_t seed = 42;
  int threads = 0;               // 0 = XGBoost's default (every core)
  Status Validate() const;       // InvalidArgument naming the field
};

struct RankingData {
  uint32_t features = 0;
  std::vector<float> x;                     // rows x features, row-major
  std::vector<float> label;                 // one a row, >= 0
  std::vector<uint32_t> group_sizes;        // sum = rows, each >= 1
  std::vector<float> group_weight;          // empty or one a group, > 0
  uint32_t rows() const { return features == 0 ? 0 : static_cast<uint32_t>(x.size() / features); }
  Status Validate() const;                  // InvalidArgument naming the field
};

class LambdaMart {
 public:
  LambdaMart(LambdaMart&& other) noexcept;
  LambdaMart& operator=(LambdaMart&& other) noexcept;
  LambdaMart(const LambdaMart&) = delete;
  LambdaMart& operator=(const LambdaMart&) = delete;
  ~LambdaMart();

  static Result<LambdaMart> Train(const RankingData& data, const LambdaMartOptions& options = {});
  // A ranker saved by Save(); `features` must be the count it was trained on.
  static Result<LambdaMart> Load(std::string_view bytes, uint32_t features);

  // Scores of `rows` rows of features() floats (higher = ranked first).
  Result<std::vector<float>> Predict(std::span<const float> x, uint32_t rows) const;
  // The model as XGBoost's JSON.
  Result<std::string> Save() const;
  // Each feature's total gain over all splits that use it ("total_gain"),
  // by feature index; features never split on have 0.
  Result<std::vector<double>> TotalGain() const;
  uint32_t features() const { return features_; }

 private:
  LambdaMart() = default;
  void* booster_ = nullptr;  // BoosterHandle
  uint32_t features_ = 0;
  mutable std::unique_ptr<Mutex> predict_mutex_ = std::make_unique<Mutex>();
};

}  // namespace marquee
