#include "marquee/experiment/experiment_registry.h"

#include <gtest/gtest.h>

#include "../test_util.h"
#include "marquee/util/civil_time.h"

namespace marquee::experiment {
namespace {

int64_t Day(const char* date) {
  return *ParseCivilDate(date) * kSecondsPerDay;
}

ExperimentSpec Spec(const char* name) {
  ExperimentSpec s;
  s.name = name;
  s.start = Day("2026-12-01");
  s.end = Day("2026-12-15");
  s.cells = {{.name = "control", .share = 0.5}, {.name = "b", .share = 0.5}};
  return s;
}

TEST(ExperimentRegistryTest, CreateFindStopAndTheirRefusals) {
  test::TempDir dir;
  Result<std::unique_ptr<EventStore>> store = EventStore::Open(dir.File("events.db"));
  ASSERT_TRUE(store.ok());
  EventStore& s = **store;
  const int64_t now = Day("2026-11-30");
  Result<PlacedExperiment> a = CreateExperiment(s, Spec("a"), now);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(*FindExperiment(s, "a"), *a);
  EXPECT_NE(FindExperiment(s, "z").status().message().find("the store has a"), std::string::npos);
  // An experiment that would have ended already is refused.
  Result<PlacedExperiment> past = CreateExperiment(s, Spec("past"), Day("2026-12-20"));
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.status().field(), "end");
  // So is one that would have started on a day already gone ...
  Result<PlacedExperiment> late = CreateExperiment(s, Spec("late"), Day("2026-12-02"));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().field(), "start");
  EXPECT_NE(late.status().message().find("2026-12-01 has passed"), std::string::npos) << late.status().message();
  // ... while starting later on its first day is fine.
  ExperimentSpec today = Spec("today");
  today.layer = "other";
  EXPECT_TRUE(CreateExperiment(s, today, Day("2026-12-01") + 3600).ok());
  // Stopping after its end is refused; before its start it cancels it.
  Status ended = StopExperiment(s, "a", Day("2026-12-16"));
  EXPECT_EQ(ended.field(), "name");
  EXPECT_NE(ended.message().find("ended on 2026-12-15"), std::string::npos) << ended.message();
  EXPECT_TRUE(StopExperiment(s, "a", now).ok());
  EXPECT_FALSE(FindExperiment(s, "a")->RunningAt(Day("2026-12-02")));
  EXPECT_EQ(StopExperiment(s, "a", now).field(), "name");
}

}  // namespace
}  // namespace marquee::experiment
