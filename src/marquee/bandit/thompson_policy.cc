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

// The Monte Carlo behind Probabilities: `samples` draws of the n scores
// mean + L z, z read from the normal table at `at` onwards (n a draw,
// wrapping at `span`); each draw's best score wins 1, split evenly among
// scores within kTieTolerance of it. N > 0 fixes n at compile time (N == n),
// so the short loops unroll; N == 0 takes n as it comes. `scores` is
// scratch of n.
template <size_t N>
void CountWins(size_t n_any, const double* mean, const double* factor, const double* normals, size_t at,
               size_t span, uint32_t samples, double* scores, double* wins) {
  const size_t n = N > 0 ? N : n_any;
  for (uint32_t s = 0; s < samples; ++s) {
    const double* z = normals + at;
    at += n;  // (at + n) % span, without a division a draw
    if (at >= span) at -= span;
    double best = -INFINITY;
    for (size_t v = 0; v < n; ++v) {
      const double* row = factor + v * n;
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
  if (models_.shape() == ArmModels::Shape::kShared && models_.shared().prepared_for_reads() &&
      dim == features_->joint_dim()) {
    PreparedScoreDistribution(context, models_.shared(), mean, covariance);
    return;
  }
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
  // Shared model: cov(x_v.theta, x_w.theta) = x_v^T A^-1 x_w.
  const RidgeRegression& shared = models_.shared();
  thread_local std::vector<double> a;
  a.resize(n * dim);
  // A state that changes between reads (a published one went to
  // PreparedScoreDistribution above): a = b = L^-1 x, one triangular solve
  // a variant.
  for (size_t v = 0; v < n; ++v) {
    mean[v] = shared.Mean(x_of(v));
    shared.Whiten(x_of(v), {a.data() + v * dim, dim});
  }
  FillCovariance(a.data(), a.data(), n, dim, scale2, covariance);
}

// The covariances and means of a published policy's shared model from the
// joint features' terms (ArtworkFeatures::JointTerms): each x_v is at most
// six unit vectors and one style block holding the member's genre
// affinity, so with G = A^-1
//   x_v^T G x_w = sum over term pairs: G[i][j] (units), (G b_s)[i] (a unit
//                 and a block), b_s^T G b_t (two blocks),
// and the products with the blocks, b_s the member's affinity in style s's
// block, are the same for every title of a request: they are computed once
// per member (and per published state) and kept per thread. That is the same
// arithmetic as A^-1 x_v dotted with x_w, summed in another order (rounding
// only), at a few dozen multiply-adds a pair instead of a d-long product a
// non-zero of every x_v.
void ThompsonPolicy::PreparedScoreDistribution(const ArtworkContext& context, const RidgeRegression& shared,
                                               std::span<double> mean, std::span<double> covariance) const {
  const ArtworkFeatures& features = *features_;
  const size_t n = mean.size();
  const size_t d = shared.dim();
  const size_t genres = features.genre_count();
  const size_t styles = features.style_count();
  const std::span<const double> g = shared.inverse();
  const std::span<const double> theta = shared.theta();
  const float* affinity = context.member.data() + 1;
  struct MemberProducts {
    uint64_t prepared_id = 0;
    std::vector<float> member;
    std::vector<double> gb;     // styles x d: G b_s
    std::vector<double> bgb;    // styles x styles: b_s^T G b_t
    std::vector<double> theta_b;  // styles: theta . b_s
  };
  thread_local MemberProducts cache;
  if (cache.prepared_id != shared.prepared_id() || cache.member.size() != context.member.size() ||
      !std::equal(context.member.begin(), context.member.end(), cache.member.begin())) {
    cache.prepared_id = shared.prepared_id();
    cache.member.assign(context.member.begin(), context.member.end());
    cache.gb.assign(styles * d, 0.0);
    cache.bgb.assign(styles * styles, 0.0);
    cache.theta_b.assign(styles, 0.0);
    for (size_t s = 0; s < styles; ++s) {
      const size_t block = features.StyleBlockStart(static_cast<uint32_t>(s));
      double* gb = cache.gb.data() + s * d;
      double tb = 0.0;
      for (size_t k = 0; k < genres; ++k) {
        const double a = static_cast<double>(affinity[k]);
        tb += theta[block + k] * a;
        const double* row = g.data() + (block + k) * d;  // column block + k, by symmetry
#pragma omp simd
        for (size_t j = 0; j < d; ++j) gb[j] += a * row[j];
      }
      cache.theta_b[s] = tb;
    }
    for (size_t s = 0; s < styles; ++s) {
      const size_t block = features.StyleBlockStart(static_cast<uint32_t>(s));
      for (size_t t = 0; t < styles; ++t) {
        const double* gb = cache.gb.data() + t * d;
        double sum = 0.0;
        for (size_t k = 0; k < genres; ++k) sum += static_cast<double>(affinity[k]) * gb[block + k];
        cache.bgb[s * styles + t] = sum;
      }
    }
  }
  thread_local std::vector<ArtworkFeatures::JointTerms> terms;
  terms.resize(n);
  const uint32_t offset = features.artwork_offset(context.title);
  for (size_t v = 0; v < n; ++v) {
    ArtworkFeatures::JointTerms& t = terms[v];
    features.JointTermsOf(context.member, offset + static_cast<uint32_t>(v), t);
    double m = t.style >= 0 ? cache.theta_b[static_cast<size_t>(t.style)] : 0.0;
    for (uint32_t k = 0; k < t.count; ++k) m += theta[t.index[k]] * static_cast<double>(t.value[k]);
    mean[v] = m;
  }
  const double scale2 = options_.scale * options_.scale;
  for (size_t v = 0; v < n; ++v) {
    const ArtworkFeatures::JointTerms& tv = terms[v];
    const double* gbv = tv.style >= 0 ? cache.gb.data() + static_cast<size_t>(tv.style) * d : nullptr;
    for (size_t w = v; w < n; ++w) {
      const ArtworkFeatures::JointTerms& tw = terms[w];
      const double* gbw = tw.style >= 0 ? cache.gb.data() + static_cast<size_t>(tw.style) * d : nullptr;
      double sum = 0.0;
      for (uint32_t p = 0; p < tv.count; ++p) {
        const double* row = g.data() + static_cast<size_t>(tv.index[p]) * d;
        double inner = gbw != nullptr ? gbw[tv.index[p]] : 0.0;
        for (uint32_t q = 0; q < tw.count; ++q) inner += row[tw.index[q]] * static_cast<double>(tw.value[q]);
        sum += static_cast<double>(tv.value[p]) * inner;
      }
      if (gbv != nullptr) {
        for (uint32_t q = 0; q < tw.count; ++q) sum += gbv[tw.index[q]] * static_cast<double>(tw.value[q]);
        if (gbw != nullptr) sum += cache.bgb[static_cast<size_t>(tv.style) * styles + static_cast<size_t>(tw.style)];
      }
      covariance[v * n + w] = scale2 * sum;
      covariance[w * n + v] = scale2 * sum;
    }
  }
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
  switch (n) {  // the usual variant counts with their loops unrolled; the same arithmetic
    case 2: CountWins<2>(n, mean.data(), factor.data(), normals.data(), at, span, options_.samples, scores.data(), wins.data()); break;
    case 3: CountWins<3>(n, mean.data(), factor.data(), normals.data(), at, span, options_.samples, scores.data(), wins.data()); break;
    case 4: CountWins<4>(n, mean.data(), factor.data(), normals.data(), at, span, options_.samples, scores.data(), wins.data()); break;
    case 5: CountWins<5>(n, mean.data(), factor.data(), normals.data(), at, span, options_.samples, scores.data(), wins.data()); break;
    case 6: CountWins<6>(n, mean.data(), factor.data(), normals.data(), at, span, options_.samples, scores.data(), wins.data()); break;
    case 7: CountWins<7>(n, mean.data(), factor.data(), normals.data(), at, span, options_.samples, scores.data(), wins.data()); break;
    case 8: CountWins<8>(n, mean.data(), factor.data(), normals.data(), at, span, options_.samples, scores.data(), wins.data()); break;
    default: CountWins<0>(n, mean.data(), factor.data(), normals.data(), at, span, options_.samples, scores.data(), wins.data());
  }
  const double norm = 1.0 / static_cast<double>(options_.samples);
  for (size_t v = 0; v < n; ++v) out[v] = wins[v] * norm;
}

std::unique_ptr<ArtworkPolicy> ThompsonPolicy::Clone() const {
  return std::make_unique<ThompsonPolicy>(*this);
}

}  // namespace marquee
