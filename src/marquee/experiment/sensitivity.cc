#include "marquee/experiment/sensitivity.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "marquee/experiment/interleaving.h"
#include "marquee/experiment/statistics.h"
#include "marquee/util/random.h"
#include "marquee/util/svg_chart.h"

namespace marquee::experiment {

namespace {

double Examination(uint32_t position) {
  return 1.0 / std::log2(position + 2.0);
}

// Interleaving outcomes drawn per pool member: an experiment unit takes one
// of them at random, so that the pool's own sampling noise in the preference
// (which every resampled experiment would share) is this many times smaller.
constexpr int kInterleavingDraws = 8;

// One pool member's potential outcomes (sensitivity.h), each its own draw.
struct Outcomes {
  double plays_a = 0.0, plays_b = 0.0, pre = 0.0;
  TeamCredit credit[kInterleavingDraws];
};

Status Check(const SensitivityInputs& in, const SensitivityOptions& o) {
  auto bad = [](std::string_view field, std::string_view expected) {
    return Status::InvalidArgument(fmt::format("{}: expected {}", field, expected));
  };
  if (in.members < 2) return bad("members", "at least 2");
  if (in.k == 0) return bad("k", "at least 1 title a list");
  const size_t cells = static_cast<size_t>(in.members) * in.k;
  if (in.list_a.size() != cells || in.list_b.size() != cells) {
    return bad("list_a, list_b", fmt::format("members x k = {} titles each, got {} and {}", cells,
                                             in.list_a.size(), in.list_b.size()));
  }
  if (in.activity.size() != in.members) {
    return bad("activity", fmt::format("one value a member ({}), got {}", in.members, in.activity.size()));
  }
  for (double a : in.activity) {
    if (!(a >= 0.0) || !std::isfinite(a)) return bad("activity", "finite values >= 0");
  }
  if (!in.play_probability) return bad("play_probability", "a function");
  if (!(o.sessions_mean > 0.0) || !(o.pre_sessions_mean > 0.0)) {
    return bad("sessions_mean, pre_sessions_mean", "numbers > 0");
  }
  if (o.member_counts.empty() || o.member_counts.front() < 4 ||
      !std::is_sorted(o.member_counts.begin(), o.member_counts.end())) {
    return bad("member_counts", "ascending sizes, each at least 4");
  }
  if (o.repetitions < 10) return bad("repetitions", "at least 10");
  if (!(o.alpha > 0.0 && o.alpha < 1.0)) return bad("alpha", "a number in (0, 1)");
  if (!(o.target_power > 0.0 && o.target_power < 1.0)) return bad("target_power", "a number in (0, 1)");
  return Status::OK();
}

// Plays of one member over `sessions` sessions of `list`: per position a
// binomial draw (sessions are independent).
double DrawPlays(const SensitivityInputs& in, uint32_t m, std::span<const uint32_t> list, int sessions,
                 std::mt19937_64& rng) {
  double plays = 0.0;
  for (uint32_t j = 0; j < list.size(); ++j) {
    const double p = std::clamp(Examination(j) * in.play_probability(m, list[j]), 0.0, 1.0);
    plays += std::binomial_distribution<int>(sessions, p)(rng);
  }
  return plays;
}

double ExpectedPlays(const SensitivityInputs& in, uint32_t m, std::span<const uint32_t> list, double sessions) {
  double plays = 0.0;
  for (uint32_t j = 0; j < list.size(); ++j) {
    plays += std::clamp(Examination(j) * in.play_probability(m, list[j]), 0.0, 1.0);
  }
  return sessions * plays;
}

Outcomes Simulate(const SensitivityInputs& in, const SensitivityOptions& o, uint32_t m) {
  std::mt19937_64 rng(DeriveSeed(o.seed, m));
  const std::span<const uint32_t> a = in.list_a.subspan(static_cast<size_t>(m) * in.k, in.k);
  const std::span<const uint32_t> b = in.list_b.subspan(static_cast<size_t>(m) * in.k, in.k);
  auto sessions = [&](double mean) { return std::poisson_distribution<int>(mean * in.activity[m])(rng); };
  Outcomes out;
  out.pre = DrawPlays(in, m, a, sessions(o.pre_sessions_mean), rng);
  out.plays_a = DrawPlays(in, m, a, sessions(o.sessions_mean), rng);
  out.plays_b = DrawPlays(in, m, b, sessions(o.sessions_mean), rng);
  // Interleaving: a fresh team draft every session, plays credited to the teams.
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (TeamCredit& credit : out.credit) {
    const int interleaved = sessions(o.sessions_mean);
    for (int s = 0; s < interleaved; ++s) {
      const auto list = TeamDraftInterleave(a, b, in.k, rng());
      for (uint32_t j = 0; j < list.size(); ++j) {
        if (u(rng) < Examination(j) * in.play_probability(m, list[j].title)) credit.Add(list[j].team);
      }
    }
  }
  return out;
}

// Whether one resampled experiment of `n` members rejects in the true
// direction, for each method (A/B, CUPED, interleaving).
struct Verdicts {
  bool ab = false, cuped = false, interleaving = false;
};

Verdicts RunExperiment(std::span<const Outcomes> pool, uint64_t n, bool b_better, const SensitivityOptions& o,
                       Rng& rng) {
  const TestOptions test{.alpha = o.alpha};
  const uint64_t half = n / 2;
  std::vector<double> ya, yb, xa, xb;
  ya.reserve(half);
  yb.reserve(half);
  xa.reserve(half);
  xb.reserve(half);
  for (uint64_t i = 0; i < half; ++i) {
    const Outcomes& ma = pool[rng.Below(static_cast<uint32_t>(pool.size()))];
    const Outcomes& mb = pool[rng.Below(static_cast<uint32_t>(pool.size()))];
    ya.push_back(ma.plays_a);
    xa.push_back(ma.pre);
    yb.push_back(mb.plays_b);
    xb.push_back(mb.pre);
  }
  auto right_way = [&](double difference, double p) { return p < o.alpha && (difference > 0.0) == b_better; };
  Verdicts v;
  if (Result<MeanComparison> t = WelchTTest(ya, yb, test); t.ok()) v.ab = right_way(t->difference, t->p_value);
  if (Result<CupedComparison> c = CupedWelchTTest(ya, xa, yb, xb, test); c.ok()) {
    v.cuped = right_way(c->adjusted.difference, c->adjusted.p_value);
  }
  int64_t wins_b = 0, wins_a = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const TeamCredit& c = pool[rng.Below(static_cast<uint32_t>(pool.size()))].credit[rng.Below(kInterleavingDraws)];
    wins_b += c.b > c.a;
    wins_a += c.a > c.b;
  }
  if (Result<SignTestResult> s = SignTest(wins_b, wins_a); s.ok()) {
    v.interleaving = right_way(static_cast<double>(wins_b - wins_a), s->p_value);
  }
  return v;
}

// Members for `target` power, linear in log(members) between grid points.
double MembersNeeded(const std::vector<uint64_t>& sizes, const std::vector<double>& power, double target) {
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (power[i] < target) continue;
    if (i == 0) return static_cast<double>(sizes[0]);
    const double f = (target - power[i - 1]) / (power[i] - power[i - 1]);
    return std::exp(std::log(static_cast<double>(sizes[i - 1])) +
                    f * (std::log(static_cast<double>(sizes[i])) - std::log(static_cast<double>(sizes[i - 1]))));
  }
  return 0.0;
}

}  // namespace

std::vector<uint64_t> MemberCountGrid(uint64_t largest) {
  std::vector<uint64_t> sizes;
  for (uint64_t decade = 100; decade <= largest; decade *= 10) {
    for (uint64_t step : {1, 2, 5}) {
      if (decade * step <= largest) sizes.push_back(decade * step);
    }
  }
  return sizes;
}

Result<SensitivityResult> MeasureSensitivity(const SensitivityInputs& in, const SensitivityOptions& o) {
  MARQUEE_RETURN_IF_ERROR(Check(in, o));
  std::vector<Outcomes> pool(in.members);
  SensitivityResult result;
  double expected_a = 0.0, expected_b = 0.0;
#pragma omp parallel for schedule(dynamic, 256) reduction(+ : expected_a, expected_b)
  for (int64_t m = 0; m < static_cast<int64_t>(in.members); ++m) {
    const uint32_t member = static_cast<uint32_t>(m);
    pool[m] = Simulate(in, o, member);
    const double sessions = o.sessions_mean * in.activity[m];
    expected_a += ExpectedPlays(in, member, in.list_a.subspan(m * in.k, in.k), sessions);
    expected_b += ExpectedPlays(in, member, in.list_b.subspan(m * in.k, in.k), sessions);
  }
  result.mean_plays_a = expected_a / in.members;
  result.mean_plays_b = expected_b / in.members;
  // The pool's drawn means differ from the truth's expectations by its own
  // sampling noise (a standard deviation / sqrt(members)), which every
  // resampled experiment would inherit -- as large as the effect when the
  // effect is small. A constant shift per cell removes it and keeps every
  // member's variation.
  double drawn_a = 0.0, drawn_b = 0.0;
  for (const Outcomes& m : pool) {
    drawn_a += m.plays_a;
    drawn_b += m.plays_b;
  }
  const double shift_a = result.mean_plays_a - drawn_a / in.members;
  const double shift_b = result.mean_plays_b - drawn_b / in.members;
  for (Outcomes& m : pool) {
    m.plays_a += shift_a;
    m.plays_b += shift_b;
  }
  const bool b_better = result.mean_plays_b > result.mean_plays_a;

  // CUPED's reduction on the whole pool (under A), for the report.
  {
    std::vector<double> y, x;
    for (const Outcomes& m : pool) {
      y.push_back(m.plays_a);
      x.push_back(m.pre);
    }
    const size_t h = y.size() / 2;
    Result<CupedComparison> c = CupedWelchTTest(std::span(y).first(h), std::span(x).first(h),
                                                std::span(y).subspan(h), std::span(x).subspan(h));
    if (c.ok()) result.cuped_variance_reduction = c->variance_reduction;
    double mean = 0.0, squares = 0.0;
    for (double v : y) mean += v;
    mean /= y.size();
    for (double v : y) squares += (v - mean) * (v - mean);
    const double sd = std::sqrt(squares / (y.size() - 1));
    result.standardized_effect = sd > 0.0 ? (result.mean_plays_b - result.mean_plays_a) / sd : 0.0;
    uint64_t with = 0, better = 0;
    for (const Outcomes& m : pool) {
      for (const TeamCredit& c : m.credit) {
        if (c.a == c.b) continue;
        ++with;
        better += (c.b > c.a) == b_better;
      }
    }
    result.members_with_preference = static_cast<double>(with) / (pool.size() * kInterleavingDraws);
    result.better_preferred = with == 0 ? 0.0 : static_cast<double>(better) / with;
  }

  result.member_counts = o.member_counts;
  const size_t sizes = o.member_counts.size();
  std::vector<uint32_t> ab(sizes, 0), cuped(sizes, 0), inter(sizes, 0);
  for (size_t s = 0; s < sizes; ++s) {
    uint32_t n_ab = 0, n_cuped = 0, n_inter = 0;
#pragma omp parallel for schedule(dynamic, 4) reduction(+ : n_ab, n_cuped, n_inter)
    for (int64_t r = 0; r < static_cast<int64_t>(o.repetitions); ++r) {
      Rng rng(DeriveSeed(o.seed ^ 0x5e5e5e5eULL, s * 1000003ULL + r));
      const Verdicts v = RunExperiment(pool, o.member_counts[s], b_better, o, rng);
      n_ab += v.ab;
      n_cuped += v.cuped;
      n_inter += v.interleaving;
    }
    ab[s] = n_ab;
    cuped[s] = n_cuped;
    inter[s] = n_inter;
  }
  auto method = [&](std::string name, const std::vector<uint32_t>& rejections) {
    MethodSensitivity m;
    m.method = std::move(name);
    for (uint32_t k : rejections) m.power.push_back(static_cast<double>(k) / o.repetitions);
    m.members_needed = MembersNeeded(o.member_counts, m.power, o.target_power);
    return m;
  };
  result.methods = {method("A/B", ab), method("A/B + CUPED", cuped), method("interleaving", inter)};
  return result;
}

std::string SensitivityTable(const SensitivityResult& r) {
  std::string out = fmt::format("true plays per member: A {:.4f}, B {:.4f} ({:+.2f}%); CUPED removes {:.1f}% of "
                                "the variance\n",
                                r.mean_plays_a, r.mean_plays_b,
                                100.0 * (r.mean_plays_b - r.mean_plays_a) / r.mean_plays_a,
                                100.0 * r.cuped_variance_reduction);
  out += fmt::format("A/B: standardized effect {:+.4f} (difference / standard deviation of a member's plays); "
                     "interleaving: {:.1f}% of members prefer a ranker, {:.1f}% of them the better one\n\n",
                     r.standardized_effect, 100.0 * r.members_with_preference, 100.0 * r.better_preferred);
  out += fmt::format("{:>9}", "members");
  for (const MethodSensitivity& m : r.methods) out += fmt::format(" {:>14}", m.method);
  out += "\n";
  for (size_t s = 0; s < r.member_counts.size(); ++s) {
    out += fmt::format("{:>9}", r.member_counts[s]);
    for (const MethodSensitivity& m : r.methods) out += fmt::format(" {:>14.3f}", m.power[s]);
    out += "\n";
  }
  out += "\nmembers for 80% power:";
  for (const MethodSensitivity& m : r.methods) {
    out += m.members_needed > 0 ? fmt::format("  {} {:.0f}", m.method, m.members_needed)
                                : fmt::format("  {} > {}", m.method, r.member_counts.back());
  }
  const double ab = r.methods[0].members_needed, il = r.methods[2].members_needed;
  if (ab > 0 && il > 0) out += fmt::format("\nA/B needs {:.1f}x the members interleaving needs", ab / il);
  out += "\n";
  return out;
}

std::string SensitivityChartSvg(const SensitivityResult& r) {
  std::vector<LineSeries> series;
  for (const MethodSensitivity& m : r.methods) {
    LineSeries s{.name = m.method};
    for (size_t i = 0; i < r.member_counts.size(); ++i) {
      s.xs.push_back(std::log10(static_cast<double>(r.member_counts[i])));
      s.ys.push_back(m.power[i]);
    }
    series.push_back(std::move(s));
  }
  return LineChartSvg(series, {.title = "Power to find the better ranker (5% level)",
                               .x_label = "members in the experiment, log10 (2 = 100, 3 = 1,000, 5 = 100,000)",
                               .y_label = "power"});
}

}  // namespace marquee::experiment
