#include "marquee/experiment/sensitivity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace marquee::experiment {
namespace {

constexpr uint32_t kMembers = 3000, kTitles = 100, kK = 10;

// Title t is played with probability 0.4 exp(-t / 25) x the member's taste
// level; members differ in activity (0.2 to 1.8) and taste level.
struct World {
  std::vector<double> activity;
  std::vector<uint32_t> best, worse, same;
  SensitivityInputs Inputs(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) const {
    return {.members = kMembers,
            .k = kK,
            .list_a = a,
            .list_b = b,
            .activity = activity,
            .play_probability = [](uint32_t m, uint32_t t) {
              return 0.4 * std::exp(-static_cast<double>(t) / 25.0) * (0.5 + (m % 7) / 6.0);
            }};
  }
};

World MakeWorld(uint32_t worse_offset) {
  World w;
  for (uint32_t m = 0; m < kMembers; ++m) {
    w.activity.push_back(0.2 + 1.6 * (m % 10) / 9.0);
    for (uint32_t j = 0; j < kK; ++j) {
      w.best.push_back(j);                 // the best titles, best first
      w.worse.push_back(j + worse_offset); // titles a little further down
    }
  }
  return w;
}

SensitivityOptions Options() {
  SensitivityOptions o;
  o.member_counts = MemberCountGrid(200000);
  o.repetitions = 200;
  o.seed = 3;
  return o;
}

TEST(SensitivityTest, MemberCountGridStepsOneTwoFive) {
  EXPECT_EQ(MemberCountGrid(1000), (std::vector<uint64_t>{100, 200, 500, 1000}));
  EXPECT_EQ(MemberCountGrid(4999), (std::vector<uint64_t>{100, 200, 500, 1000, 2000}));
}

TEST(SensitivityTest, WithoutADifferenceNoMethodRejectsMoreThanItsLevel) {
  const World w = MakeWorld(0);
  const Result<SensitivityResult> r = MeasureSensitivity(w.Inputs(w.best, w.best), Options());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->mean_plays_a, r->mean_plays_b);
  for (const MethodSensitivity& m : r->methods) {
    // One direction of a two-sided 5% test: 2.5% expected; 200 experiments a size.
    for (double p : m.power) EXPECT_LE(p, 0.075) << m.method;
    EXPECT_EQ(m.members_needed, 0.0) << m.method;
  }
}

TEST(SensitivityTest, ABMatchesTheNormalApproximationAndInterleavingNeedsFewerMembers) {
  // B shows titles 3..12 instead of 0..9: fewer plays, known exactly.
  const World w = MakeWorld(3);
  const Result<SensitivityResult> r = MeasureSensitivity(w.Inputs(w.best, w.worse), Options());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_LT(r->mean_plays_b, r->mean_plays_a);
  ASSERT_EQ(r->methods.size(), 3u);
  const MethodSensitivity &ab = r->methods[0], &cuped = r->methods[1], &interleaving = r->methods[2];
  // Power grows with the members and reaches 1 for each method.
  for (const MethodSensitivity& m : r->methods) {
    EXPECT_GT(m.power.back(), 0.99) << m.method;
    EXPECT_LT(m.power.front(), m.power.back()) << m.method;
    EXPECT_GT(m.members_needed, 0.0) << m.method;
  }
  // Two cells of N/2: N = 4 (z_0.975 + z_0.8)^2 / d^2 members for 80% power,
  // d the standardized effect (an independent, closed-form answer).
  const double z = 1.959964 + 0.841621;
  const double formula = 4.0 * z * z / (r->standardized_effect * r->standardized_effect);
  EXPECT_NEAR(ab.members_needed / formula, 1.0, 0.25) << ab.members_needed << " vs " << formula;
  // The sign test: N = z^2 / (4 (q - 1/2)^2 f), q the better ranker's share
  // of preferences, f the share of members with one.
  const double q = r->better_preferred, f = r->members_with_preference;
  const double sign_formula = z * z / (4.0 * (q - 0.5) * (q - 0.5) * f);
  EXPECT_NEAR(interleaving.members_needed / sign_formula, 1.0, 0.3)
      << interleaving.members_needed << " vs " << sign_formula;
  EXPECT_LT(cuped.members_needed, ab.members_needed);
  EXPECT_LT(interleaving.members_needed, cuped.members_needed);
  EXPECT_GT(r->cuped_variance_reduction, 0.1);
  EXPECT_NE(SensitivityTable(*r).find("members for 80% power"), std::string::npos);
}

TEST(SensitivityTest, RefusesBadInputsNamingTheField) {
  const World w = MakeWorld(3);
  auto expect = [&](SensitivityInputs in, SensitivityOptions o, const std::string& field) {
    const Result<SensitivityResult> r = MeasureSensitivity(in, o);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.status().message().rfind(field, 0), 0u) << r.status().message();
  };
  SensitivityInputs in = w.Inputs(w.best, w.worse);
  SensitivityInputs short_list = in;
  short_list.list_b = std::span(w.worse).first(10);
  expect(short_list, Options(), "list_a, list_b");
  SensitivityInputs no_activity = in;
  no_activity.activity = {};
  expect(no_activity, Options(), "activity");
  SensitivityInputs no_function = in;
  no_function.play_probability = nullptr;
  expect(no_function, Options(), "play_probability");
  SensitivityOptions o = Options();
  o.member_counts = {1000, 500};
  expect(in, o, "member_counts");
  o = Options();
  o.alpha = 1.0;
  expect(in, o, "alpha");
  o = Options();
  o.repetitions = 3;
  expect(in, o, "repetitions");
}

}  // namespace
}  // namespace marquee::experiment
