#include "marquee/experiment/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "marquee/util/civil_time.h"

namespace marquee::experiment {
namespace {

int64_t Day(const char* date) {
  return *ParseCivilDate(date) * kSecondsPerDay;
}

// An A/B experiment of 2026-12-01 to 2026-12-08 and a catalog of two
// titles: "film" (100 minutes) and "short" (runtime unknown).
class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    placed_.spec.name = "exp";
    placed_.spec.layer = "home";
    placed_.spec.start = Day("2026-12-01");
    placed_.spec.end = Day("2026-12-08");
    placed_.spec.cells = {{.name = "control", .share = 0.5}, {.name = "new-model", .share = 0.5}};
    placed_.range_end = 10000;
    titles_.GetOrAdd("film");
    titles_.GetOrAdd("short");
    catalog_.titles().resize(2);
    catalog_.titles()[0].runtime_minutes = 100;
  }
  void Expose(const std::string& member, uint32_t cell, int64_t time) { exposures_.push_back({member, cell, time}); }
  void Play(const std::string& member, int64_t time, float fraction = 0.5f, const char* title = "film") {
    Event e;
    e.kind = EventKind::kPlay;
    e.member_id = member;
    e.title_id = title;
    e.time = time;
    e.watch_fraction = fraction;
    events_.push_back(e);
  }
  void Impression(const std::string& member, int64_t time) {
    Event e;
    e.kind = EventKind::kImpression;
    e.member_id = member;
    e.title_id = "film";
    e.time = time;
    events_.push_back(e);
  }
  Result<ExperimentReport> Build(ReportOptions options = {}) {
    return BuildReport({&placed_, exposures_, events_, &titles_, &catalog_}, options);
  }
  PlacedExperiment placed_;
  IdMap titles_;
  Catalog catalog_;
  std::vector<Exposure> exposures_;
  std::vector<Event> events_;
};

TEST_F(ReportTest, MetricsCountWhatEachMemberDidAfterTheirExposure) {
  const int64_t start = Day("2026-12-01"), h = 3600;
  Expose("c1", 0, start + h);
  Expose("t1", 1, start + 2 * h);
  Expose("t1", 1, start + 30 * h);  // a later exposure changes nothing
  // c1: two plays on day 1 (one of a title without runtime), one on day 3; one before exposure.
  Play("c1", start + 30 * 60);          // before c1's exposure: not counted
  Play("c1", start + 3 * h, 0.5f);      // 50 minutes: qualifies (>= 10 minutes)
  Play("c1", start + 4 * h, 0.05f);     // 5 minutes: does not (5% of the runtime, under 10 minutes)
  Play("c1", start + 50 * h, 1.0f, "short");  // unknown runtime: 0 hours, qualifies by fraction
  Impression("c1", start + 3 * h);
  Impression("c1", start + 4 * h);
  Impression("c1", start + 5 * h);
  Impression("c1", start + 6 * h);
  // t1: one play in the pre-period, one after the end, one during.
  Play("t1", start - 2 * kSecondsPerDay);
  Play("t1", Day("2026-12-08") + h);
  Play("t1", start + 3 * h, 1.0f);
  Impression("t1", start + 3 * h);
  // Someone never exposed.
  Play("x", start + 3 * h);
  const Result<ExperimentReport> r = Build();
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->cells.size(), 2u);
  const CellSummary& c = r->cells[0];
  EXPECT_EQ(c.members, 1u);
  EXPECT_DOUBLE_EQ(c.plays, 3.0);
  EXPECT_DOUBLE_EQ(c.streaming_hours, (50.0 + 5.0) / 60.0);
  EXPECT_DOUBLE_EQ(c.active_days, 2.0);
  EXPECT_DOUBLE_EQ(c.played_any, 1.0);
  EXPECT_EQ(c.impressions, 4u);
  EXPECT_EQ(c.qualifying_plays, 2u);
  EXPECT_DOUBLE_EQ(c.take_rate, 0.5);
  const CellSummary& t = r->cells[1];
  EXPECT_EQ(t.members, 1u);
  EXPECT_DOUBLE_EQ(t.plays, 1.0);
  EXPECT_DOUBLE_EQ(t.streaming_hours, 100.0 / 60.0);
  // One member a cell: no test, said so, and nothing marked significant.
  ASSERT_FALSE(r->comparisons.empty());
  for (const MetricComparison& m : r->comparisons) {
    EXPECT_FALSE(m.note.empty()) << m.metric;
    EXPECT_FALSE(m.significant);
  }
}

TEST_F(ReportTest, ComparisonsAreTheStatisticsOfThePerMemberValues) {
  const int64_t start = Day("2026-12-01");
  // Control members play 1..8 times, treatment 3..10; pre-period plays
  // track the members (k - 1 for both); two days of plays for each.
  std::vector<double> yc, yt, xc, xt;
  for (int k = 1; k <= 8; ++k) {
    for (int cell = 0; cell < 2; ++cell) {
      const std::string id = (cell == 0 ? "c" : "t") + std::to_string(k);
      Expose(id, cell, start);
      const int plays = cell == 0 ? k : k + 2 + (k % 3);
      for (int i = 0; i < plays; ++i) Play(id, start + (i % 2) * kSecondsPerDay + 60 * i);
      for (int i = 0; i < k - 1; ++i) Play(id, start - 3 * kSecondsPerDay + 60 * i);
      (cell == 0 ? yc : yt).push_back(plays);
      (cell == 0 ? xc : xt).push_back(k - 1);
      Impression(id, start + 10);
      Impression(id, start + 20);
    }
  }
  const Result<ExperimentReport> r = Build();
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->comparisons.size(), 5u);
  const MetricComparison& plays = r->comparisons[0];
  ASSERT_EQ(plays.metric, "plays");
  ASSERT_TRUE(plays.note.empty()) << plays.note;
  const MeanComparison welch = *WelchTTest(yc, yt);
  const CupedComparison cuped = *CupedWelchTTest(yc, xc, yt, xt);
  EXPECT_DOUBLE_EQ(plays.control, welch.control_mean);
  EXPECT_DOUBLE_EQ(plays.welch_p_value, welch.p_value);
  EXPECT_TRUE(plays.cuped);
  EXPECT_DOUBLE_EQ(plays.p_value, cuped.adjusted.p_value);
  EXPECT_DOUBLE_EQ(plays.difference, cuped.adjusted.difference);
  EXPECT_DOUBLE_EQ(plays.theta, cuped.theta);
  EXPECT_GT(plays.variance_reduction, 0.0);
  // Holm over the five rows that have a test.
  std::vector<double> p;
  for (const MetricComparison& m : r->comparisons) {
    if (m.note.empty()) p.push_back(m.p_value);
  }
  const std::vector<double> holm = *HolmAdjust(p);
  size_t j = 0;
  for (const MetricComparison& m : r->comparisons) {
    if (!m.note.empty()) continue;
    EXPECT_DOUBLE_EQ(m.adjusted_p_value, holm[j++]) << m.metric;
    EXPECT_EQ(m.significant, m.adjusted_p_value < 0.05);
  }
  // Take rate: every play qualifies (half of a 100-minute film), two impressions a member.
  const MetricComparison& take = r->comparisons[4];
  EXPECT_EQ(take.metric, "take_rate");
  EXPECT_DOUBLE_EQ(take.control, 36.0 / 16.0);
  EXPECT_TRUE(r->trustworthy);
  // The cumulative lift: one point a day of the experiment, the last on all plays.
  ASSERT_EQ(r->cumulative_lift.size(), 7u);
  EXPECT_NEAR(r->cumulative_lift.back().lift, welch.relative_lift, 1e-12);
  EXPECT_EQ(r->cumulative_lift.back().members, 16u);
  // Written out.
  const nlohmann::json json = nlohmann::json::parse(ReportJson(*r));
  EXPECT_EQ(json["correction"], "holm");
  EXPECT_EQ(json["comparisons"][0]["metric"], "plays");
  EXPECT_NE(ReportTable(*r).find("new-model"), std::string::npos);
  // The plain lift is the cell means'; the CUPED one is the p-value's.
  EXPECT_DOUBLE_EQ(plays.unadjusted_relative_lift, welch.relative_lift);
  EXPECT_DOUBLE_EQ(plays.relative_lift, cuped.adjusted.difference / welch.control_mean);
  EXPECT_EQ(CumulativeLiftSvg(*r).rfind("<svg", 0), 0u);
}

TEST_F(ReportTest, AsOfLeavesOutLaterExposuresAndEvents) {
  const int64_t start = Day("2026-12-01");
  for (int k = 0; k < 6; ++k) {
    const std::string c = "c" + std::to_string(k), t = "t" + std::to_string(k);
    // Half of each cell arrives on day 0, half on day 4.
    const int64_t exposed = start + (k < 3 ? 0 : 4) * kSecondsPerDay + 60;
    Expose(c, 0, exposed);
    Expose(t, 1, exposed);
    Play(c, exposed + 10);
    Play(t, exposed + 10);
    Play(t, exposed + 20 + kSecondsPerDay);  // the next day
  }
  const Result<ExperimentReport> early = Build({.as_of = start + 2 * kSecondsPerDay});
  ASSERT_TRUE(early.ok()) << early.status().message();
  EXPECT_EQ(early->cells[0].members, 3u);
  EXPECT_EQ(early->cells[1].members, 3u);
  EXPECT_DOUBLE_EQ(early->cells[1].plays, 2.0);
  const Result<ExperimentReport> all = Build();
  EXPECT_EQ(all->cells[0].members, 6u);
  // Before the start there is nothing to report.
  const Result<ExperimentReport> before = Build({.as_of = start});
  ASSERT_FALSE(before.ok());
  EXPECT_NE(before.status().message().find("starts on 2026-12-01"), std::string::npos) << before.status().message();
}

TEST_F(ReportTest, EventsOfTitlesTheDatasetDoesNotKnowAreRefused) {
  const int64_t start = Day("2026-12-01");
  Expose("c", 0, start);
  Expose("t", 1, start);
  Play("c", start + 10, 0.5f, "film");
  Play("t", start + 10, 0.5f, "someone-elses-title");
  const Result<ExperimentReport> r = Build();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("1 of the exposed members' 2 events name titles the dataset does not know"),
            std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("someone-elses-title"), std::string::npos);
}

TEST_F(ReportTest, ASkewedAllocationMarksTheReportUntrustworthy) {
  const int64_t start = Day("2026-12-01");
  for (int i = 0; i < 600; ++i) Expose("m" + std::to_string(i), i < 400 ? 0 : 1, start);
  const Result<ExperimentReport> r = Build();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->sample_ratio.mismatch);
  EXPECT_FALSE(r->trustworthy);
  EXPECT_NE(ReportTable(*r).find("SAMPLE RATIO MISMATCH"), std::string::npos);
  exposures_.clear();
  for (int i = 0; i < 600; ++i) Expose("m" + std::to_string(i), i < 310 ? 0 : 1, start);
  EXPECT_TRUE(Build()->trustworthy);
}

TEST_F(ReportTest, RefusesWhatItCannotReport) {
  Expose("m", 5, Day("2026-12-01"));
  Result<ExperimentReport> r = Build();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("exposures[0].cell"), std::string::npos) << r.status().message();
  exposures_.clear();
  placed_.spec.method = ExperimentMethod::kInterleaving;
  r = Build();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("preference test (interleaving_report.h)"), std::string::npos);
  placed_.spec.method = ExperimentMethod::kAB;
  EXPECT_FALSE(Build({.pre_days = 0}).ok());
  EXPECT_FALSE(BuildReport({}, {}).ok());
}

}  // namespace
}  // namespace marquee::experiment
