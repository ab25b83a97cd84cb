// Member stage of the synthetic service: tastes (Dirichlet over genres),
// kinds, activity (log-normal), join times, and the exact split of the play
// budget between members. See synthetic.cc for the model.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "marquee/synthetic/synthetic_internal.h"

namespace marquee::synthetic {

namespace {

// Members join over the period, earlier more often (U^2), and none in the
// last tenth so that everyone has some time to watch.
constexpr double kJoinWindow = 0.9;

// Taste ~ Dirichlet(concentration * base share): with a total near 1 the mass
// falls on two or three genres, common genres more often.
void DrawTaste(Rng& rng, const std::vector<double>& alpha, float* taste) {
  const size_t g_count = alpha.size();
  double draws[kSyntheticGenreCount];
  double total = 0.0;
  for (size_t g = 0; g < g_count; ++g) {
    draws[g] = rng.Gamma(alpha[g]);
    total += draws[g];
  }
  if (!(total > 0.0)) {  // every draw underflowed: all taste on one genre
    std::fill(draws, draws + g_count, 0.0);
    draws[rng.Below(static_cast<uint32_t>(g_count))] = total = 1.0;
  }
  for (size_t g = 0; g < g_count; ++g) taste[g] = static_cast<float>(draws[g] / total);
}

uint16_t DominantGenre(const float* taste, uint32_t genres) {
  return static_cast<uint16_t>(std::max_element(taste, taste + genres) - taste);
}

std::vector<double> TasteAlpha(const SyntheticConfig& config) {
  std::vector<double> alpha(config.genres);
  double total = 0.0;
  for (uint32_t g = 0; g < config.genres; ++g) total += GenreBaseWeight(g);
  for (uint32_t g = 0; g < config.genres; ++g) {
    alpha[g] = config.taste_concentration * GenreBaseWeight(g) / total;
  }
  return alpha;
}

// Sum over members of min(cap, scale * activity).
double CappedTotal(const std::vector<float>& activity, double scale, double cap) {
  double total = 0.0;
  for (float a : activity) total += std::min(cap, scale * a);
  return total;
}

// The scale at which the capped shares add up to `target` (bisection; the
// capped total is continuous and increasing in the scale).
double FindScale(const std::vector<float>& activity, double target, double cap) {
  double lo = 0.0, hi = 1.0;
  // Bounded: activities are positive, so a finite scale caps everyone.
  for (int i = 0; i < 1000 && CappedTotal(activity, hi, cap) < target; ++i) hi *= 2.0;
  for (int i = 0; i < 200 && lo < hi; ++i) {
    double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    (CappedTotal(activity, mid, cap) < target ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace

std::vector<uint32_t> AllocatePlays(const std::vector<float>& activity, uint64_t total,
                                    uint32_t cap) {
  const size_t n = activity.size();
  std::vector<uint32_t> counts(n, 1);  // everyone plays at least once
  if (n == 0 || total <= n || cap <= 1) return counts;
  const uint64_t extra = total - n;
  const uint32_t extra_cap = cap - 1;
  const double scale = FindScale(activity, static_cast<double>(extra), extra_cap);

  std::vector<double> fraction(n);
  uint64_t given = 0;
  for (size_t m = 0; m < n; ++m) {
    double share = std::min<double>(extra_cap, scale * activity[m]);
    double whole = std::floor(share);
    fraction[m] = share - whole;
    counts[m] += static_cast<uint32_t>(whole);
    given += static_cast<uint64_t>(whole);
  }
  // Largest remainders first (ties to the lower index); the bisection leaves
  // given <= extra, and a round-robin pass covers any floating-point slack.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return fraction[a] != fraction[b] ? fraction[a] > fraction[b] : a < b;
  });
  for (size_t pass = 0; given < extra && pass < 2 * static_cast<size_t>(cap); ++pass) {
    for (uint32_t m : order) {
      if (given == extra) break;
      if (counts[m] < cap) {
        ++counts[m];
        ++given;
      }
    }
  }
  for (size_t i = n; given > extra && i-- > 0;) {  // slack the other way: smallest first
    uint32_t m = order[i];
    if (counts[m] > 1) {
      --counts[m];
      --given;
    }
  }
  return counts;
}

std::vector<int64_t> GenerateMembers(const SyntheticConfig& config,
                                     const ProgressCallback& progress, Dataset& dataset,
                                     GroundTruth& truth) {
  ProgressReporter report(progress, "generating members", config.members);
  const uint32_t n = config.members;
  const uint32_t genres = config.genres;
  dataset.members.Reserve(n, 8);
  for (uint32_t m = 0; m < n; ++m) {
    char id[32];
    std::snprintf(id, sizeof(id), "m%07u", m);
    dataset.members.GetOrAdd(id);
  }

  truth.member_taste.assign(static_cast<size_t>(n) * genres, 0.0f);
  truth.member_activity.assign(n, 0.0f);
  truth.member_kind.assign(n, 0);
  std::vector<int64_t> join_times(n);
  const std::vector<double> alpha = TasteAlpha(config);
  const double sigma = config.activity_spread;
  const int64_t period = static_cast<int64_t>(config.period_days) * 86400;
  const int64_t start = config.period_end - period;
  const uint64_t stream = StreamSeed(config.seed, Stream::kMembers);
#pragma omp parallel for schedule(static, 1024)
  for (int64_t m = 0; m < static_cast<int64_t>(n); ++m) {
    Rng rng(DeriveSeed(stream, static_cast<uint64_t>(m)));
    float* taste = truth.member_taste.data() + static_cast<size_t>(m) * genres;
    DrawTaste(rng, alpha, taste);
    truth.member_kind[m] = DominantGenre(taste, genres);
    // Mean-one log-normal: exp(sigma N - sigma^2 / 2).
    truth.member_activity[m] = static_cast<float>(std::exp(sigma * rng.Normal() - 0.5 * sigma * sigma));
    double u = rng.Uniform();
    join_times[m] = start + static_cast<int64_t>(u * u * kJoinWindow * static_cast<double>(period));
    report.Advance(1);
  }
  return join_times;
}

}  // namespace marquee::synthetic
