#include "marquee/bandit/thompson_policy.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "marquee/util/checksum.h"
#include "marquee/util/random.h"

namespace marquee {

namespace {

// Pivots below this share of the largest variance count as zero: two variants
// with the same features have perfectly correlated scores, and the factor of
// their covariance is singular rather than an error.
constexpr double kPivotTolerance = 1e-12;
// Scores this close (relative) are a tie, split evenly.
constexpr double kTieTolerance = 1e-12;

// Lower Cholesky factor of a positive semi-definite n x n matrix, in place
// (row-major; the upper triangle is zeroed). A negligible pivot zeroes its
// column, which is exact for a singular matrix and harmless for rounding.
void SemiDefiniteCholesky(std::span<double> a, size_t n) {
  double largest = 0.0;
  for (size_t i = 0; i < n; ++i) largest = std::max(largest, a[i * n + i]);
  const double tiny = kPivotTolerance * largest;
  for (size_t j = 0; j < n; ++j) {
    double* row_j = a.data() + j * n;
    double pivot = row_j[j];
    for (size_t k = 0; k < j; ++k) pivot -= row_j[k] * row_j[k];
    const double diag = pivot > tiny ? std::sqrt(pivot) : 0.0;
    row_j[j] = diag;
    for (size_t i = j + 1; i < n; ++i) {
      double* row_i = a.data() + i * n;
      if (diag == 0.0) {
        row_i[j] = 0.0;
        continue;
      }
      double sum = row_i[j];
      for (size_t k = 0; k < j; ++k) sum -= row_i[k] * row_j[k];
      row_i[j] = sum / diag;
    }
    for (size_t k = j + 1; k < n; ++k) row_j[k] = 0.0;
  }
}

// Fills `out` with standard normals, using both outputs of each Box-Muller
// pair.
void FillNormals(Rng& rng, std::span<double> out) {
  constexpr double kTwoPi = 6.283185307179586;
  for (size_t i = 0; i < out.size(); i += 2) {
    const double u1 = std::max(rng.Uniform(), 1e-300);
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = kTwoPi * rng.Uniform();
    out[i] = radius * std::cos(angle);
    if (i + 1 < out.size()) out[i + 1] = radius * std::sin(angle);
  }
}

uint64_t MonteCarloSeed(const ArtworkContext& context, uint64_t observations) {
  const std::string_view bytes(reinterpret_cast<const char*>(context.member.data()),
                               context.member.size_bytes());
  return DeriveSeed(Hash64(bytes, context.title), observations);
}

// The Monte Carlo reads its normals from one fixed table, at an offset drawn
// per decision, instead of generating them: a log, a square root and a sine
// per pair cost ten times the K^2 multiply-adds of a sample and dominated a
// decision. The estimate stays deterministic per context and state, and the
// choice is still drawn exactly from it, so logged propensities stay exact.
constexpr size_t kNormalTableSize = size_t{1} << 16;
const std::vector<double>& NormalTable() {
  static const std::vector<double> table = [] {
    std::vector<double> t(kNormalTableSize);
    Rng rng(0x6e6f726d616c73ULL);  // "normals"
    FillNormals(rng, t);
    return t;
  }();
  return table;
}

// covariance[v][w] = covariance[w][v] = scale2 * (a_v . b_w), rows of
// length dim; symmetric when a_v . b_w = a_w . b_v, as for both factorings.
template <typename B>
void FillCovariance(const double* a, const B* b, size_t n, size_t dim, double scale2,
                    std::span<double> covariance) {
  for (size_t v = 0; v < n; ++v) {
    const double* av = a + v * dim;
    for (size_t w = v; w < n; ++w) {
      const B* bw = b + w * dim;
      double dot = 0.0;
#pragma omp simd reduction(+ : dot)
      for (size_t i = 0; i < dim; ++i) dot += av[i] * static_cast<double>(bw[i]);
      covariance[v * n + w] = scale2 * dot;
      covariance[w * n + v] = scale2 * dot;
    }
  }
}

}  // namespace

ThompsonPolicy::ThompsonPolicy(std::shared_ptr<const ArtworkFeatures> features, Parameters parameters,
                               const ThompsonOptions& options)
    : LinearPolicy(std::move(features), std::move(parameters), options.shape, options.lambda),
      options_(options) {}

void ThompsonPolicy::ScoreDistribution(const ArtworkContext& context, std::span<double> mean,
                                       std::span<double> covariance) const {
  const size_t n = mean.size();
  const size_t dim = models_.dim();
  thread_local std::vector<float> xs;  // per thread: no allocation per decision
  models_.Contexts(context, xs);
  auto x_of = [&](size_t v) { return std::span<const float>(xs.data() + v * dim, dim); };
  std::fill(covariance.begin(), covariance.end(), 0.0);
  const double scale2 = options_.scale * options_.scale;
  if (models_.shape() == ArmModels::Shape::kDisjoint) {  // independent arms
    for (size_t v = 0; v < n; ++v) {
      const uint32_t variant = static_cast<uint32_t>(v);
      mean[v] = models_.Mean(context.title, variant, x_of(v));
      covariance[v * n + v] = scale2 * models_.Variance(context.title, variant, x_of(v));
    }
    return;
  }
  // Shared model: cov(x_v.theta, x_w.theta) = x_v^T A^-1 x_w = a_v . b_w for
  // one of two factorings, chosen by whether A^-1 is kept.
  const RidgeRegression& shared = models_.shared();
  thread_local std::vector<double> a;
  a.resize(n * dim);
  if (shared.prepared_for_reads()) {
    // A published policy: a = A^-1 x, one axpy a non-zero of x; b = x. The
    // joint features are one-hot blocks (about a quarter of the entries are
    // non-zero), so each x is listed by its non-zeros once, and the means
    // and the covariances read only those.
    thread_local std::vector<uint32_t> index;
    thread_local std::vector<double> value;
    thread_local std::vector<size_t> starts;
    index.clear();
    value.clear();
    starts.assign(1, 0);
    for (size_t v = 0; v < n; ++v) {
      const float* x = xs.data() + v * dim;
      for (size_t i = 0; i < dim; ++i) {
        if (x[i] == 0.0f) continue;
        index.push_back(static_cast<uint32_t>(i));
        value.push_back(static_cast<double>(x[i]));
      }
      starts.push_back(index.size());
    }
    const std::span<const double> theta = shared.theta();
    for (size_t v = 0; v < n; ++v) {
      const std::span<const uint32_t> iv(index.data() + starts[v], starts[v + 1] - starts[v]);
      const std::span<const double> xv(value.data() + starts[v], iv.size());
      double m = 0.0;
      for (size_t k = 0; k < iv.size(); ++k) m += theta[iv[k]] * xv[k];
      mean[v] = m;
      shared.InverseTimesSparse(iv, xv, {a.data() + v * dim, dim});
    }
    for (size_t v = 0; v < n; ++v) {
      const double* av = a.data() + v * dim;
      for (size_t w = v; w < n; ++w) {
        double dot = 0.0;
        for (size_t k = starts[w]; k < starts[w + 1]; ++k) dot += av[index[k]] * value[k];
        covariance[v * n + w] = scale2 * dot;
        covariance[w * n + v] = scale2 * dot;
      }
    }
    return;
  }
  // A state that changes between reads: a = b = L^-1 x, one triangular
  // solve a variant.
  for (size_t v = 0; v < n; ++v) {
    mean[v] = shared.Mean(x_of(v));
    shared.Whiten(x_of(v), {a.data() + v * dim, dim});
  }
  FillCovariance(a.data(), a.data(), n, dim, scale2, covariance);
}

void ThompsonPolicy::Probabilities(const ArtworkContext& context, std::span<double> out) const {
  const size_t n = out.size();
  if (n == 1) {
    out[0] = 1.0;
    return;
  }
  // Per thread, so that a decision allocates nothing after a thread's first.
  thread_local std::vector<double> mean, factor, scores, wins;
  mean.resize(n);
  factor.resize(n * n);
  scores.resize(n);
  wins.assign(n, 0.0);
  ScoreDistribution(context, mean, factor);
  SemiDefiniteCholesky(factor, n);

  Rng rng(MonteCarloSeed(context, models_.Observations(context.title)));
  const std::vector<double>& normals = NormalTable();
  const size_t span = kNormalTableSize - n;
  size_t at = static_cast<size_t>(rng.Next() % span);
  for (uint32_t s = 0; s < options_.samples; ++s) {
    const double* z = normals.data() + at;
    at += n;  // (at + n) % span, without a division a sample
    if (at >= span) at -= span;
    double best = -INFINITY;
    for (size_t v = 0; v < n; ++v) {
      const double* row = factor.data() + v * n;
      double score = mean[v];
      for (size_t k = 0; k <= v; ++k) score += row[k] * z[k];
      scores[v] = score;
      best = std::max(best, score);
    }
    const double floor = best - kTieTolerance * std::max(1.0, std::abs(best));
    size_t ties = 0;
    size_t best_v = 0;
    for (size_t v = 0; v < n; ++v) {
      if (!(scores[v] >= floor)) continue;  // the split's test below, NaN included
      ++ties;
      best_v = v;
    }
    if (ties == 1) {  // the usual case: 1.0 / 1, as the shared split below
      wins[best_v] += 1.0;
      continue;
    }
    const double share = 1.0 / static_cast<double>(ties);
    for (size_t v = 0; v < n; ++v) {
      if (scores[v] >= floor) wins[v] += share;
    }
  }
  const double norm = 1.0 / static_cast<double>(options_.samples);
  for (size_t v = 0; v < n; ++v) out[v] = wins[v] * norm;
}

std::unique_ptr<ArtworkPolicy> ThompsonPolicy::Clone() const {
  return std::make_unique<ThompsonPolicy>(*this);
}

}  // namespace marquee
