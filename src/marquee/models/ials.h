// iALS: matrix factorisation for implicit feedback (Hu, Koren & Volinsky
// 2008, "Collaborative Filtering for Implicit Feedback Datasets"), trained by
// alternating least squares.
//
// Every (member u, title i) pair counts: a play is a preference p = 1 held
// with confidence c_ui > 1, every other pair a p = 0 with confidence 1. The
// model minimises
//
//   L = sum_{u,i} c_ui (p_ui - x_u.y_i)^2 + sum_u lambda_u ||x_u||^2 + sum_i lambda_i ||y_i||^2
//
// Parameters (ranges and help in Table(), defaults in Options):
//   factors                   length f of x_u and y_i
//   iterations                alternating member + title half-steps
//   regularization            lambda (its scale depends on regularization_scaling)
//   alpha, confidence         linear: c = 1 + alpha w
//                             log:    c = 1 + alpha log(1 + w / epsilon)
//   regularization_scaling    plain:     lambda_u = lambda
//                             frequency: lambda_u = lambda W_u^nu, where
//                               W_u = sum_i c_ui = |I| + sum_{i in I_u} (c_ui - 1)
//                               is the row's total weight in L (titles alike:
//                               W_i = |U| + sum_u (c_ui - 1)). This is Rendle et al. 2021's
//                               lambda (|I_u| + alpha0 |I|)^nu with Hu et al.'s confidences
//                               as the weights (observed c_ui, unobserved 1), so lambda
//                               need not grow with the data. Plain wants a lambda of the
//                               order of W_u times this one (e.g. 100 instead of 0.03 on
//                               the 500-title synthetic service).
//   frequency_exponent        nu, for regularization_scaling=frequency
//   solver                    cg: cg_steps conjugate-gradient steps per row, warm-started
//                             from the previous iteration's vector (Takacs et al. 2011);
//                             cholesky: the exact solve of each row
//   init_scale                factors start as N(0, init_scale^2), seeded per row
//                             from TrainContext::seed (identical at any thread count)
//
// Defaults were chosen on the synthetic service (watch-fraction weights),
// where they beat popularity clearly (see ials_test.cc). Weights below zero
// count as zero. TrainContext::on_iteration receives L
// after every iteration (computed only when someone listens; cost about one
// pass over the plays, not counted in `seconds`). TrainContext::on_notice
// receives the per-member and per-title lambda range (min, median, max)
// before the first iteration, and a warning after the last when either
// factor matrix collapsed (factor_rank.h).
//
// Scoring: ScoreMember uses the trained x_u; ScoreHistory solves x exactly
// for the given history against the trained titles (fold-in); ScoreSimilar is
// the cosine between title vectors; ScoreMembers scores a block of trained
// members as one matrix product (for batch recommendation).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "marquee/models/ials_solver.h"
#include "marquee/models/recommender.h"

namespace marquee {

class IalsRecommender final : public Recommender, public FactorModel {
 public:
  enum class Confidence { kLinear, kLog };
  enum class Scaling { kPlain, kFrequency };
  enum class Solver { kCg, kCholesky };
  enum class Gather { kFp16, kFp32 };

  inline static constexpr EnumEntry<Confidence> kConfidenceNames[] = {
      {"linear", Confidence::kLinear}, {"log", Confidence::kLog}};
  inline static constexpr EnumEntry<Scaling> kScalingNames[] = {
      {"plain", Scaling::kPlain}, {"frequency", Scaling::kFrequency}};
  inline static constexpr EnumEntry<Solver> kSolverNames[] = {
      {"cg", Solver::kCg}, {"cholesky", Solver::kCholesky}};
  inline static constexpr EnumEntry<Gather> kGatherNames[] = {{"fp16", Gather::kFp16}, {"fp32", Gather::kFp32}};

  // The only place the defaults are written.
  struct Options {
    uint32_t factors = 64;
    uint32_t iterations = 15;
    double regularization = 0.03;
    double alpha = 20.0;
    Confidence confidence = Confidence::kLinear;
    double epsilon = 1.0;
    Scaling scaling = Scaling::kFrequency;
    double frequency_exponent = 1.0;
    Solver solver = Solver::kCg;
    uint32_t cg_steps = 3;
    Gather gather = Gather::kFp16;
    double init_scale = 0.01;
    friend bool operator==(const Options&, const Options&) = default;
  };

  // The parameters (names, ranges, help) and their reading and writing.
  static const ParameterTable<Options>& Table();
  static Result<std::unique_ptr<Recommender>> Create(const Parameters& parameters);
  explicit IalsRecommender(const Options& options) : options_(options) {}

  std::string_view name() const override { return "ials"; }
  Parameters parameters() const override;
  Status Fit(const InteractionMatrix& train, const TrainContext& context) override;
  uint32_t member_count() const override { return members_.rows(); }
  uint32_t title_count() const override { return titles_.rows(); }
  void ScoreMember(uint32_t member, History history, std::span<float> scores) const override;
  void ScoreHistory(History history, std::span<float> scores) const override;
  // One ScoreBlock (X_block Y^T) per call: members' rows gathered when they
  // are not consecutive. Scores match ScoreMember within float rounding.
  bool ScoreMembers(std::span<const uint32_t> members, float* scores, size_t ld) const override;
  void ScoreSimilar(uint32_t title, std::span<float> scores) const override;
  void SaveState(SectionFileWriter& out) const override;
  Status LoadState(const SectionFileReader& in) override;
  const FactorModel* AsFactorModel() const override { return this; }

  // FactorModel: the learned factors (padded rows) and the exact fold-in solve.
  const FactorMatrix& member_factors() const override { return members_; }
  const FactorMatrix& title_factors() const override { return titles_; }
  std::vector<float> FoldIn(History history) const override;
  std::unique_ptr<Recommender> WithTitles(const FactorMatrix& extra) const override;

  const Options& options() const { return options_; }
  // c - 1 for a weight, and the regularization of a row with total extra
  // confidence `extra_sum` on the member (or title) side.
  float ExtraConfidence(float weight) const;
  float MemberLambda(double extra_sum) const;
  float TitleLambda(double extra_sum) const;

 private:
  void PrepareScoring();  // Gramian and norms from the trained factors

  Options options_;
  FactorMatrix members_;  // X: member_count x f
  FactorMatrix titles_;   // Y: title_count x f
  FactorMatrix title_gram_;  // Y^T Y, for fold-in
  std::vector<float> title_inverse_norms_;  // 1 / ||y_i|| (0 for a zero vector)
};

}  // namespace marquee
