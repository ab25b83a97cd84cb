// The honesty part of the ground truth (issue 11 §4): qualifying
// probabilities, misleading variants, and the optional file section.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "marquee/synthetic/ground_truth.h"
#include "marquee/synthetic/synthetic.h"

namespace marquee {
namespace {

namespace fs = std::filesystem;

SyntheticConfig SmallConfig() {
  SyntheticConfig c;
  c.members = 300;
  c.titles = 400;
  c.plays = 9000;
  c.seed = 5;
  return c;
}

const SyntheticService& Service() {
  static const SyntheticService* service = [] {
    Result<SyntheticService> s = GenerateService(SmallConfig());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return new SyntheticService(std::move(s).value());
  }();
  return *service;
}

TEST(HonestTruthTest, MisleadingVariantsWinStartsAndLoseQualifyingPlays) {
  const GroundTruth& t = Service().truth;
  uint32_t misleading_titles = 0, eligible_titles = 0;
  for (uint32_t title = 0; title < t.title_count(); ++title) {
    const uint32_t n = t.ArtworkCount(title);
    uint32_t misleading = 0;
    for (uint32_t v = 0; v < n; ++v) {
      const double q = t.QualifyProbability(title, v);
      if (t.IsMisleading(title, v)) {
        ++misleading;
        EXPECT_GE(q, 0.12 - 1e-6);
        EXPECT_LE(q, 0.18 + 1e-6);
      } else {
        EXPECT_GE(q, 0.70 - 1e-6);
        EXPECT_LE(q, 0.85 + 1e-6);
      }
    }
    ASSERT_LE(misleading, 1u) << title;
    if (n >= 3) ++eligible_titles;
    if (misleading == 0) continue;
    ASSERT_GE(n, 3u);
    ++misleading_titles;
    // For every member kind: more starts than any honest variant, fewer
    // qualifying plays than the best honest one.
    for (uint32_t member = 0; member < t.member_count(); member += 7) {
      double best_start = 0.0, best_qualifying = 0.0, misleading_start = 0.0, misleading_qualifying = 0.0;
      for (uint32_t v = 0; v < n; ++v) {
        const double p = t.PlayProbability(member, title, v);
        const double q = p * t.QualifyProbability(title, v);
        if (t.IsMisleading(title, v)) {
          misleading_start = p;
          misleading_qualifying = q;
        } else {
          best_start = std::max(best_start, p);
          best_qualifying = std::max(best_qualifying, q);
        }
      }
      if (misleading_start < 1.0) EXPECT_GT(misleading_start, best_start) << title << " " << member;
      EXPECT_LT(misleading_qualifying, best_qualifying) << title << " " << member;
    }
  }
  // About one title in twenty among those with three or more variants.
  EXPECT_GE(misleading_titles, eligible_titles / 50);
  EXPECT_LE(misleading_titles, eligible_titles / 8);
}

TEST(HonestTruthTest, HonestyDrawsMoveNoOtherDraw) {
  SyntheticConfig none = SmallConfig();
  none.misleading_share = 0.0;
  Result<SyntheticService> without = GenerateService(none);
  ASSERT_TRUE(without.ok());
  const GroundTruth& a = Service().truth;
  const GroundTruth& b = without->truth;
  EXPECT_TRUE(Service().dataset.interactions == without->dataset.interactions);
  EXPECT_EQ(a.member_taste, b.member_taste);
  EXPECT_EQ(a.title_quality, b.title_quality);
  EXPECT_EQ(a.artwork_qualify.size(), b.artwork_qualify.size());
  for (uint32_t title = 0; title < a.title_count(); ++title) {
    for (uint32_t v = 0; v < a.ArtworkCount(title); ++v) {
      EXPECT_FALSE(b.IsMisleading(title, v));
      if (a.IsMisleading(title, v)) continue;
      // Honest variants keep their appeal and their qualifying probability.
      EXPECT_EQ(a.QualifyProbability(title, v), b.QualifyProbability(title, v));
      for (uint16_t k = 0; k < a.kind_count(); ++k) {
        ASSERT_EQ(a.ArtworkAppeal(a.ArtworkIndex(title, v), k), b.ArtworkAppeal(b.ArtworkIndex(title, v), k));
      }
    }
  }
  Result<SyntheticService> again = GenerateService(SmallConfig());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->truth == a);
}

TEST(HonestTruthTest, TheSectionRoundTripsAndIsChecked) {
  const fs::path dir = fs::temp_directory_path() / "marquee_honest_truth";
  fs::create_directories(dir);
  const std::string path = (dir / "truth.mqt").string();
  ASSERT_TRUE(SaveGroundTruth(Service().truth, path).ok());
  Result<GroundTruth> loaded = LoadGroundTruth(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->artwork_qualify, Service().truth.artwork_qualify);
  EXPECT_EQ(loaded->artwork_misleading, Service().truth.artwork_misleading);

  // Without the section (an older file): defaults.
  GroundTruth old = Service().truth;
  old.artwork_qualify.clear();
  old.artwork_misleading.clear();
  ASSERT_TRUE(SaveGroundTruth(old, path).ok());
  Result<GroundTruth> old_loaded = LoadGroundTruth(path);
  ASSERT_TRUE(old_loaded.ok());
  EXPECT_EQ(old_loaded->QualifyProbability(0, 0), 1.0);
  EXPECT_FALSE(old_loaded->IsMisleading(0, 0));

  GroundTruth bad = Service().truth;
  bad.artwork_qualify.pop_back();
  EXPECT_NE(bad.Validate().message().find("qualifying"), std::string::npos);
  bad = Service().truth;
  bad.artwork_qualify[0] = 1.5f;
  EXPECT_NE(bad.Validate().message().find("qualifying"), std::string::npos);
  bad = Service().truth;
  bad.artwork_misleading[0] = 2;
  EXPECT_NE(bad.Validate().message().find("misleading"), std::string::npos);
  EXPECT_FALSE(SaveGroundTruth(bad, path).ok());
  fs::remove_all(dir);
}

TEST(HonestTruthTest, ConfigRefusesABadMisleadingShare) {
  SyntheticConfig c = SmallConfig();
  c.misleading_share = 1.5;
  EXPECT_NE(c.Validate().message().find("misleading_share"), std::string::npos);
}

}  // namespace
}  // namespace marquee
