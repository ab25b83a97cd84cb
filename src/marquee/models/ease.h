// EASE, "Embarrassingly Shallow Autoencoders for Sparse Data" (Steck, WWW
// 2019): a title x title weight matrix B, learned in closed form, that
// predicts each title from all the others a member watched:
//
//   minimize ||X - X B||^2 + lambda ||B||^2  subject to diag(B) = 0
//   G = X^T X + lambda I,  P = G^-1,  B_ij = -P_ij / P_jj (i != j),  B_ii = 0
//
// A member's scores are s = x^T B, the sum of B's rows of the titles they
// watched. Often the most accurate model on catalogs up to tens of thousands
// of titles; the cost is the n x n matrices (n = titles): O(n^2) memory and
// O(n^3) time to train. Fit() refuses, before allocating, a catalog whose
// matrix would not fit in memory; it holds one n x n float matrix (G, then
// P, then B, in place; a retrain frees the old B first).
//
// Parameters (ranges and help in Table(), defaults in Options): lambda, the
// L2 weight above; binary (train and score on 1 per interaction instead of
// its weight); max_memory_gb, the memory Fit() may plan to use for the n x n
// matrices in GB (1e9 bytes), 0 = MemAvailable of /proc/meminfo.
//
// Fit() fails with InvalidArgument when G is not positive definite in float
// (possible only for a tiny lambda against large counts), leaving the model
// empty (title_count() 0).
//
// Inverse: LAPACK's Cholesky inverse in float, not double (OpenBLAS,
// models/spd_inverse.h; half the memory and time; the measurements behind
// both choices are in docs/MEASUREMENTS.md).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "marquee/models/recommender.h"

namespace marquee {

class EaseRecommender final : public Recommender {
 public:
  struct Options {
    double lambda = 500;  // Steck's value for ML-20M
    bool binary = true;
    double max_memory_gb = 0;  // 0: MemAvailable
    friend bool operator==(const Options&, const Options&) = default;
  };
  // The parameters (names, ranges, help) and their reading and writing.
  static const ParameterTable<Options>& Table();
  static Result<std::unique_ptr<Recommender>> Create(const Parameters& parameters);
  explicit EaseRecommender(const Options& options) : options_(options) {}

  std::string_view name() const override { return "ease"; }
  Parameters parameters() const override;
  Status Fit(const InteractionMatrix& train, const TrainContext& context) override;
  uint32_t member_count() const override { return member_count_; }
  uint32_t title_count() const override { return title_count_; }
  void ScoreHistory(History history, std::span<float> scores) const override;
  // Row `title` of B: what watching `title` adds to every other title's score.
  void ScoreSimilar(uint32_t title, std::span<float> scores) const override;
  void SaveState(SectionFileWriter& out) const override;
  Status LoadState(const SectionFileReader& in) override;

  // Row `title` of B (title_count() entries; B[title][title] = 0).
  std::span<const float> WeightRow(uint32_t title) const {
    return {weights_.data() + static_cast<size_t>(title) * title_count_, title_count_};
  }

  // The bytes Fit() needs for its n x n matrix with `titles` titles.
  static double MemoryNeeded(uint32_t titles);

 private:
  Status CheckMemory(uint32_t titles, double bytes_needed) const;

  Options options_;
  uint32_t member_count_ = 0;
  uint32_t title_count_ = 0;
  std::vector<float> weights_;  // B, row-major: row i at [i * n, (i + 1) * n)
};

}  // namespace marquee
