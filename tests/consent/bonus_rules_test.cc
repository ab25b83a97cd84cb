#include "marquee/consent/bonus_rules.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "marquee/util/civil_time.h"
#include "../test_util.h"

namespace marquee {
namespace {

// The repository root: the tests know the shared data folder as
// "<root>/../shared/data" (CMakeLists.txt), so the root is that minus the suffix.
std::string RepoRoot() {
  std::string dir = MARQUEE_SHARED_DATA_DIR;
  const std::string suffix = "/../shared/data";
  return dir.substr(0, dir.size() - suffix.size());
}

const std::string kShippedRules = "rules/sag_aftra_2023_streaming_bonus.json";
constexpr const char* kSag = "SAG-AFTRA TV/Theatrical 2023";
constexpr int64_t kSeconds = 3'600;  // an hour

BonusRules SagRules() {
  BonusRules r;
  r.agreement = kSag;
  r.version = "test";
  r.effective_from_day = DaysFromCivil(2023, 11, 9);
  r.effective_until_day = DaysFromCivil(2026, 6, 30);
  r.window_days = 90;
  r.threshold_percent_of_subscribers = 20;
  r.bonus_percent_of_fixed_residual = 100;
  r.splits = {{"performer", 75}, {"fund", 25}};
  r.source = "test";
  return r;
}

// The issue's season: 8 episodes of 58 minutes (464 minutes), 76,000,000
// domestic subscribers.
BonusInput Season(int64_t hours) {
  BonusInput in;
  in.episode_runtime_minutes.assign(8, 58);
  in.seconds_streamed_domestic = hours * kSeconds;
  in.domestic_subscribers = 76'000'000;
  in.fixed_residual_micros = 1'000'000'000;  // 1,000.00
  return in;
}

TEST(BonusRulesTest, IssueVectorTriggersAt125MillionHours) {
  Result<BonusEvaluation> e = EvaluateBonus(SagRules(), Season(125'000'000));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->runtime_minutes, 464);
  EXPECT_EQ(e->views, 16'163'793);
  EXPECT_EQ(fmt::format("{:.4f}", e->views_per_subscriber), "0.2127");
  EXPECT_TRUE(e->triggered);
  EXPECT_EQ(e->domestic_subscribers, 76'000'000);
}

// 117,546,667 h × 60 = 7,052,800,020 min; × 5 = 35,264,000,100 >= 464 ×
// 76,000,000 = 35,264,000,000. One hour less: 35,263,999,800 < it.
TEST(BonusRulesTest, IssueVectorBoundary) {
  Result<BonusEvaluation> at = EvaluateBonus(SagRules(), Season(117'546'667));
  ASSERT_TRUE(at.ok());
  EXPECT_TRUE(at->triggered);
  EXPECT_EQ(at->views, 15'200'000);  // exactly 20% of 76,000,000
  Result<BonusEvaluation> below = EvaluateBonus(SagRules(), Season(117'546'666));
  ASSERT_TRUE(below.ok());
  EXPECT_FALSE(below->triggered);
  EXPECT_EQ(below->views, 15'199'999);
  EXPECT_EQ(below->bonus_micros, 0);
  EXPECT_TRUE(below->payments.empty());
  // The exact threshold in seconds: 464 × 60 × 76,000,000 × 20 / 100.
  BonusInput exact = Season(0);
  exact.seconds_streamed_domestic = int64_t{464} * 60 * 76'000'000 / 5;
  EXPECT_TRUE(EvaluateBonus(SagRules(), exact)->triggered);
  exact.seconds_streamed_domestic -= 1;
  EXPECT_FALSE(EvaluateBonus(SagRules(), exact)->triggered);
}

TEST(BonusRulesTest, TriggeredBonusIsSplitPerTheRule) {
  Result<BonusEvaluation> e = EvaluateBonus(SagRules(), Season(125'000'000));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(FormatMicros(e->bonus_micros), "1000.000000");  // 100% of the residual
  ASSERT_EQ(e->payments.size(), 2u);
  EXPECT_EQ(e->payments[0].recipient, "performer");
  EXPECT_EQ(FormatMicros(e->payments[0].amount_micros), "750.000000");
  EXPECT_EQ(e->payments[1].recipient, "fund");
  EXPECT_EQ(FormatMicros(e->payments[1].amount_micros), "250.000000");
}

TEST(BonusRulesTest, WritersHalfBonusRoundsHalfUp) {
  BonusRules writers = SagRules();
  writers.bonus_percent_of_fixed_residual = 50;
  writers.splits = {{"writer", 100}};
  BonusInput in = Season(125'000'000);
  in.fixed_residual_micros = 3;  // 1.5 micros: rounds up to 2
  EXPECT_EQ(EvaluateBonus(writers, in)->bonus_micros, 2);
  in.fixed_residual_micros = *ParseMicros("1234.567891");
  Result<BonusEvaluation> e = EvaluateBonus(writers, in);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(FormatMicros(e->bonus_micros), "617.283946");  // 617.2839455 -> up
  EXPECT_EQ(e->payments[0].amount_micros, e->bonus_micros);
}

// Flooring leaves micros over; they go to the largest share (the first among
// equals) and the total is preserved exactly.
TEST(BonusRulesTest, UnevenSplitsPreserveTheTotal) {
  auto p = SplitAmount(1'000'001, {{"performer", 75}, {"fund", 25}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)[0].amount_micros, 750'001);  // 750,000.75 floored + the 1 left
  EXPECT_EQ((*p)[1].amount_micros, 250'000);
  p = SplitAmount(100, {{"a", 33}, {"b", 34}, {"c", 33}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)[0].amount_micros, 33);
  EXPECT_EQ((*p)[1].amount_micros, 34);
  EXPECT_EQ((*p)[2].amount_micros, 33);
  p = SplitAmount(7, {{"a", 25}, {"b", 25}, {"c", 25}, {"d", 25}});  // 1 each + 3 left to "a"
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)[0].amount_micros, 4);
  EXPECT_EQ((*p)[1].amount_micros, 1);
  EXPECT_EQ((*p)[3].amount_micros, 1);
  p = SplitAmount(std::numeric_limits<Micros>::max(), {{"a", 1}, {"b", 99}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)[0].amount_micros + (*p)[1].amount_micros, std::numeric_limits<Micros>::max());
  EXPECT_EQ(SplitAmount(10, {{"a", 60}, {"b", 30}}).status().field(), "splits");
  EXPECT_EQ(SplitAmount(10, {}).status().field(), "splits");
  EXPECT_EQ(SplitAmount(-1, {{"a", 100}}).status().code(), Status::Code::kInvalidArgument);
}

TEST(BonusRulesTest, EvaluationRefusesBadInputNamingTheField) {
  BonusInput in = Season(1);
  in.episode_runtime_minutes = {};
  EXPECT_EQ(EvaluateBonus(SagRules(), in).status().field(), "episode_runtime_minutes");
  in = Season(1);
  in.episode_runtime_minutes[3] = 0;
  EXPECT_EQ(EvaluateBonus(SagRules(), in).status().field(), "episode_runtime_minutes");
  in = Season(1);
  in.seconds_streamed_domestic = -1;
  EXPECT_EQ(EvaluateBonus(SagRules(), in).status().field(), "seconds_streamed_domestic");
  in = Season(1);
  in.fixed_residual_micros = -1;
  EXPECT_EQ(EvaluateBonus(SagRules(), in).status().field(), "fixed_residual_micros");
  in = Season(1);
  in.domestic_subscribers = 0;  // and the rule sets none
  EXPECT_EQ(EvaluateBonus(SagRules(), in).status().field(), "domestic_subscribers");
  // A rule built in code gets the loader's checks.
  BonusRules unset = SagRules();
  unset.threshold_percent_of_subscribers = 0;
  EXPECT_EQ(EvaluateBonus(unset, Season(1)).status().field(), "threshold_percent_of_subscribers");
  unset = SagRules();
  unset.bonus_percent_of_fixed_residual = 0;
  EXPECT_EQ(EvaluateBonus(unset, Season(1)).status().field(), "bonus_percent_of_fixed_residual");
  unset = SagRules();
  unset.splits = {{"performer", 75}};
  EXPECT_EQ(EvaluateBonus(unset, Season(1)).status().field(), "splits");
  BonusRules with_count = SagRules();
  with_count.domestic_subscribers = 76'000'000;
  in = Season(125'000'000);
  in.domestic_subscribers = 0;
  EXPECT_EQ(EvaluateBonus(with_count, in)->views, 16'163'793);
}

TEST(BonusRulesTest, HugeInputsCompareWithoutOverflow) {
  BonusInput in = Season(0);
  in.seconds_streamed_domestic = std::numeric_limits<int64_t>::max();
  in.domestic_subscribers = std::numeric_limits<int64_t>::max();
  in.episode_runtime_minutes = {std::numeric_limits<int64_t>::max() / 60};
  Result<BonusEvaluation> e = EvaluateBonus(SagRules(), in);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_FALSE(e->triggered);
  in.episode_runtime_minutes = {std::numeric_limits<int64_t>::max() / 60, 1};
  EXPECT_EQ(EvaluateBonus(SagRules(), in).status().code(), Status::Code::kInvalidArgument);
}

TEST(BonusRulesTest, ShippedRulesFileLoadsAndPicksByDate) {
  Result<BonusRuleBook> book = BonusRuleBook::LoadFile(RepoRoot() + "/" + kShippedRules);
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  ASSERT_EQ(book->rules().size(), 2u);
  Result<const BonusRules*> sag = book->Find(kSag, DaysFromCivil(2024, 3, 1));
  ASSERT_TRUE(sag.ok()) << sag.status().ToString();
  EXPECT_EQ((*sag)->window_days, 90);
  EXPECT_EQ((*sag)->threshold_percent_of_subscribers, 20);
  EXPECT_EQ((*sag)->bonus_percent_of_fixed_residual, 100);
  ASSERT_EQ((*sag)->splits.size(), 2u);
  EXPECT_EQ((*sag)->splits[0].percent, 75);
  BonusInput in = Season(125'000'000);
  in.domestic_subscribers = 0;  // the file's count
  Result<BonusEvaluation> e = EvaluateBonus(**sag, in);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->views, 16'163'793);
  EXPECT_TRUE(e->triggered);
  EXPECT_EQ(FormatMicros(e->payments[0].amount_micros), "750.000000");

  Result<const BonusRules*> wga = book->Find("WGA MBA 2023", DaysFromCivil(2024, 3, 1));
  ASSERT_TRUE(wga.ok());
  EXPECT_EQ(FormatMicros(EvaluateBonus(**wga, Season(125'000'000))->bonus_micros), "500.000000");

  // Effective dates are inclusive at both ends; outside them no rule is in effect.
  EXPECT_TRUE(book->Find(kSag, DaysFromCivil(2023, 11, 9)).ok());
  EXPECT_TRUE(book->Find(kSag, DaysFromCivil(2026, 6, 30)).ok());
  Status before = book->Find(kSag, DaysFromCivil(2023, 11, 8)).status();
  EXPECT_EQ(before.code(), Status::Code::kNotFound);
  EXPECT_NE(before.message().find("no bonus rule in effect"), std::string::npos) << before.message();
  EXPECT_NE(before.message().find("2023-11-08"), std::string::npos) << before.message();
  EXPECT_EQ(book->Find(kSag, DaysFromCivil(2026, 7, 1)).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(book->Find("No Such Agreement", DaysFromCivil(2024, 1, 1)).status().code(), Status::Code::kNotFound);
}

// A one-rule document with `rule_fields` (JSON members, no braces) as its rule.
std::string Doc(const std::string& rule_fields) {
  return R"({"format": "marquee.bonus_rules", "format_version": 1, "rules": [{)" + rule_fields + "}]}";
}

std::string Rule(const std::string& agreement, const std::string& version, const std::string& from,
                 const std::string& until) {
  return fmt::format(
      R"("agreement": "{}", "version": "{}", "effective_from": "{}", "effective_until": "{}",
         "window_days": 90, "threshold_percent_of_subscribers": 20, "bonus_percent_of_fixed_residual": 100,
         "splits": [{{"recipient": "performer", "percent": 75}}, {{"recipient": "fund", "percent": 25}}])",
      agreement, version, from, until);
}

const std::string kGood = Rule("A", "1", "2024-01-01", "2024-12-31");

// Replaces the first occurrence of `from` in the good rule.
std::string Edited(const std::string& from, const std::string& to) {
  std::string r = kGood;
  const size_t at = r.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return r.replace(at, from.size(), to);
}

TEST(BonusRulesTest, LoadRefusesBadRulesNamingFileAndField) {
  test::TempDir dir;
  ASSERT_TRUE(BonusRuleBook::LoadFile(dir.Write("good.json", Doc(kGood))).ok());
  struct Case {
    std::string rule;
    std::string field;
  };
  const Case cases[] = {
      {Edited(R"("window_days": 90, )", ""), "rules[0].window_days"},                        // missing
      {Edited("2024-01-01", "2024-02-30"), "rules[0].effective_from"},                      // no such day
      {Edited("2024-01-01", "2024-1-01"), "rules[0].effective_from"},                       // not YYYY-MM-DD
      {Edited("2024-12-31", "2023-12-31"), "rules[0].effective_until"},                     // before from
      {Edited(R"("percent": 25)", R"("percent": 20)"), "rules[0].splits"},                 // sums to 95
      {Edited(R"("percent": 25)", R"("percent": -25)"), "rules[0].splits[1].percent"},    // negative
      {Edited(R"("recipient": "fund")", R"("recipient": "performer")"), "rules[0].splits[1].recipient"},
      {Edited("\"window_days\": 90", "\"window_days\": -90"), "rules[0].window_days"},     // negative
      {Edited("\"threshold_percent_of_subscribers\": 20", "\"threshold_percent_of_subscribers\": 20.5"),
       "rules[0].threshold_percent_of_subscribers"},                                        // not whole
      {Edited("\"bonus_percent_of_fixed_residual\": 100", "\"bonus_percent_of_fixed_residual\": 0"),
       "rules[0].bonus_percent_of_fixed_residual"},
      {Edited(R"("agreement": "A")", R"("agreement": "")"), "rules[0].agreement"},
      {kGood + R"(, "domestic_subscribers": -5)", "rules[0].domestic_subscribers"},
      {kGood + R"(, "threshold": 20)", "rules[0].threshold"},                                // unknown
  };
  for (const Case& c : cases) {
    const std::string path = dir.Write("bad.json", Doc(c.rule));
    Result<BonusRuleBook> book = BonusRuleBook::LoadFile(path);
    ASSERT_FALSE(book.ok()) << c.field;
    EXPECT_EQ(book.status().field(), c.field) << book.status().ToString();
    EXPECT_EQ(book.status().message().rfind(path + ": " + c.field, 0), 0u) << book.status().ToString();
  }
  // The document around the rules.
  EXPECT_EQ(BonusRuleBook::Parse(R"({"format": "other", "format_version": 1, "rules": []})", "x.json")
                .status().field(), "format");
  EXPECT_EQ(BonusRuleBook::Parse(R"({"format": "marquee.bonus_rules", "format_version": 2, "rules": []})", "x.json")
                .status().code(), Status::Code::kUnsupported);
  EXPECT_EQ(BonusRuleBook::Parse(R"({"format": "marquee.bonus_rules", "format_version": 1, "rules": []})", "x.json")
                .status().field(), "rules");
  Status malformed = BonusRuleBook::Parse("{", "x.json").status();
  EXPECT_EQ(malformed.code(), Status::Code::kParseError);
  EXPECT_EQ(malformed.message().rfind("x.json: ", 0), 0u) << malformed.message();
  EXPECT_EQ(BonusRuleBook::LoadFile(dir.File("missing.json")).status().code(), Status::Code::kNotFound);
}

TEST(BonusRulesTest, VersionsOfOneAgreementMustNotOverlap) {
  test::TempDir dir;
  // Two versions in one file, and a third in another: Find picks by date.
  const std::string two = R"({"format": "marquee.bonus_rules", "format_version": 1, "rules": [{)" +
                          Rule("A", "v1", "2023-01-01", "2023-12-31") + "}, {" +
                          Rule("A", "v2", "2024-01-01", "2024-12-31") + "}]}";
  const std::string a = dir.Write("a.json", two);
  const std::string b = dir.Write("b.json", Doc(Rule("A", "v3", "2025-01-01", "2025-12-31")));
  Result<BonusRuleBook> book = BonusRuleBook::LoadFiles({a, b});
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  EXPECT_EQ((*book->Find("A", DaysFromCivil(2023, 12, 31)))->version, "v1");
  EXPECT_EQ((*book->Find("A", DaysFromCivil(2024, 1, 1)))->version, "v2");
  EXPECT_EQ((*book->Find("A", DaysFromCivil(2025, 6, 1)))->version, "v3");
  EXPECT_EQ((*book->Find("A", DaysFromCivil(2025, 6, 1)))->source, b + ": rules[0]");

  // Overlap across files: named in the second file.
  const std::string c = dir.Write("c.json", Doc(Rule("A", "v4", "2024-12-31", "2025-01-01")));
  Status overlap = BonusRuleBook::LoadFiles({a, c}).status();
  EXPECT_EQ(overlap.field(), "rules[0].effective_from");
  EXPECT_EQ(overlap.message().rfind(c + ": rules[0].effective_from", 0), 0u) << overlap.message();
  // The same version twice.
  const std::string d = dir.Write("d.json", Doc(Rule("A", "v1", "2030-01-01", "2030-12-31")));
  EXPECT_EQ(BonusRuleBook::LoadFiles({a, d}).status().field(), "rules[0].version");
  // Another agreement may share the dates.
  const std::string e = dir.Write("e.json", Doc(Rule("B", "v1", "2024-01-01", "2024-12-31")));
  EXPECT_TRUE(BonusRuleBook::LoadFiles({a, e}).ok());
}

TEST(BonusRulesTest, ParsesIsoDaysStrictly) {
  EXPECT_EQ(*ParseIsoDay("1970-01-01"), 0);
  EXPECT_EQ(*ParseIsoDay("2024-02-29"), DaysFromCivil(2024, 2, 29));
  EXPECT_EQ(*ParseIsoDay("2000-02-29"), DaysFromCivil(2000, 2, 29));
  for (const char* bad : {"2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-1-1",
                          "2024/01/01", "", "20240101", "2024-01-01T00:00:00"}) {
    EXPECT_EQ(ParseIsoDay(bad).status().code(), Status::Code::kParseError) << bad;
  }
}

}  // namespace
}  // namespace marquee
