#include "marquee/ledger/exposure.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ledger_test_util.h"
#include "marquee/util/civil_time.h"

namespace marquee {
namespace {

using namespace testing_ledger;

constexpr int64_t kDay = 86400;

// The issue's rule as a rules file would hold it (the figures are the
// example file's, not code's).
constexpr const char* kRules = R"({"format":"marquee.bonus_rules","format_version":1,"rules":[
  {"agreement":"SAG-AFTRA TV/Theatrical 2023","version":"2023-11-09","effective_from":"2023-11-09",
   "effective_until":"2026-06-30","window_days":90,"threshold_percent_of_subscribers":20,
   "bonus_percent_of_fixed_residual":100,"splits":[{"recipient":"performer","percent":75},
   {"recipient":"fund","percent":25}],"domestic_subscribers":76000000}]})";

// A season of 8 x 58 minutes released 2024-03-01 (series "s", season 1,
// titles e1..e8), and a film "f" of 100 minutes with no release date.
Dataset SeasonDataset() {
  Dataset d;
  const int64_t release = *ParseCivilDate("2024-03-01");
  for (int e = 1; e <= 8; ++e) {
    d.titles.GetOrAdd("e" + std::to_string(e));
    Title t;
    t.name = "Episode " + std::to_string(e);
    t.runtime_minutes = 58;
    t.release_date = static_cast<int32_t>(release + (e - 1) * 7);  // weekly; the season starts with e1
    t.episode_of = EpisodeOf{"s", 1, static_cast<uint32_t>(e)};
    d.catalog.titles().push_back(t);
  }
  d.titles.GetOrAdd("f");
  Title film;
  film.name = "The Film";
  film.runtime_minutes = 100;
  d.catalog.titles().push_back(film);
  return d;
}

int64_t ReleaseStart() { return *ParseCivilDate("2024-03-01") * kDay; }

ExposureUnit SeasonUnitWith(int64_t domestic_seconds, const ExposureOptions& options) {
  Dataset d = SeasonDataset();
  LedgerAccounts accounts;
  // One play row can carry any number of seconds: the fold must keep them exact.
  accounts.AddPlay(Play("q1", ReleaseStart() + 10, "e3", "i1", true, domestic_seconds, "US"));
  Result<ExposureReport> report = ComputeExposure(accounts, d, options);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->units.size(), 1u);
  return report->units.at(0);
}

TEST(ExposureTest, IssueVectorFeedsTheBonusRuleExactIntegers) {
  Result<BonusRuleBook> book = BonusRuleBook::Parse(kRules, "rules.json");
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  ExposureOptions options;
  options.rules = &*book;
  options.domestic_subscribers = 76'000'000;

  const ExposureUnit unit = SeasonUnitWith(int64_t{125'000'000} * 3600, options);
  EXPECT_EQ(unit.unit_id, "s season 1");
  EXPECT_EQ(unit.title_ids.size(), 8u);
  EXPECT_EQ(unit.runtime_minutes, std::vector<int64_t>(8, 58));
  EXPECT_EQ(unit.window_days, 90);
  EXPECT_EQ(unit.seconds_domestic, int64_t{450'000'000'000});
  ASSERT_TRUE(unit.bonus.has_value());
  EXPECT_EQ(unit.bonus->runtime_minutes, 464);
  EXPECT_EQ(unit.bonus->domestic_subscribers, 76'000'000);
  EXPECT_EQ(*unit.views, 16'163'793);
  EXPECT_EQ(unit.bonus->views, 16'163'793);
  EXPECT_NEAR(unit.bonus->views_per_subscriber, 0.2127, 0.00005);
  EXPECT_TRUE(unit.bonus->triggered);
  EXPECT_EQ(unit.bonus_status, "triggered");
  EXPECT_EQ(FormatHours(unit.seconds_domestic), "125,000,000.00");

  EXPECT_TRUE(SeasonUnitWith(int64_t{117'546'667} * 3600, options).bonus->triggered);
  const ExposureUnit below = SeasonUnitWith(int64_t{117'546'666} * 3600, options);
  EXPECT_FALSE(below.bonus->triggered);
  EXPECT_EQ(below.bonus_status, "not triggered");
  EXPECT_EQ(*below.views, 15'199'999);
}

TEST(ExposureTest, OnlyDomesticPlaysInTheWindowCountTowardTheBonus) {
  Dataset d = SeasonDataset();
  Result<BonusRuleBook> book = BonusRuleBook::Parse(kRules, "rules.json");
  ASSERT_TRUE(book.ok());
  ExposureOptions options;
  options.rules = &*book;
  const int64_t start = ReleaseStart();
  LedgerAccounts accounts;
  accounts.AddPlay(Play("a", start, "e1", "i", true, 100, "US"));                // first second of day 1
  accounts.AddPlay(Play("b", start + 90 * kDay - 1, "e8", "i", false, 20, "US")); // last second of day 90
  accounts.AddPlay(Play("c", start + 90 * kDay, "e8", "i", true, 4000, "US"));    // day 91
  accounts.AddPlay(Play("d", start - 1, "e1", "i", true, 8000, "US"));            // before release
  accounts.AddPlay(Play("e", start + 5, "e2", "i", true, 16000, "GB"));           // abroad
  accounts.AddPlay(Play("g", start + 6, "e2", "", true, 32000, ""));              // no impression: no territory
  accounts.AddPlay(Play("h", start + 7, "e2", "i", true, 64000, "US"));
  accounts.AddReversal(Reversal("r", start + 8, "h"));                             // reversed: not streamed
  accounts.AddPlay(Play("k", start + 9, "f", "i", true, 3600, "US"));
  Result<ExposureReport> report = ComputeExposure(accounts, d, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->units.size(), 2u);
  EXPECT_EQ(report->agreement, "SAG-AFTRA TV/Theatrical 2023");  // the book's only agreement
  const ExposureUnit& film = report->units[0];
  EXPECT_EQ(film.unit_id, "f");
  EXPECT_EQ(film.seconds_streamed, 3600);
  EXPECT_EQ(film.seconds_domestic, 0);  // no release date: no window
  EXPECT_EQ(film.bonus_status, "release date unknown");
  const ExposureUnit& season = report->units[1];
  EXPECT_EQ(season.plays, 6);
  EXPECT_EQ(season.seconds_streamed, 100 + 20 + 4000 + 8000 + 16000 + 32000);
  EXPECT_EQ(season.seconds_domestic, 120);
  EXPECT_FALSE(season.bonus->triggered);

  // One title asks for its unit; a title the dataset lacks is named.
  Result<ExposureReport> one = ComputeExposure(accounts, d, options, "e5");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->units.size(), 1u);
  EXPECT_EQ(one->units[0].unit_id, "s season 1");
  EXPECT_EQ(ComputeExposure(accounts, d, options, "zz").status().field(), "title");
}

TEST(ExposureTest, WithoutRulesExposureIsStillReported) {
  Dataset d = SeasonDataset();
  LedgerAccounts accounts;
  accounts.AddPlay(Play("a", ReleaseStart(), "e1", "i", true, 464 * 60 * 3 + 5, "US"));
  ExposureOptions options;
  Result<ExposureReport> report = ComputeExposure(accounts, d, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->units[0].window_days, 90);
  EXPECT_EQ(*report->units[0].views, 3);
  EXPECT_FALSE(report->units[0].bonus.has_value());
  EXPECT_EQ(report->units[0].bonus_status, "no bonus rules given");

  const nlohmann::json j = nlohmann::json::parse(ExposureJson(*report));
  EXPECT_EQ(j["units"][0]["seconds_domestic"], 464 * 60 * 3 + 5);
  EXPECT_EQ(j["units"][0]["views"], 3);
  EXPECT_EQ(j["units"][0]["release_date"], "2024-03-01");
  EXPECT_NE(ExposureText(*report).find("s season 1"), std::string::npos);
  const std::string html = ExposureHtml(*report);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);

  options.domestic_territory = "usa";
  EXPECT_EQ(ComputeExposure(accounts, d, options).status().field(), "domestic_territory");
}

TEST(ExposureTest, AgreementMustBeNamedWhenTheBookHoldsSeveral) {
  // The source tree is where the tests' shared data folder hangs from.
  std::string root = MARQUEE_SHARED_DATA_DIR;
  root.resize(root.size() - std::string("/../shared/data").size());
  Result<BonusRuleBook> book = BonusRuleBook::LoadFile(root + "/rules/sag_aftra_2023_streaming_bonus.json");
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  ExposureOptions options;
  options.rules = &*book;
  LedgerAccounts accounts;
  EXPECT_EQ(ComputeExposure(accounts, SeasonDataset(), options).status().field(), "agreement");
  options.agreement = "WGA MBA 2023";
  EXPECT_TRUE(ComputeExposure(accounts, SeasonDataset(), options).ok());
}

TEST(ExposureTest, FormatsHoursFromExactSeconds) {
  EXPECT_EQ(FormatHours(0), "0.00");
  EXPECT_EQ(FormatHours(17), "0.00");
  EXPECT_EQ(FormatHours(18), "0.01");  // half a hundredth rounds up
  EXPECT_EQ(FormatHours(3600), "1.00");
  EXPECT_EQ(FormatHours(int64_t{117'546'667} * 3600), "117,546,667.00");
}

}  // namespace
}  // namespace marquee
