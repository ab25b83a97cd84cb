// One test per branch of the rule in consent/eligibility.h: each condition
// failing alone, with everything else valid, and the boundaries of each.
#include "marquee/consent/eligibility.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "consent_test_util.h"

namespace marquee {
namespace {

using test::AdultBirthDate;
using test::kDay;
using test::kT0;
using test::ValidConsent;

class EligibilityTest : public ::testing::Test {
 protected:
  EligibilityTest()
      : registry_({{"p1", PerformerFacts{AdultBirthDate(), std::nullopt, "Agent A"}},
                   {"p2", PerformerFacts{AdultBirthDate(), std::nullopt, ""}},
                   {"p3", PerformerFacts{AdultBirthDate(), std::nullopt, ""}}}) {}

  void SetUp() override { Add(ValidConsent()); }

  void Add(ConsentEntry entry) {
    Status s = registry_.Add(std::move(entry));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Everything ValidConsent() covers: p1 in title t1's own photography.
  static LikenessUse Use() {
    LikenessUse u;
    u.artwork_id = "a1";
    u.title_id = "t1";
    u.use = "artwork.personalized";
    u.replica_kind = ReplicaKind::kCustomaryAlteration;
    u.territory = "US";
    u.time = kT0 + 1000;
    u.depicted = {{"p1", true}};
    return u;
  }

  void ExpectIneligible(const LikenessUse& use, IneligibleReason reason, const std::string& performer) {
    Eligibility e = registry_.Check(use);
    EXPECT_FALSE(e.eligible);
    EXPECT_EQ(IneligibleReasonName(e.reason), IneligibleReasonName(reason));
    EXPECT_EQ(e.performer_id, performer);
    EXPECT_TRUE(e.relied_on.empty());
  }

  void ExpectEligible(const LikenessUse& use, std::vector<ReliedConsent> relied) {
    Eligibility e = registry_.Check(use);
    EXPECT_TRUE(e.eligible) << IneligibleReasonName(e.reason) << " " << e.performer_id;
    EXPECT_EQ(e.reason, IneligibleReason::kNone);
    EXPECT_EQ(e.relied_on, relied);
  }

  ConsentRegistry registry_;
};

TEST_F(EligibilityTest, EligibleWhenEveryConditionHolds) { ExpectEligible(Use(), {{"p1", "c1", 1}}); }

TEST_F(EligibilityTest, TitleNotCovered) {
  LikenessUse u = Use();
  u.title_id = "t2";
  ExpectIneligible(u, IneligibleReason::kTitleNotCovered, "p1");
}

TEST_F(EligibilityTest, UseNotCovered) {
  LikenessUse u = Use();
  u.use = "artwork.key_art";
  ExpectIneligible(u, IneligibleReason::kUseNotCovered, "p1");
}

TEST_F(EligibilityTest, ReplicaKindNotCovered) {
  LikenessUse u = Use();
  u.replica_kind = ReplicaKind::kMaterialAlteration;
  ExpectIneligible(u, IneligibleReason::kReplicaKindNotCovered, "p1");
}

TEST_F(EligibilityTest, TerritoryNotCoveredAndWorldwide) {
  LikenessUse u = Use();
  u.territory = "FR";
  ExpectIneligible(u, IneligibleReason::kTerritoryNotCovered, "p1");
  ConsentRecord worldwide = ValidConsent();
  worldwide.consent_id = "c2";
  worldwide.territories = {"*"};
  Add(worldwide);
  ExpectEligible(u, {{"p1", "c2", 1}});
}

TEST_F(EligibilityTest, ValidFromIsInclusiveValidUntilExclusive) {
  LikenessUse u = Use();
  u.time = kT0;
  ExpectEligible(u, {{"p1", "c1", 1}});
  u.time = kT0 - 1;
  ExpectIneligible(u, IneligibleReason::kNotYetValid, "p1");
  u.time = kT0 + 365 * kDay - 1;
  ExpectEligible(u, {{"p1", "c1", 1}});
  u.time = kT0 + 365 * kDay;
  ExpectIneligible(u, IneligibleReason::kExpired, "p1");
}

TEST_F(EligibilityTest, RevocationTakesEffectExactlyAtItsTime) {
  LikenessUse u = Use();
  Add(Revocation{"c1", u.time + 1, "performer withdrew"});
  ExpectEligible(u, {{"p1", "c1", 1}});  // not yet
  Add(Revocation{"c1", u.time, "earlier notice"});
  Eligibility e = registry_.Check(u);
  EXPECT_EQ(e.reason, IneligibleReason::kRevoked);
  EXPECT_EQ(e.record_id, "c1");
  u.time -= 1;
  ExpectEligible(u, {{"p1", "c1", 1}});  // before the revocation: the ledger's past stays valid
}

TEST_F(EligibilityTest, RevocationEndsEveryVersion) {
  ConsentRecord v2 = ValidConsent();
  v2.version = 2;
  v2.valid_from = kT0 + 10 * kDay;
  Add(v2);
  Add(Revocation{"c1", kT0 + 5 * kDay, ""});
  LikenessUse u = Use();
  u.time = kT0 + 20 * kDay;
  ExpectIneligible(u, IneligibleReason::kRevoked, "p1");
}

TEST_F(EligibilityTest, LaterVersionReplacesEarlierFromItsStart) {
  ConsentRecord v2 = ValidConsent();
  v2.version = 2;
  v2.valid_from = kT0 + 10 * kDay;
  v2.territories = {"GB"};  // narrower terms from day 10
  Add(v2);
  LikenessUse u = Use();
  u.time = kT0 + 10 * kDay - 1;
  ExpectEligible(u, {{"p1", "c1", 1}});
  u.time = kT0 + 10 * kDay;
  ExpectIneligible(u, IneligibleReason::kSuperseded, "p1");
  u.territory = "GB";
  ExpectEligible(u, {{"p1", "c1", 2}});
}

TEST_F(EligibilityTest, TakedownBlocksTheImageUntilRestored) {
  LikenessUse u = Use();
  Add(Takedown{"td1", "p1", "a1", "counsel@example.org", u.time, std::nullopt});
  Eligibility e = registry_.Check(u);
  EXPECT_EQ(e.reason, IneligibleReason::kTakenDown);
  EXPECT_EQ(e.performer_id, "p1");
  EXPECT_EQ(e.record_id, "td1");
  LikenessUse before = u;
  before.time -= 1;
  ExpectEligible(before, {{"p1", "c1", 1}});
  LikenessUse other_image = u;
  other_image.artwork_id = "a2";
  ExpectEligible(other_image, {{"p1", "c1", 1}});
  const int64_t restored = u.time + 20 * kDay;
  Add(Restoration{"td1", restored, "counter-notice upheld"});
  u.time = restored - 1;
  ExpectIneligible(u, IneligibleReason::kTakenDown, "p1");
  u.time = restored;
  ExpectEligible(u, {{"p1", "c1", 1}});
}

TEST_F(EligibilityTest, DeathBeforeTNeedsASurvivingOrRepresentativeConsent) {
  const int64_t death_day = (kT0 + 30 * kDay) / kDay;
  registry_.SetPerformer("p1", PerformerFacts{AdultBirthDate(), death_day, "Agent A"});
  LikenessUse u = Use();
  u.time = death_day * kDay - 1;  // alive until the death day begins
  ExpectEligible(u, {{"p1", "c1", 1}});
  u.time = death_day * kDay;
  ExpectIneligible(u, IneligibleReason::kDeceased, "p1");

  ConsentRecord wrong_agent = ValidConsent();
  wrong_agent.consent_id = "c-other-agent";
  wrong_agent.grantor = GrantorKind::kAuthorisedRepresentative;
  wrong_agent.grantor_name = "Agent B";
  Add(wrong_agent);
  ExpectIneligible(u, IneligibleReason::kDeceased, "p1");

  ConsentRecord by_agent = wrong_agent;
  by_agent.consent_id = "c-agent";
  by_agent.grantor_name = "Agent A";
  Add(by_agent);
  ExpectEligible(u, {{"p1", "c-agent", 1}});
}

TEST_F(EligibilityTest, DeathRemedySurvivesDeath) {
  registry_.SetPerformer("p2", PerformerFacts{AdultBirthDate(), (kT0 + kDay) / kDay, ""});
  ConsentRecord c = ValidConsent();
  c.consent_id = "c-p2";
  c.performer_id = "p2";
  Add(c);
  LikenessUse u = Use();
  u.depicted = {{"p2", true}};
  u.time = kT0 + 2 * kDay;
  ExpectIneligible(u, IneligibleReason::kDeceased, "p2");
  c.consent_id = "c-p2-estate";
  c.survives_death = true;
  Add(c);
  ExpectEligible(u, {{"p2", "c-p2-estate", 1}});
}

TEST_F(EligibilityTest, RepresentativeConsentNeedsAKnownRepresentative) {
  // p2 has no representative on file: no representative's consent qualifies.
  registry_.SetPerformer("p2", PerformerFacts{AdultBirthDate(), kT0 / kDay, ""});
  ConsentRecord c = ValidConsent();
  c.consent_id = "c-p2";
  c.performer_id = "p2";
  c.grantor = GrantorKind::kAuthorisedRepresentative;
  c.grantor_name = "Someone";
  Add(c);
  LikenessUse u = Use();
  u.depicted = {{"p2", true}};
  ExpectIneligible(u, IneligibleReason::kDeceased, "p2");
}

TEST_F(EligibilityTest, ReusedPhotographyNeedsTheTargetTitleNamed) {
  ConsentRecord any_title = ValidConsent();
  any_title.consent_id = "c-any";
  any_title.titles = {"*"};
  any_title.territories = {"FR"};
  Add(any_title);
  LikenessUse u = Use();
  u.territory = "FR";
  u.title_id = "t7";
  ExpectEligible(u, {{"p1", "c-any", 1}});  // t7's own photography: the wildcard covers it
  u.source_title_id = "t7";
  ExpectEligible(u, {{"p1", "c-any", 1}});
  u.source_title_id = "t1";  // t1's photography shown for t7
  ExpectIneligible(u, IneligibleReason::kTitleNotCovered, "p1");
  // A consent for the source title does not cover the target either.
  u.territory = "US";
  ExpectIneligible(u, IneligibleReason::kTitleNotCovered, "p1");
  ConsentRecord target = ValidConsent();
  target.consent_id = "c-t7";
  target.titles = {"t7"};
  Add(target);
  ExpectEligible(u, {{"p1", "c-t7", 1}});
}

TEST_F(EligibilityTest, NonRecognizablePerformersNeedNothing) {
  LikenessUse u = Use();
  u.depicted = {{"p1", true}, {"p3", false}, {"stranger", false}};
  ExpectEligible(u, {{"p1", "c1", 1}});
  u.depicted = {{"p3", false}};
  ExpectEligible(u, {});
  u.depicted.clear();  // the no-person title card
  ExpectEligible(u, {});
}

TEST_F(EligibilityTest, OnePerformerWithoutConsentMakesTheImageIneligible) {
  ConsentRecord c = ValidConsent();
  c.consent_id = "c-p2";
  c.performer_id = "p2";
  Add(c);
  LikenessUse u = Use();
  u.depicted = {{"p1", true}, {"p2", true}, {"p1", true}};
  ExpectEligible(u, {{"p1", "c1", 1}, {"p2", "c-p2", 1}});  // one consent per performer
  u.depicted = {{"p1", true}, {"p3", true}, {"p2", true}};
  ExpectIneligible(u, IneligibleReason::kNoConsent, "p3");
  u.depicted = {{"p1", true}, {"p4-unknown", true}};
  ExpectIneligible(u, IneligibleReason::kUnknownPerformer, "p4-unknown");
}

TEST_F(EligibilityTest, ReasonComesFromTheConsentThatCameFurthest) {
  ConsentRecord key_art = ValidConsent();
  key_art.consent_id = "c-key";
  key_art.uses = {"artwork.key_art"};
  Add(key_art);
  Add(Revocation{"c1", kT0, ""});
  Eligibility e = registry_.Check(Use());
  EXPECT_EQ(e.reason, IneligibleReason::kRevoked);  // c1 got past title, use, kind, territory, time
  EXPECT_EQ(e.record_id, "c1");
}

}  // namespace
}  // namespace marquee
