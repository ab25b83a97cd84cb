#include "marquee/experiment/experiment_simulation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "marquee/experiment/report.h"
#include "marquee/util/civil_time.h"

namespace marquee::experiment {
namespace {

constexpr uint32_t kMembers = 3000, kTitles = 60, kK = 10;

struct Service {
  IdMap members, titles;
  std::vector<uint32_t> good, worse;  // titles 0..9 and 20..29 for everyone
  std::vector<double> activity;
  Catalog catalog;
  Service() {
    for (uint32_t m = 0; m < kMembers; ++m) {
      members.GetOrAdd("member-" + std::to_string(m));
      activity.push_back(0.3 + 1.4 * (m % 5) / 4.0);
      for (uint32_t j = 0; j < kK; ++j) {
        good.push_back(j);
        worse.push_back(20 + j);
      }
    }
    for (uint32_t t = 0; t < kTitles; ++t) titles.GetOrAdd("title-" + std::to_string(t));
    catalog.titles().resize(kTitles);
    for (auto& title : catalog.titles()) title.runtime_minutes = 90;
  }
  SimulatedService For(std::span<const uint32_t> control, std::span<const uint32_t> treatment) const {
    return {.members = &members,
            .titles = &titles,
            .k = kK,
            .lists = {control, treatment},
            .activity = activity,
            .play_probability = [](uint32_t, uint32_t t) { return 0.3 * std::exp(-static_cast<double>(t) / 30.0); }};
  }
};

PlacedExperiment Experiment() {
  ExperimentSpec spec;
  spec.name = "sim";
  spec.start = *ParseCivilDate("2026-12-01") * kSecondsPerDay;
  spec.end = spec.start + 14 * kSecondsPerDay;
  spec.cells = {{.name = "control", .share = 0.5}, {.name = "treatment", .share = 0.5}};
  return *PlaceExperiment(spec, {});
}

TEST(ExperimentSimulationTest, ExposuresAreOnceAMemberAtTheirFirstSessionInTheExperiment) {
  const Service s;
  const PlacedExperiment e = Experiment();
  const Result<SimulatedExperiment> sim = SimulateExperiment(e, s.For(s.good, s.worse));
  ASSERT_TRUE(sim.ok()) << sim.status().message();
  std::set<std::string> seen;
  for (const Exposure& x : sim->exposures) {
    EXPECT_TRUE(seen.insert(x.member_id).second) << x.member_id;
    EXPECT_GE(x.time, e.spec.start);
    EXPECT_LT(x.time, e.spec.end);
    EXPECT_EQ(x.cell, CellOf(e.spec, x.member_id));
  }
  // Most members come back within two weeks; events start pre_days before.
  EXPECT_GT(sim->exposures.size(), kMembers * 8 / 10);
  int64_t earliest = e.spec.start;
  for (const Event& ev : sim->events) earliest = std::min(earliest, ev.time);
  EXPECT_LT(earliest, e.spec.start - 10 * kSecondsPerDay);
}

TEST(ExperimentSimulationTest, TheReportFindsABetterListAndNothingInAnAATest) {
  const Service s;
  const PlacedExperiment e = Experiment();
  // The treatment shows worse titles: fewer plays, found at 5% after Holm.
  const Result<SimulatedExperiment> ab = SimulateExperiment(e, s.For(s.good, s.worse));
  ASSERT_TRUE(ab.ok());
  const Result<ExperimentReport> r = BuildReport({&e, ab->exposures, ab->events, &s.titles, &s.catalog});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->trustworthy);
  const MetricComparison& plays = r->comparisons[0];
  ASSERT_EQ(plays.metric, "plays");
  EXPECT_LT(plays.relative_lift, -0.2);
  EXPECT_TRUE(plays.significant);
  EXPECT_TRUE(plays.cuped);
  EXPECT_GT(plays.variance_reduction, 0.05);  // activity carries over from the pre-period
  EXPECT_LT(r->cells[1].take_rate, r->cells[0].take_rate);
  // A/A: the same list in both cells.
  const Result<SimulatedExperiment> aa = SimulateExperiment(e, s.For(s.good, s.good), {.seed = 9});
  const Result<ExperimentReport> same = BuildReport({&e, aa->exposures, aa->events, &s.titles, &s.catalog});
  ASSERT_TRUE(same.ok());
  for (const MetricComparison& m : same->comparisons) EXPECT_FALSE(m.significant) << m.metric;
}

TEST(ExperimentSimulationTest, RefusesListsOfTheWrongShape) {
  const Service s;
  SimulatedService bad = s.For(s.good, std::span(s.worse).first(5));
  const Result<SimulatedExperiment> sim = SimulateExperiment(Experiment(), bad);
  ASSERT_FALSE(sim.ok());
  EXPECT_NE(sim.status().message().find("lists[1]"), std::string::npos) << sim.status().message();
}

}  // namespace
}  // namespace marquee::experiment
