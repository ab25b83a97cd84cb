#include "marquee/experiment/interleaving_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "marquee/experiment/experiment_simulation.h"
#include "marquee/util/civil_time.h"

namespace marquee::experiment {
namespace {

int64_t Day(const char* date) {
  return *ParseCivilDate(date) * kSecondsPerDay;
}

PlacedExperiment Interleaving() {
  ExperimentSpec spec;
  spec.name = "il";
  spec.method = ExperimentMethod::kInterleaving;
  spec.start = Day("2026-12-01");
  spec.end = Day("2026-12-15");
  spec.cells = {{.name = "ials", .model = "m/ials"}, {.name = "ease", .model = "m/ease"}};
  return *PlaceExperiment(spec, {});
}

Event Shown(const std::string& member, const std::string& title, int64_t time, const char* team) {
  Event e;
  e.kind = EventKind::kImpression;
  e.member_id = member;
  e.title_id = title;
  e.time = time;
  e.experiment = ExperimentTag{"il", "", team};
  return e;
}

Event Played(const std::string& member, const std::string& title, int64_t time) {
  Event e;
  e.kind = EventKind::kPlay;
  e.member_id = member;
  e.title_id = title;
  e.time = time;
  return e;
}

TEST(InterleavingReportTest, PlaysAreCreditedToTheTeamOfTheirLatestImpressionWithinTheWindow) {
  const int64_t t0 = Day("2026-12-02"), h = 3600;
  const std::vector<Event> events = {
      Shown("m1", "T1", t0, "a"), Shown("m1", "T2", t0, "b"),
      Played("m1", "T2", t0 + h),       // b
      Played("m1", "T1", t0 + 30 * h),  // after the 24 h window: no one
      Played("m1", "T3", t0 + h),       // never shown: no one
      Shown("m2", "T1", t0, "b"), Shown("m2", "T1", t0 + 2 * h, "a"),
      Played("m2", "T1", t0 + 3 * h),   // the latest impression before it: a
      Shown("m3", "T1", t0, "a"),       // shown, played nothing: a tie
      Played("m4", "T1", t0),           // never in the experiment
      Shown("m5", "T9", Day("2026-11-20"), "b"), Played("m5", "T9", Day("2026-11-20") + h),  // before the start
  };
  const Result<InterleavingReport> r = BuildInterleavingReport(Interleaving(), events);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->members, 3u);
  EXPECT_EQ(r->credited_a, 1u);
  EXPECT_EQ(r->credited_b, 1u);
  EXPECT_EQ(r->preferences.a, 1u);
  EXPECT_EQ(r->preferences.b, 1u);
  EXPECT_EQ(r->preferences.ties, 1u);
  EXPECT_DOUBLE_EQ(r->preference_delta, 0.0);
  ASSERT_TRUE(r->tested) << r->note;
  EXPECT_DOUBLE_EQ(r->sign.p_value, 1.0);
  // A window of 48 hours credits m1's late play of T1 to a.
  const Result<InterleavingReport> wide = BuildInterleavingReport(Interleaving(), events, {.attribution_hours = 48});
  EXPECT_EQ(wide->credited_a, 2u);
  EXPECT_NE(InterleavingReportTable(*r).find("ties 1"), std::string::npos);
}

TEST(InterleavingReportTest, SimulatedMembersPreferTheBetterRankerAndNothingInAnAATest) {
  constexpr uint32_t kMembers = 2000, kK = 10;
  IdMap members, titles;
  std::vector<uint32_t> good, worse;
  std::vector<double> activity;
  for (uint32_t m = 0; m < kMembers; ++m) {
    members.GetOrAdd("member-" + std::to_string(m));
    activity.push_back(1.0);
    for (uint32_t j = 0; j < kK; ++j) {
      good.push_back(j);
      worse.push_back(20 + j);
    }
  }
  for (uint32_t t = 0; t < 40; ++t) titles.GetOrAdd("title-" + std::to_string(t));
  auto play = [](uint32_t, uint32_t t) { return 0.3 * std::exp(-static_cast<double>(t) / 30.0); };
  const PlacedExperiment e = Interleaving();
  auto run = [&](std::span<const uint32_t> a, std::span<const uint32_t> b) {
    const SimulatedService s{.members = &members, .titles = &titles, .k = kK, .lists = {a, b},
                             .activity = activity, .play_probability = play};
    Result<SimulatedExperiment> sim = SimulateExperiment(e, s);
    EXPECT_TRUE(sim.ok()) << sim.status().message();
    return *BuildInterleavingReport(e, sim->events);
  };
  const InterleavingReport better_a = run(good, worse);
  ASSERT_TRUE(better_a.tested) << better_a.note;
  EXPECT_GT(better_a.preferences.a, better_a.preferences.b);
  EXPECT_LT(better_a.sign.p_value, 0.001);
  EXPECT_LT(better_a.b_share_interval.high, 0.5);
  EXPECT_NE(InterleavingReportTable(better_a).find("members prefer ials"), std::string::npos);
  // The JSON carries the same figures.
  const nlohmann::json j = nlohmann::json::parse(InterleavingReportJson(better_a));
  EXPECT_EQ(j["members"], better_a.members);
  EXPECT_EQ(j["preferences"]["a"], better_a.preferences.a);
  EXPECT_EQ(j["preferences"]["b"], better_a.preferences.b);
  EXPECT_EQ(j["credited_plays"]["a"], better_a.credited_a);
  EXPECT_DOUBLE_EQ(j["test"]["p_value"].get<double>(), better_a.sign.p_value);
  EXPECT_DOUBLE_EQ(j["test"]["b_share_interval"][1].get<double>(), better_a.b_share_interval.high);
  EXPECT_EQ(j["team_a"], "ials");
  const InterleavingReport same = run(good, good);
  ASSERT_TRUE(same.tested) << same.note;
  EXPECT_GT(same.sign.p_value, 0.01);
}

TEST(InterleavingReportTest, RefusesAnABExperimentAndABadWindow) {
  PlacedExperiment ab = Interleaving();
  ab.spec.method = ExperimentMethod::kAB;
  EXPECT_FALSE(BuildInterleavingReport(ab, {}).ok());
  EXPECT_FALSE(BuildInterleavingReport(Interleaving(), {}, {.attribution_hours = 0}).ok());
  // No one yet: a report that says so, not a test.
  const Result<InterleavingReport> empty = BuildInterleavingReport(Interleaving(), {});
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->tested);
  EXPECT_NE(InterleavingReportTable(*empty).find("nothing to report"), std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(InterleavingReportJson(*empty));
  EXPECT_FALSE(j.contains("test"));
  EXPECT_EQ(j["no_test"], empty->note);
}

}  // namespace
}  // namespace marquee::experiment
