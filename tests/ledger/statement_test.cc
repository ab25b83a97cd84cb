#include "marquee/ledger/statement.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../consent/consent_test_util.h"
#include "ledger_test_util.h"
#include "marquee/util/civil_time.h"

namespace marquee {
namespace {

using namespace testing_ledger;
using test::kDay;
using test::kT0;  // 2024-01-01

// Performers p1 and p2, title t1 (a 100-minute film released 2024-01-01).
Dataset StatementDataset() {
  Dataset d;
  d.titles.GetOrAdd("t1");
  Title t;
  t.name = "Title One";
  t.runtime_minutes = 100;
  t.release_date = static_cast<int32_t>(UnixDay(kT0));
  d.catalog.titles().push_back(t);
  d.catalog.AddPerformer({.id = "p1", .name = "Pat One", .birth_date = static_cast<int32_t>(test::AdultBirthDate())});
  d.catalog.AddPerformer({.id = "p2", .name = "Sam Two", .birth_date = static_cast<int32_t>(test::AdultBirthDate())});
  return d;
}

// c1 (p1): 500.00 flat, 4.00 per 1,000, in the bonus; c2 (p2): 1.00 per 1,000.
ConsentRegistry Registry() {
  ConsentRegistry registry({{"p1", {test::AdultBirthDate(), std::nullopt, ""}},
                            {"p2", {test::AdultBirthDate(), std::nullopt, ""}}});
  ConsentRecord c1 = test::ValidConsent();
  c1.compensation.bonus_participation = true;
  EXPECT_TRUE(registry.AddConsent(c1).ok());
  ConsentRecord c2 = test::ValidConsent();
  c2.consent_id = "c2";
  c2.performer_id = "p2";
  c2.compensation = {0, 1'000'000, false};
  EXPECT_TRUE(registry.AddConsent(c2).ok());
  return registry;
}

// 2,500 impressions of p1 (with p2 in every other one) on day 0 and day 1.
LedgerAccounts Ledger() {
  LedgerAccounts accounts;
  for (int i = 0; i < 2500; ++i) {
    std::vector<LedgerPerformer> shown = {{"p1", "c1", 1}};
    if (i % 2 == 0) shown.push_back({"p2", "c2", 1});
    accounts.AddImpression(Impression("i" + std::to_string(i), kT0 + (i < 1000 ? 0 : kDay) + i, "t1", shown));
  }
  accounts.AddPlay(Play("q1", kT0 + 100, "t1", "i0", true, 3000));
  accounts.AddPlay(Play("q2", kT0 + 101, "t1", "i1", true, 3000));
  accounts.AddPlay(Play("q3", kT0 + 102, "t1", "i2", false, 30));
  return accounts;
}

TEST(StatementTest, IssueExampleFeesAreExact) {
  const Dataset d = StatementDataset();
  const ConsentRegistry registry = Registry();
  const LedgerAccounts accounts = Ledger();
  Result<PerformerStatement> s = BuildStatement(accounts, d, registry, "p1", {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->performer_name, "Pat One");
  EXPECT_EQ(s->totals.qualifying_impressions, 2500);
  EXPECT_EQ(s->totals.qualifying_plays, 2);
  ASSERT_EQ(s->consents.size(), 1u);
  const ConsentFeeLine& c1 = s->consents[0];
  EXPECT_TRUE(c1.found);
  EXPECT_EQ(c1.qualifying_impressions, 2500);
  // 2,500 qualifying impressions at 4.00 per 1,000 is exactly 10.000000.
  EXPECT_EQ(FormatMicros(c1.impression_fee_micros), "10.000000");
  EXPECT_EQ(FormatMicros(c1.flat_fee_micros), "500.000000");
  EXPECT_EQ(FormatMicros(s->total_fees_micros), "510.000000");

  Result<PerformerStatement> p2 = BuildStatement(accounts, d, registry, "p2", {});
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(p2->totals.qualifying_impressions, 1250);
  EXPECT_EQ(p2->totals.qualifying_plays, 1);  // q1 (i0 shows p2); i1 does not
  EXPECT_EQ(FormatMicros(p2->total_fees_micros), "1.250000");
}

TEST(StatementTest, AdjacentPeriodsAddUpToTheirUnion) {
  const Dataset d = StatementDataset();
  const ConsentRegistry registry = Registry();
  LedgerAccounts accounts;
  // 3 micros per 1,000 would round to nothing per period if each were rounded alone.
  for (int i = 0; i < 999; ++i) {
    accounts.AddImpression(Impression("i" + std::to_string(i), kT0 + i * 60, "t1", {{"p2", "c2", 1}}));
  }
  Micros sum = 0;
  int64_t impressions = 0;
  for (int64_t from = kT0; from < kT0 + 999 * 60; from += 7 * 60) {
    StatementOptions o;
    o.period = {from, from + 7 * 60};
    Result<PerformerStatement> s = BuildStatement(accounts, d, registry, "p2", o);
    ASSERT_TRUE(s.ok());
    sum += s->total_fees_micros;
    impressions += s->totals.qualifying_impressions;
  }
  Result<PerformerStatement> whole = BuildStatement(accounts, d, registry, "p2", {});
  EXPECT_EQ(impressions, 999);
  EXPECT_EQ(whole->total_fees_micros, 999'000);  // 1.00 per 1,000
  EXPECT_EQ(sum, whole->total_fees_micros);
}

TEST(StatementTest, PeriodsReversalsAndTheFlatFeeOnce) {
  const Dataset d = StatementDataset();
  const ConsentRegistry registry = Registry();
  LedgerAccounts accounts = Ledger();
  StatementOptions day1;
  day1.period = {kT0 + kDay, kT0 + 2 * kDay};
  Result<PerformerStatement> s = BuildStatement(accounts, d, registry, "p1", day1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->totals.qualifying_impressions, 1500);
  EXPECT_EQ(s->consents[0].flat_fee_micros, 0);  // paid on day 0, with the first impression
  EXPECT_EQ(FormatMicros(s->consents[0].impression_fee_micros), "6.000000");
  EXPECT_EQ(s->consents[0].qualifying_impressions_to_date, 2500);

  accounts.AddReversal(Reversal("r1", kT0 + 3 * kDay, "i2499"));
  s = BuildStatement(accounts, d, registry, "p1", day1);
  EXPECT_EQ(s->totals.qualifying_impressions, 1499);
  EXPECT_EQ(FormatMicros(s->consents[0].impression_fee_micros), "5.996000");

  // A performer in no row gets nothing; one in neither catalog nor ledger is refused.
  ConsentRegistry empty_registry;
  Result<PerformerStatement> nobody = BuildStatement(LedgerAccounts(), d, empty_registry, "p1", {});
  ASSERT_TRUE(nobody.ok());
  EXPECT_EQ(nobody->totals.qualifying_impressions, 0);
  EXPECT_TRUE(nobody->consents.empty());
  EXPECT_EQ(nobody->total_fees_micros, 0);
  EXPECT_EQ(BuildStatement(accounts, d, registry, "p404", {}).status().field(), "performer");
  StatementOptions backwards;
  backwards.period = {kT0, kT0};
  EXPECT_EQ(BuildStatement(accounts, d, registry, "p1", backwards).status().field(), "period");
}

TEST(StatementTest, ConsentsMissingFromTheLogAreShownAsProblems) {
  const Dataset d = StatementDataset();
  ConsentRegistry registry({{"p1", {test::AdultBirthDate(), std::nullopt, ""}}});
  LedgerAccounts accounts;
  accounts.AddImpression(Impression("i1", kT0, "t1", {{"p1", "c-gone", 3}}));
  accounts.AddReversal(Reversal("r", kT0, "nothing"));
  Result<PerformerStatement> s = BuildStatement(accounts, d, registry, "p1", {});
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->consents.size(), 1u);
  EXPECT_FALSE(s->consents[0].found);
  EXPECT_EQ(s->total_fees_micros, 0);
  ASSERT_EQ(s->problems.size(), 2u);
  EXPECT_NE(s->problems[0].find("\"c-gone\" version 3"), std::string::npos) << s->problems[0];
  EXPECT_NE(StatementText(*s).find("not in the consent log"), std::string::npos);
}

TEST(StatementTest, BonusLinesUseTheConsentsAgreement) {
  const Dataset d = StatementDataset();
  const ConsentRegistry registry = Registry();
  LedgerAccounts accounts = Ledger();
  StatementOptions o;
  Result<PerformerStatement> none = BuildStatement(accounts, d, registry, "p1", o);
  ASSERT_EQ(none->bonus.size(), 1u);
  EXPECT_EQ(none->bonus[0].exposure.bonus_status, "no bonus rules given");

  Result<BonusRuleBook> book = BonusRuleBook::Parse(
      R"({"format":"marquee.bonus_rules","format_version":1,"rules":[{"agreement":"SAG-AFTRA TV/Theatrical 2023",
      "version":"v","effective_from":"2023-11-09","effective_until":"2026-06-30","window_days":90,
      "threshold_percent_of_subscribers":20,"bonus_percent_of_fixed_residual":100,
      "splits":[{"recipient":"performer","percent":75},{"recipient":"fund","percent":25}]}]})",
      "rules.json");
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  o.exposure.rules = &*book;
  o.exposure.domestic_subscribers = 10;
  // 6,030 domestic seconds (every play streams, qualified or not) of a
  // 100-minute film: one view; 1 >= 20% of 10 subscribers is false.
  Result<PerformerStatement> s = BuildStatement(accounts, d, registry, "p1", o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->bonus.size(), 1u);
  EXPECT_EQ(s->bonus[0].agreement, "SAG-AFTRA TV/Theatrical 2023");
  EXPECT_EQ(s->bonus[0].exposure.seconds_domestic, 6030);
  EXPECT_EQ(*s->bonus[0].exposure.views, 1);
  EXPECT_EQ(s->bonus[0].exposure.bonus_status, "not triggered");
  o.exposure.domestic_subscribers = 5;  // 1 view >= 20% of 5
  EXPECT_EQ(BuildStatement(accounts, d, registry, "p1", o)->bonus[0].exposure.bonus_status, "triggered");
  // p2's consent does not participate: no bonus lines.
  EXPECT_TRUE(BuildStatement(accounts, d, registry, "p2", o)->bonus.empty());
}

TEST(StatementTest, RenderersShowTheSameFigures) {
  const Dataset d = StatementDataset();
  const ConsentRegistry registry = Registry();
  const LedgerAccounts accounts = Ledger();
  StatementOptions o;
  o.period = {kT0, kT0 + 2 * kDay};
  PerformerStatement p1 = *BuildStatement(accounts, d, registry, "p1", o);
  PerformerStatement p2 = *BuildStatement(accounts, d, registry, "p2", o);

  const nlohmann::json j = nlohmann::json::parse(StatementJson(p1));
  EXPECT_EQ(j["performer_id"], "p1");
  EXPECT_EQ(j["period"]["from"], kT0);
  EXPECT_EQ(j["qualifying_impressions"], 2500);
  EXPECT_EQ(j["qualifying_plays_attributed"], 2);
  EXPECT_EQ(j["impressions"][0]["variant_kind"], "none/digitalCapture");
  EXPECT_EQ(j["impressions_by_day"][0]["date"], "2024-01-01");
  EXPECT_EQ(j["impressions_by_day"][0]["impressions"], 1000);
  EXPECT_EQ(j["consents"][0]["impression_fee"], "10.000000");
  EXPECT_EQ(j["consents"][0]["total_micros"], 510'000'000);
  EXPECT_EQ(j["total_fees"], "510.000000");

  const std::string text = StatementText(p1);
  EXPECT_NE(text.find("qualifying impressions: 2,500"), std::string::npos) << text;
  EXPECT_NE(text.find("10.000000"), std::string::npos);
  EXPECT_NE(text.find("total fees: 510.000000"), std::string::npos);

  const std::vector<PerformerStatement> both = {p1, p2};
  const std::string html = StatementHtml(both);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Pat One (p1)"), std::string::npos);  // one series per performer
  EXPECT_NE(html.find("Sam Two (p2)"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // nothing fetched
}

}  // namespace
}  // namespace marquee
