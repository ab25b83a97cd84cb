#include "marquee/models/ials.h"

#include <fmt/format.h>

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <chrono>
#include <cmath>
#include <memory>
#include <new>
#include <numeric>

#include "marquee/models/factor_rank.h"
#include "marquee/util/parallel_sum.h"
#include "marquee/util/random.h"

namespace marquee {

namespace {

constexpr std::string_view kModel = "ials";
constexpr uint32_t kMemberTag = FourCC("IALX");
constexpr uint32_t kTitleTag = FourCC("IALY");

using ials::SparseRows;

// The titles x members side of the training data: for each title, the
// members who played it (ascending) and their extra confidence. Built here
// rather than by InteractionMatrix::Transpose() so that at Netflix scale we
// hold 8 bytes per play instead of 16 (no times, confidences precomputed).
struct TransposedRows {
  std::vector<uint64_t> indptr;
  std::vector<uint32_t> columns;
  std::vector<float> extra;

  SparseRows View() const {
    return {indptr.data(), columns.data(), extra.data(), static_cast<uint32_t>(indptr.size() - 1)};
  }
};

// In parallel over contiguous member ranges: each range counts its plays per
// title, the counts give every range its own slot in each title's row, and
// each range then scatters its plays there. Ranges are in member order, so a
// title's members come out ascending, the same at any thread count.
TransposedRows Transpose(const InteractionMatrix& train, const std::vector<float>& extra) {
  const uint32_t titles = train.cols();
  const uint32_t ranges = static_cast<uint32_t>(std::max(1, omp_get_max_threads()));
  std::vector<uint32_t> bounds(ranges + 1);
  for (uint32_t r = 0; r <= ranges; ++r) bounds[r] = static_cast<uint32_t>(uint64_t{train.rows()} * r / ranges);
  std::vector<std::vector<uint64_t>> next(ranges, std::vector<uint64_t>(titles, 0));
#pragma omp parallel for schedule(static, 1)
  for (uint32_t r = 0; r < ranges; ++r) {
    for (uint64_t k = train.RowBegin(bounds[r]); k < train.RowBegin(bounds[r + 1]); ++k) ++next[r][train.indices()[k]];
  }
  TransposedRows t;
  t.indptr.assign(titles + 1, 0);
  uint64_t at = 0;
  for (uint32_t title = 0; title < titles; ++title) {  // counts -> each range's first slot
    t.indptr[title] = at;
    for (uint32_t r = 0; r < ranges; ++r) {
      const uint64_t count = next[r][title];
      next[r][title] = at;
      at += count;
    }
  }
  t.indptr[titles] = at;
  t.columns.resize(train.nnz());
  t.extra.resize(train.nnz());
#pragma omp parallel for schedule(static, 1)
  for (uint32_t r = 0; r < ranges; ++r) {
    std::vector<uint64_t>& slot = next[r];
    for (uint32_t member = bounds[r]; member < bounds[r + 1]; ++member) {
      for (uint64_t k = train.RowBegin(member); k < train.RowEnd(member); ++k) {
        const uint64_t to = slot[train.indices()[k]]++;
        t.columns[to] = member;
        t.extra[to] = extra[k];
      }
    }
  }
  return t;
}

// N(0, scale^2) entries, row r drawn from its own stream of `seed`.
void RandomInit(FactorMatrix& m, uint64_t seed, double scale) {
#pragma omp parallel for schedule(static)
  for (uint32_t r = 0; r < m.rows(); ++r) {
    Rng rng(DeriveSeed(seed, r));
    float* row = m.Row(r);
    for (uint32_t j = 0; j < m.factors(); ++j) row[j] = static_cast<float>(scale * rng.Normal());
  }
}

// Rows by decreasing length: with dynamic scheduling the long rows start
// first and the short ones fill the gaps, so no thread is left with a
// popular title at the end.
std::vector<uint32_t> LongestFirst(const SparseRows& rows) {
  std::vector<uint32_t> order(rows.rows);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return rows.indptr[a + 1] - rows.indptr[a] > rows.indptr[b + 1] - rows.indptr[b];
  });
  return order;
}

double SquaredNorm(const float* x, uint32_t stride) { return Dot(x, x, stride); }

// "min 0.5, median 3.1, max 80" of the lambdas in effect on one side.
std::string LambdaRange(std::vector<float> lambda) {
  if (lambda.empty()) return "none";
  const auto [low, high] = std::minmax_element(lambda.begin(), lambda.end());
  const float min = *low, max = *high;
  auto middle = lambda.begin() + lambda.size() / 2;
  std::nth_element(lambda.begin(), middle, lambda.end());
  return fmt::format("min {:.4g}, median {:.4g}, max {:.4g}", min, *middle, max);
}

}  // namespace

const ParameterTable<IalsRecommender::Options>& IalsRecommender::Table() {
  static const ParameterTable<Options> table = [] {
    ParameterTable<Options> t(std::string{kModel});
    t.Int("factors", &Options::factors, 1, 1024, "latent factors")
        .Int("iterations", &Options::iterations, 1, 10000, "training iterations")
        .Double("regularization", &Options::regularization, 0, 1e9,
                "L2 weight r; its meaning depends on regularization_scaling: frequency "
                "(default) lambda_u = r * W_u^frequency_exponent, plain lambda = r (implicit's "
                "regularization; a plain 0.01 is about frequency 0.01 / W_u)")
        .Double("alpha", &Options::alpha, 0, 1e9, "confidence weight (c = 1 + alpha * weight)")
        .Choice("confidence", &Options::confidence, kConfidenceNames,
                "confidence of a play: linear or log in its weight")
        .Double("epsilon", &Options::epsilon, 1e-12, 1e12, "weight scale for confidence=log")
        .Choice("regularization_scaling", &Options::scaling, kScalingNames,
                "frequency: lambda_u = regularization * W_u^frequency_exponent, W_u = the row's "
                "total confidence = titles + sum of its (c - 1) (Rendle et al. 2021, Revisiting "
                "the performance of iALS); plain: lambda = regularization for every row, as in "
                "implicit")
        .Double("frequency_exponent", &Options::frequency_exponent, 0, 10,
                "exponent of the row weight for regularization_scaling=frequency")
        .Choice("solver", &Options::solver, kSolverNames, "row solver")
        .Int("cg_steps", &Options::cg_steps, 1, 1000, "conjugate-gradient steps per row")
        .Choice("gather", &Options::gather, kGatherNames,
                "precision of the member rows the CG title half-step reads: fp16 halves their memory "
                "traffic (kernels avx2 and avx512; sums stay fp32)")
        // A zero start is a fixed point of ALS (every b is zero), hence > 0.
        .Double("init_scale", &Options::init_scale, 1e-12, 10,
                        "standard deviation of the initial factors");
    return t;
  }();
  return table;
}

Result<std::unique_ptr<Recommender>> IalsRecommender::Create(const Parameters& parameters) {
  MARQUEE_ASSIGN_OR_RETURN(Options options, Table().Read(parameters));
  return std::unique_ptr<Recommender>(std::make_unique<IalsRecommender>(options));
}

Parameters IalsRecommender::parameters() const { return Table().Write(options_); }

float IalsRecommender::ExtraConfidence(float weight) const {
  const double w = std::max(0.0f, weight);
  const double extra = options_.confidence == Confidence::kLog
                           ? options_.alpha * std::log1p(w / options_.epsilon)
                           : options_.alpha * w;
  return static_cast<float>(extra);
}

float IalsRecommender::MemberLambda(double extra_sum) const {
  if (options_.scaling == Scaling::kPlain) return static_cast<float>(options_.regularization);
  const double weight = titles_.rows() + extra_sum;
  return static_cast<float>(options_.regularization *
                            std::pow(weight, options_.frequency_exponent));
}

float IalsRecommender::TitleLambda(double extra_sum) const {
  if (options_.scaling == Scaling::kPlain) return static_cast<float>(options_.regularization);
  const double weight = members_.rows() + extra_sum;
  return static_cast<float>(options_.regularization *
                            std::pow(weight, options_.frequency_exponent));
}

namespace {

struct FreeDeleter {
  void operator()(uint16_t* p) const { std::free(p); }
};

// A matrix's rows times `scale` in IEEE fp16 (same stride, 64-byte aligned).
struct HalfRows {
  std::unique_ptr<uint16_t[], FreeDeleter> data;  // null: not made (see HalfCopy)
  float scale = 1;
};

// fp16 has 11 significant bits but only 5 exponent bits: values below 6e-5
// lose precision and below 6e-8 vanish, and strongly regularized factors
// live there. So the copy is scaled by a power of two (exact, and undone in
// the kernels) that brings the largest |value| to [2^13, 2^14). Not made
// when a value is not finite (the float path then shows what happened).
HalfRows HalfCopy(const ials::IalsKernel& kernel, const FactorMatrix& m) {
  constexpr size_t kChunk = 1 << 16;  // floats a task; a multiple of the 16-float stride
  const size_t n = static_cast<size_t>(m.rows()) * m.stride();
  float largest = 0;
#pragma omp parallel for schedule(static) reduction(max : largest)
  for (size_t i = 0; i < n; ++i) largest = std::max(largest, std::isfinite(m.data()[i]) ? std::abs(m.data()[i]) : INFINITY);
  if (!std::isfinite(largest)) return {};
  HalfRows half;
  half.scale = largest > 0 ? std::ldexp(1.0f, 13 - std::ilogb(largest)) : 1.0f;
  half.data.reset(static_cast<uint16_t*>(std::aligned_alloc(64, std::max<size_t>(64, (n * sizeof(uint16_t) + 63) / 64 * 64))));
  if (!half.data) throw std::bad_alloc();
#pragma omp parallel for schedule(static)
  for (size_t begin = 0; begin < n; begin += kChunk) {
    kernel.to_half(m.data() + begin, std::min(kChunk, n - begin), half.scale, half.data.get() + begin);
  }
  return half;
}

// One half-step: every row of `self` solved against the fixed `other`.
void SolveSide(const IalsRecommender::Options& options, const ials::IalsKernel& kernel, const SparseRows& rows,
               const std::vector<uint32_t>& order, const std::vector<float>& lambda,
               const FactorMatrix& gram, const FactorMatrix& other, FactorMatrix& self,
               const HalfRows& other_half = HalfRows{}) {
  const bool cg = options.solver == IalsRecommender::Solver::kCg;
#pragma omp parallel
  {
    ials::SolverScratch scratch(self.factors());
#pragma omp for schedule(dynamic, 8)
    for (size_t k = 0; k < order.size(); ++k) {
      const uint32_t r = order[k];
      if (cg) {
        ials::SolveRowCg(kernel, gram, other, rows.Row(r), lambda[r], options.cg_steps, self.Row(r), scratch,
                         other_half.data.get(), other_half.scale);
      } else {
        ials::SolveRowCholesky(gram, other, rows.Row(r), lambda[r], self.Row(r), scratch);
      }
    }
  }
}

std::vector<double> RowExtraSums(const SparseRows& rows) {
  std::vector<double> sums(rows.rows);
#pragma omp parallel for schedule(static)
  for (uint32_t r = 0; r < rows.rows; ++r) {
    double s = 0;
    for (uint64_t k = rows.indptr[r]; k < rows.indptr[r + 1]; ++k) s += rows.extra[k];
    sums[r] = s;
  }
  return sums;
}

// The loss L of the header: sum_u x_u^T (Y^T Y) x_u = <X^T X, Y^T Y> covers
// every pair as if unobserved; each observed pair then adds c (1 - s)^2 - s^2.
double Loss(const SparseRows& member_rows, const FactorMatrix& members,
            const FactorMatrix& titles, const FactorMatrix& member_gram,
            const FactorMatrix& title_gram, const std::vector<float>& member_lambda,
            const std::vector<float>& title_lambda) {
  const double all_pairs = FrobeniusProduct(member_gram, title_gram);
  const double member_terms = DeterministicSum(members.rows(), [&](uint32_t u) {
    const float* x = members.Row(u);
    return ials::ObservedLossCorrection(titles, member_rows.Row(u), x) +
           member_lambda[u] * SquaredNorm(x, members.stride());
  });
  const double title_terms = DeterministicSum(titles.rows(), [&](uint32_t i) {
    return title_lambda[i] * SquaredNorm(titles.Row(i), titles.stride());
  });
  return all_pairs + member_terms + title_terms;
}

}  // namespace

Status IalsRecommender::Fit(const InteractionMatrix& train, const TrainContext& context) {
  using Clock = std::chrono::steady_clock;
  const uint32_t f = options_.factors;
  MARQUEE_ASSIGN_OR_RETURN(const ials::IalsKernel* kernel, ials::ActiveIalsKernel());
  members_ = FactorMatrix(train.rows(), f);
  titles_ = FactorMatrix(train.cols(), f);

  // Confidences once per play, in both orientations.
  std::vector<float> member_extra(train.nnz());
#pragma omp parallel for schedule(static)
  for (uint64_t k = 0; k < train.nnz(); ++k) member_extra[k] = ExtraConfidence(train.weights()[k]);
  const TransposedRows transposed = Transpose(train, member_extra);
  const SparseRows member_rows{train.indptr().data(), train.indices().data(), member_extra.data(),
                               train.rows()};
  const SparseRows title_rows = transposed.View();

  // Regularization of every row (frequency scaling: from the row's total weight).
  const std::vector<double> member_sums = RowExtraSums(member_rows);
  const std::vector<double> title_sums = RowExtraSums(title_rows);
  std::vector<float> member_lambda(train.rows());
  std::vector<float> title_lambda(train.cols());
  for (uint32_t u = 0; u < train.rows(); ++u) member_lambda[u] = MemberLambda(member_sums[u]);
  for (uint32_t i = 0; i < train.cols(); ++i) title_lambda[i] = TitleLambda(title_sums[i]);
  if (context.on_notice) {
    const std::string rule =
        options_.scaling == Scaling::kPlain
            ? fmt::format("regularization_scaling=plain: lambda = regularization = {:.4g}",
                          options_.regularization)
            : fmt::format("regularization_scaling=frequency: lambda_u = {:.4g} * W_u^{:.4g}, "
                          "W_u = the row's total confidence",
                          options_.regularization, options_.frequency_exponent);
    context.on_notice({TrainingNotice::Level::kInfo,
                       fmt::format("ials: lambda per member {}; per title {} ({})",
                                   LambdaRange(member_lambda), LambdaRange(title_lambda), rule)});
  }

  RandomInit(members_, DeriveSeed(context.seed, 0), options_.init_scale);
  RandomInit(titles_, DeriveSeed(context.seed, 1), options_.init_scale);
  const std::vector<uint32_t> member_order = LongestFirst(member_rows);
  const std::vector<uint32_t> title_order = LongestFirst(title_rows);

  ProgressReporter progress(context.progress, "training ials", options_.iterations);
  FactorMatrix title_gram = Gramian(titles_);
  for (uint32_t iteration = 1; iteration <= options_.iterations; ++iteration) {
    const Clock::time_point start = Clock::now();
    SolveSide(options_, *kernel, member_rows, member_order, member_lambda, title_gram, titles_, members_);
    const FactorMatrix member_gram = Gramian(members_);
    // The title half-step gathers a member row per play, and at scale those
    // rows are far (123 MB at Netflix-Prize size): reading them as fp16 halves
    // the traffic (docs/MEASUREMENTS.md). Null where the kernel reads floats
    // only, or a value does not fit fp16.
    const HalfRows member_half =
        options_.gather == Gather::kFp16 && options_.solver == Solver::kCg && kernel->to_half != nullptr
            ? HalfCopy(*kernel, members_)
            : HalfRows{};
    SolveSide(options_, *kernel, title_rows, title_order, title_lambda, member_gram, members_, titles_,
              member_half);
    title_gram = Gramian(titles_);  // for the next member half-step (and the loss)
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (context.on_iteration) {
      const bool wanted = iteration == options_.iterations ||
                          (context.loss_every > 0 && iteration % context.loss_every == 0);
      const double loss = wanted ? Loss(member_rows, members_, titles_, member_gram, title_gram, member_lambda,
                                        title_lambda)
                                 : std::numeric_limits<double>::quiet_NaN();
      context.on_iteration(
          TrainingIteration{.iteration = iteration, .loss = loss, .has_loss = wanted, .seconds = seconds});
    }
    progress.Advance(1);
  }
  title_gram_ = std::move(title_gram);
  PrepareScoring();
  if (context.on_notice) {
    const FactorRanks ranks{f, ComputeFactorRank(members_), ComputeFactorRank(titles_)};
    if (std::optional<std::string> warning = RankCollapseWarning(ranks)) {
      context.on_notice({TrainingNotice::Level::kWarning, "ials: " + *warning});
    }
  }
  return Status::OK();
}

void IalsRecommender::PrepareScoring() {
  title_inverse_norms_.resize(titles_.rows());
  for (uint32_t i = 0; i < titles_.rows(); ++i) {
    const double norm = std::sqrt(SquaredNorm(titles_.Row(i), titles_.stride()));
    title_inverse_norms_[i] = norm > 0 ? static_cast<float>(1.0 / norm) : 0.0f;
  }
}

std::vector<float> IalsRecommender::FoldIn(History history) const {
  std::vector<uint32_t> columns;
  std::vector<float> extra;
  double extra_sum = 0;
  for (size_t k = 0; k < history.titles.size(); ++k) {
    if (history.titles[k] >= titles_.rows()) continue;  // unknown to the model
    columns.push_back(history.titles[k]);
    extra.push_back(ExtraConfidence(history.weights.empty() ? 1.0f : history.weights[k]));
    extra_sum += extra.back();
  }
  const ials::SparseRow row{columns.data(), extra.data(), static_cast<uint32_t>(columns.size())};
  std::vector<float> x(titles_.stride(), 0.0f);
  ials::SolverScratch scratch(options_.factors);
  ials::SolveRowCholesky(title_gram_, titles_, row, MemberLambda(extra_sum), x.data(), scratch);
  return x;
}

void IalsRecommender::ScoreMember(uint32_t member, History history,
                                  std::span<float> scores) const {
  if (member >= members_.rows()) return ScoreHistory(history, scores);
  ScoreAll(titles_, members_.Row(member), scores);
}

bool IalsRecommender::ScoreMembers(std::span<const uint32_t> members, float* scores,
                                   size_t ld) const {
  if (members.empty()) return true;
  bool consecutive = true;
  for (size_t r = 1; r < members.size() && consecutive; ++r) consecutive = members[r] == members[0] + r;
  if (consecutive) {
    ScoreBlock(members_, members[0], static_cast<uint32_t>(members.size()), titles_, scores, ld);
    return true;
  }
  // A gathered copy costs members x f floats, nothing next to the product.
  FactorMatrix block(static_cast<uint32_t>(members.size()), members_.factors());
  for (size_t r = 0; r < members.size(); ++r) {
    std::copy_n(members_.Row(members[r]), members_.stride(), block.Row(static_cast<uint32_t>(r)));
  }
  ScoreBlock(block, 0, block.rows(), titles_, scores, ld);
  return true;
}

void IalsRecommender::ScoreHistory(History history, std::span<float> scores) const {
  const std::vector<float> folded = FoldIn(history);
  FactorMatrix x(1, options_.factors);  // aligned copy for the vector kernels
  std::copy(folded.begin(), folded.end(), x.Row(0));
  ScoreAll(titles_, x.Row(0), scores);
}

void IalsRecommender::ScoreSimilar(uint32_t title, std::span<float> scores) const {
  ScoreAll(titles_, titles_.Row(title), scores);
  const float self = title_inverse_norms_[title];
  for (uint32_t i = 0; i < titles_.rows(); ++i) scores[i] *= self * title_inverse_norms_[i];
}

namespace {

// rows, factors, then the f floats of each row (no padding), laid out as
// ByteReader::Array<float> reads them.
void SaveFactors(const FactorMatrix& m, uint32_t tag, SectionFileWriter& out) {
  ByteWriter w;
  w.U32(m.rows());
  w.U32(m.factors());
  w.U64(static_cast<uint64_t>(m.rows()) * m.factors());
  for (uint32_t r = 0; r < m.rows(); ++r) w.Raw(m.Row(r), m.factors() * sizeof(float));
  out.AddSection(tag, std::move(w));
}

Status LoadFactors(const SectionFileReader& in, uint32_t tag, uint32_t factors,
                   FactorMatrix* m) {
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, in.Section(tag));
  ByteReader r(payload, in.path() + ": ials " + FourCCName(tag));
  const uint32_t rows = r.U32();
  const uint32_t stored_factors = r.U32();
  const std::vector<float> values = r.Array<float>();
  if (r.ok() && stored_factors != factors) {
    r.Fail(fmt::format("factors {}, parameters say {}", stored_factors, factors));
  }
  if (r.ok() && values.size() != static_cast<uint64_t>(rows) * factors) {
    r.Fail(fmt::format("{} values for {} x {}", values.size(), rows, factors));
  }
  if (r.ok() && !r.AtEnd()) r.Fail("trailing bytes");
  if (!r.ok()) return r.status();
  *m = FactorMatrix(rows, factors);
  for (uint32_t row = 0; row < rows; ++row) {
    std::copy_n(values.data() + static_cast<size_t>(row) * factors, factors, m->Row(row));
  }
  return Status::OK();
}

}  // namespace

void IalsRecommender::SaveState(SectionFileWriter& out) const {
  SaveFactors(members_, kMemberTag, out);
  SaveFactors(titles_, kTitleTag, out);
}

std::unique_ptr<Recommender> IalsRecommender::WithTitles(const FactorMatrix& extra) const {
  auto out = std::make_unique<IalsRecommender>(options_);
  const size_t row_bytes = static_cast<size_t>(titles_.stride()) * sizeof(float);
  out->members_ = FactorMatrix(members_.rows(), members_.factors());
  std::memcpy(out->members_.data(), members_.data(), row_bytes * members_.rows());
  out->titles_ = FactorMatrix(titles_.rows() + extra.rows(), titles_.factors());
  std::memcpy(out->titles_.data(), titles_.data(), row_bytes * titles_.rows());
  for (uint32_t r = 0; r < extra.rows(); ++r) {
    // Copied a factor at a time: `extra` may be padded otherwise, and the
    // padding must stay zero.
    std::copy_n(extra.Row(r), std::min(extra.factors(), titles_.factors()), out->titles_.Row(titles_.rows() + r));
  }
  out->title_gram_ = Gramian(out->titles_);
  out->PrepareScoring();
  return out;
}

Status IalsRecommender::LoadState(const SectionFileReader& in) {
  MARQUEE_RETURN_IF_ERROR(LoadFactors(in, kMemberTag, options_.factors, &members_));
  MARQUEE_RETURN_IF_ERROR(LoadFactors(in, kTitleTag, options_.factors, &titles_));
  title_gram_ = Gramian(titles_);
  PrepareScoring();
  return Status::OK();
}

}  // namespace marquee
