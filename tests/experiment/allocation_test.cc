#include "marquee/experiment/allocation.h"

#include <gtest/gtest.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <string>
#include <vector>

#include "marquee/experiment/bucket.h"
#include "marquee/util/civil_time.h"

namespace marquee::experiment {
namespace {

int64_t Day(const char* date) {
  return *ParseCivilDate(date) * kSecondsPerDay;
}

ExperimentSpec Spec(std::string name, std::string layer, double traffic, const char* start, const char* end,
                    std::vector<double> shares = {0.5, 0.5}) {
  ExperimentSpec s;
  s.name = std::move(name);
  s.layer = std::move(layer);
  s.traffic = traffic;
  s.start = Day(start);
  s.end = Day(end);
  for (size_t i = 0; i < shares.size(); ++i) s.cells.push_back({.name = "c" + std::to_string(i), .share = shares[i]});
  return s;
}

TEST(AllocationTest, PlacementTakesTheLowestFreeRangeAtOverlappingDates) {
  std::vector<PlacedExperiment> placed;
  auto place = [&](const ExperimentSpec& s) {
    Result<PlacedExperiment> p = PlaceExperiment(s, placed);
    EXPECT_TRUE(p.ok()) << p.status().message();
    if (p.ok()) placed.push_back(*p);
    return p;
  };
  EXPECT_EQ(place(Spec("a", "home", 0.3, "2026-12-01", "2026-12-15"))->range_begin, 0u);
  const auto b = place(Spec("b", "home", 0.5, "2026-12-10", "2026-12-20"));
  EXPECT_EQ(b->range_begin, 3000u);
  EXPECT_EQ(b->range_end, 8000u);
  // After a ends, its range is free again for c; another layer starts at 0.
  EXPECT_EQ(place(Spec("c", "home", 0.3, "2026-12-15", "2026-12-30"))->range_begin, 0u);
  EXPECT_EQ(place(Spec("d", "artwork", 1.0, "2026-12-01", "2026-12-30"))->range_begin, 0u);
  // 30% more of "home" during b and c: only 20% is free.
  const Result<PlacedExperiment> full = PlaceExperiment(Spec("e", "home", 0.3, "2026-12-16", "2026-12-18"), placed);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().field(), "traffic");
  EXPECT_NE(full.status().message().find("layer home has no free 30.00%"), std::string::npos)
      << full.status().message();
  EXPECT_NE(full.status().message().find("b 50.00%"), std::string::npos) << full.status().message();
  EXPECT_TRUE(PlaceExperiment(Spec("e", "home", 0.2, "2026-12-16", "2026-12-18"), placed).ok());
  const Result<PlacedExperiment> twice = PlaceExperiment(Spec("a", "other", 0.1, "2027-01-01", "2027-01-02"), placed);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().field(), "name");
}

TEST(AllocationTest, AParameterBelongsToOneLayer) {
  ExperimentSpec model = Spec("model", "ranking", 0.5, "2026-12-01", "2026-12-15");
  model.cells[1].model = "models/ease";
  const std::vector<PlacedExperiment> placed = {*PlaceExperiment(model, {})};
  // Another layer may not test ranking at overlapping dates (retrieval is ranking too) ...
  ExperimentSpec retrieval = Spec("retrieval", "homepage", 0.5, "2026-12-10", "2026-12-20");
  retrieval.cells[1].retrieval = "hnsw";
  Result<PlacedExperiment> refused = PlaceExperiment(retrieval, placed);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "layer");
  EXPECT_NE(refused.status().message().find("experiment model of layer ranking changes ranking"), std::string::npos)
      << refused.status().message();
  // ... nor interleave, which is ranking; ...
  ExperimentSpec interleaving = Spec("interleaving", "other", 0.5, "2026-12-10", "2026-12-20", {});
  interleaving.method = ExperimentMethod::kInterleaving;
  interleaving.cells = {{.name = "a", .model = "x"}, {.name = "b", .model = "y"}};
  EXPECT_EQ(PlaceExperiment(interleaving, placed).status().field(), "layer");
  // ... but the same layer may (it never shares a member), another layer may
  // after the first ends, or test another parameter, and A/A tests never clash.
  retrieval.layer = "ranking";
  EXPECT_TRUE(PlaceExperiment(retrieval, placed).ok());
  retrieval.layer = "homepage";
  retrieval.start = Day("2026-12-15");
  EXPECT_TRUE(PlaceExperiment(retrieval, placed).ok());
  ExperimentSpec page = Spec("page", "homepage", 1.0, "2026-12-01", "2026-12-15");
  page.cells[1].page_config = "page.yaml";
  EXPECT_TRUE(PlaceExperiment(page, placed).ok());
  EXPECT_TRUE(PlaceExperiment(Spec("aa", "homepage", 1.0, "2026-12-01", "2026-12-15"), placed).ok());
  EXPECT_EQ(ParametersOf(page), kPageParameter);
  EXPECT_EQ(ParametersOf(interleaving), kRankingParameter);
  EXPECT_EQ(ParametersOf(Spec("aa", "x", 1.0, "2026-12-01", "2026-12-15")), 0);
}

TEST(AllocationTest, AStoppedExperimentFreesItsRangeFromItsStop) {
  PlacedExperiment a = *PlaceExperiment(Spec("a", "home", 1.0, "2026-12-01", "2026-12-31"), {});
  std::vector<PlacedExperiment> placed = {a};
  EXPECT_FALSE(PlaceExperiment(Spec("b", "home", 0.5, "2026-12-10", "2026-12-20"), placed).ok());
  placed[0].stopped_at = Day("2026-12-05");
  EXPECT_TRUE(PlaceExperiment(Spec("b", "home", 0.5, "2026-12-10", "2026-12-20"), placed).ok());
  EXPECT_FALSE(placed[0].RunningAt(Day("2026-12-06")));
  EXPECT_TRUE(placed[0].RunningAt(Day("2026-12-04")));
}

TEST(AllocationTest, OneExperimentALayerAndTheSameCellEveryTime) {
  std::vector<PlacedExperiment> placed;
  for (const ExperimentSpec& s : {Spec("a", "home", 0.4, "2026-12-01", "2026-12-31"),
                                  Spec("b", "home", 0.6, "2026-12-01", "2026-12-31"),
                                  Spec("c", "artwork", 1.0, "2026-12-01", "2026-12-31", {0.2, 0.3, 0.5})}) {
    placed.push_back(*PlaceExperiment(s, placed));
  }
  std::vector<uint64_t> in_a_and_cell(3, 0);
  uint64_t in_a = 0, in_b = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string id = "member-" + std::to_string(i);
    const auto got = Assign(placed, {.member_id = id, .now = Day("2026-12-10")});
    // Every member is in exactly one home experiment and in c.
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].experiment->spec.name, "c");
    in_a += got[0].experiment->spec.name == "a";
    in_b += got[0].experiment->spec.name == "b";
    EXPECT_EQ(got[1].cell, CellOf(placed[2].spec, id));
    if (got[0].experiment->spec.name == "a") ++in_a_and_cell[got[1].cell];
    // The same answer again.
    const auto again = Assign(placed, {.member_id = id, .now = Day("2026-12-20")});
    EXPECT_EQ(again[0].experiment, got[0].experiment);
    EXPECT_EQ(again[1].cell, got[1].cell);
  }
  EXPECT_NEAR(in_a / 20000.0, 0.4, 0.02);
  EXPECT_NEAR(in_b / 20000.0, 0.6, 0.02);
  // Layers are independent: among a's members, c's cells keep their shares.
  const double n = static_cast<double>(in_a);
  double chi2 = 0.0;
  const double shares[] = {0.2, 0.3, 0.5};
  for (int c = 0; c < 3; ++c) chi2 += std::pow(in_a_and_cell[c] - n * shares[c], 2) / (n * shares[c]);
  EXPECT_GT(boost::math::cdf(boost::math::complement(boost::math::chi_squared(2.0), chi2)), 0.001);
}

TEST(AllocationTest, CellSharesAreMetOverAMillionMembers) {
  const ExperimentSpec s = Spec("shares", "x", 1.0, "2026-12-01", "2026-12-31", {0.1, 0.2, 0.7});
  std::vector<uint64_t> counts(3, 0);
  for (int i = 0; i < 1000000; ++i) ++counts[CellOf(s, "m" + std::to_string(i))];
  double chi2 = 0.0;
  const double shares[] = {0.1, 0.2, 0.7};
  for (int c = 0; c < 3; ++c) chi2 += std::pow(counts[c] - 1e6 * shares[c], 2) / (1e6 * shares[c]);
  EXPECT_GT(boost::math::cdf(boost::math::complement(boost::math::chi_squared(2.0), chi2)), 0.001) << chi2;
}

TEST(AllocationTest, TargetingAndDatesLeaveMembersOut) {
  ExperimentSpec s = Spec("t", "home", 1.0, "2026-12-01", "2026-12-31");
  s.regions = {"DE"};
  s.members = MemberTargeting::kNew;
  const std::vector<PlacedExperiment> placed = {*PlaceExperiment(s, {})};
  const int64_t now = Day("2026-12-10");
  EXPECT_EQ(Assign(placed, {.member_id = "m", .now = now, .region = "DE", .known_member = false}).size(), 1u);
  EXPECT_TRUE(Assign(placed, {.member_id = "m", .now = now, .region = "DE", .known_member = true}).empty());
  EXPECT_TRUE(Assign(placed, {.member_id = "m", .now = now, .region = "FR", .known_member = false}).empty());
  EXPECT_TRUE(Assign(placed, {.member_id = "m", .now = now, .region = "", .known_member = false}).empty());
  EXPECT_TRUE(Assign(placed, {.member_id = "m", .now = Day("2026-12-31"), .region = "DE", .known_member = false})
                  .empty());
  EXPECT_TRUE(Assign(placed, {.member_id = "m", .now = Day("2026-11-30"), .region = "DE", .known_member = false})
                  .empty());
}

}  // namespace
}  // namespace marquee::experiment
