#include "marquee/ledger/accounts.h"

#include <gtest/gtest.h>

#include "ledger_test_util.h"

namespace marquee {
namespace {

using namespace testing_ledger;

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 20000 * kDay;  // 2024-10-04 00:00 UTC

TEST(LedgerAccountsTest, CountsImpressionsPerPerformerByKeyDayAndConsent) {
  LedgerAccounts accounts;
  accounts.AddImpression(Impression("i1", kT0 + 10, "t1", {{"p1", "c1", 1}, {"p2", "c2", 1}}, "US"));
  accounts.AddImpression(Impression("i2", kT0 + 20, "t1", {{"p1", "c1", 1}}, "GB"));
  ImpressionLedgerRow replica = Impression("i3", kT0 + kDay + 5, "t1", {{"p1", "c1", 2}}, "US");
  replica.replica_kind = "employment_based_digital_replica";
  replica.digital_source_type = "trainedAlgorithmicMedia";
  accounts.AddImpression(replica);
  accounts.AddImpression(Impression("i4", kT0, "t2", {}));  // a title card: nobody's image

  PerformerTotals p1 = accounts.ForPerformer("p1");
  EXPECT_EQ(p1.qualifying_impressions, 3);
  EXPECT_EQ((p1.impressions_by_key[{"t1", "US", "none/digitalCapture"}]), 1);
  EXPECT_EQ((p1.impressions_by_key[{"t1", "GB", "none/digitalCapture"}]), 1);
  EXPECT_EQ((p1.impressions_by_key[{"t1", "US", "employment_based_digital_replica/trainedAlgorithmicMedia"}]), 1);
  EXPECT_EQ(p1.impressions_by_day[20000], 2);
  EXPECT_EQ(p1.impressions_by_day[20001], 1);
  EXPECT_EQ((p1.impressions_by_consent[{"c1", 1}]), 2);
  EXPECT_EQ((p1.impressions_by_consent[{"c1", 2}]), 1);
  EXPECT_EQ(accounts.ForPerformer("p2").qualifying_impressions, 1);
  // A performer in no row gets nothing.
  EXPECT_EQ(accounts.ForPerformer("p9").qualifying_impressions, 0);
  EXPECT_TRUE(accounts.ForPerformer("p9").impressions_by_key.empty());

  // The period is [from, to): the second day only.
  PerformerTotals day2 = accounts.ForPerformer("p1", {kT0 + kDay, kT0 + 2 * kDay});
  EXPECT_EQ(day2.qualifying_impressions, 1);
  EXPECT_EQ(accounts.ForPerformer("p1", {kT0 + 10, kT0 + 20}).qualifying_impressions, 1);
}

TEST(LedgerAccountsTest, QualifyingPlaysAreAttributedToEveryPerformerOfTheImpression) {
  LedgerAccounts accounts;
  accounts.AddImpression(Impression("i1", kT0, "t1", {{"p1", "c1", 1}, {"p2", "c2", 1}}));
  accounts.AddImpression(Impression("i2", kT0, "t2", {{"p2", "c2", 1}}));
  accounts.AddPlay(Play("q1", kT0 + 60, "t1", "i1", /*qualified=*/true));
  accounts.AddPlay(Play("q2", kT0 + 70, "t1", "i1", /*qualified=*/false));  // a bare start
  accounts.AddPlay(Play("q3", kT0 + 80, "t2", "i2", true));
  accounts.AddPlay(Play("q4", kT0 + 90, "t2", "", true));  // attributed to nothing
  EXPECT_EQ(accounts.ForPerformer("p1").qualifying_plays, 1);
  EXPECT_EQ(accounts.ForPerformer("p2").qualifying_plays, 2);
  EXPECT_EQ(accounts.ForPerformer("p2").qualifying_plays_by_title.at("t2"), 1);
  EXPECT_EQ(accounts.ForPerformer("p3").qualifying_plays, 0);
  auto all = accounts.AllPerformers();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all["p1"].qualifying_plays, 1);
  EXPECT_EQ(all["p2"].qualifying_plays, 2);
  EXPECT_EQ(all["p2"].qualifying_impressions, 2);
}

TEST(LedgerAccountsTest, AReversalBringsTheCountsBack) {
  LedgerAccounts accounts;
  accounts.AddImpression(Impression("i1", kT0, "t1", {{"p1", "c1", 1}}));
  accounts.AddImpression(Impression("i2", kT0 + 1, "t1", {{"p1", "c1", 1}}));
  accounts.AddPlay(Play("q1", kT0 + 60, "t1", "i1", true));
  accounts.AddPlay(Play("q2", kT0 + 61, "t1", "i2", true));
  const PerformerTotals before = accounts.ForPerformer("p1");
  EXPECT_EQ(before.qualifying_impressions, 2);
  EXPECT_EQ(before.qualifying_plays, 2);

  accounts.AddImpression(Impression("i3", kT0 + 2, "t1", {{"p1", "c1", 1}}));
  accounts.AddPlay(Play("q3", kT0 + 62, "t1", "i3", true));
  accounts.AddReversal(Reversal("r1", kT0 + 100, "i3"));  // the impression, and so its play's attribution
  PerformerTotals after = accounts.ForPerformer("p1");
  EXPECT_EQ(after.qualifying_impressions, before.qualifying_impressions);
  EXPECT_EQ(after.impressions_by_key, before.impressions_by_key);
  EXPECT_EQ(after.impressions_by_day, before.impressions_by_day);
  EXPECT_EQ(after.qualifying_plays, before.qualifying_plays);

  accounts.AddReversal(Reversal("r2", kT0 + 101, "q2"));  // a play alone
  EXPECT_EQ(accounts.ForPerformer("p1").qualifying_plays, 1);
  EXPECT_EQ(accounts.ForPerformer("p1").qualifying_impressions, 2);
  EXPECT_FALSE(accounts.IsLive("i3"));
  EXPECT_FALSE(accounts.IsLive("q2"));
  EXPECT_TRUE(accounts.IsLive("i1"));
  EXPECT_TRUE(accounts.problems().empty());
}

TEST(LedgerAccountsTest, BadReversalsAreReportedNotApplied) {
  LedgerAccounts accounts;
  accounts.AddImpression(Impression("i1", kT0, "t1", {{"p1", "c1", 1}}));
  accounts.AddImpression(Impression("i2", kT0, "t1", {{"p1", "c1", 1}}));
  accounts.AddReversal(Reversal("r1", kT0, "nope"));
  accounts.AddReversal(Reversal("r2", kT0, "i1"));
  accounts.AddReversal(Reversal("r3", kT0, "i1"));  // twice
  accounts.AddReversal(Reversal("r4", kT0, "r2"));  // a reversal of a reversal
  accounts.AddImpression(Impression("i2", kT0, "t1", {{"p1", "c1", 1}}));  // a repeated id
  EXPECT_EQ(accounts.ForPerformer("p1").qualifying_impressions, 1);
  const std::vector<std::string> problems = accounts.problems();
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_NE(problems[0].find("\"i2\" appears twice"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("\"nope\", which is no impression or play"), std::string::npos) << problems[1];
  EXPECT_NE(problems[2].find("already reversed by \"r2\""), std::string::npos) << problems[2];
  EXPECT_NE(problems[3].find("cannot be reversed"), std::string::npos) << problems[3];
}

TEST(LedgerAccountsTest, FoldsStoredEntriesAndRefusesCorruptOnes) {
  LedgerAccounts accounts;
  std::vector<LedgerRow> rows(2);
  rows[0].seq = 1;
  rows[0].entry = ToLedgerEntry(Impression("i1", kT0, "t1", {{"p1", "c1", 1}}));
  rows[1].seq = 2;
  rows[1].entry = ToLedgerEntry(Play("q1", kT0 + 5, "t1", "i1", true));
  ASSERT_TRUE(accounts.AddRows(rows).ok());
  EXPECT_EQ(accounts.ForPerformer("p1").qualifying_plays, 1);
  EXPECT_EQ(accounts.impression_rows(), 1u);
  EXPECT_EQ(accounts.play_rows(), 1u);

  LedgerRow bad;
  bad.seq = 3;
  bad.entry = {LedgerKind::kPlay, "q2", kT0, "{}"};
  Status s = accounts.AddRows({&bad, 1});
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("ledger row 3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("\"q2\""), std::string::npos) << s.message();
}

TEST(LedgerAccountsTest, FirstImpressionByConsentSkipsReversedOnes) {
  LedgerAccounts accounts;
  accounts.AddImpression(Impression("i1", kT0 + 5, "t1", {{"p1", "c1", 1}}));
  accounts.AddImpression(Impression("i0", kT0 + 1, "t1", {{"p1", "c1", 1}}));
  accounts.AddImpression(Impression("i2", kT0 + 9, "t1", {{"p1", "c1", 2}}));
  accounts.AddReversal(Reversal("r", kT0 + 10, "i0"));
  auto first = accounts.FirstImpressionByConsent("p1");
  EXPECT_EQ((first[{"c1", 1}]), kT0 + 5);
  EXPECT_EQ((first[{"c1", 2}]), kT0 + 9);
}

}  // namespace
}  // namespace marquee
