#include <gtest/gtest.h>

#include <string>

#include "consent_test_util.h"
#include "marquee/consent/consent_record.h"
#include "marquee/consent/eligibility.h"

namespace marquee {
namespace {

using test::AdultBirthDate;
using test::kDay;
using test::kT0;
using test::ValidConsent;

// The field a refusal names; "" (and a test failure) when it was accepted.
std::string RefusedField(const ConsentRecord& c, int64_t birth_date = AdultBirthDate(), IngestRules rules = {}) {
  Status s = ValidateConsent(c, birth_date, rules);
  EXPECT_FALSE(s.ok()) << "accepted";
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  return s.field();
}

// Born so that the 18th birthday is 2026-03-10: a minor for all of 2024-2025.
int64_t MinorBirthDate() { return DaysFromCivil(2008, 3, 10); }
int64_t MinorEighteenth() { return DaysFromCivil(2026, 3, 10) * kDay; }

ConsentRecord MinorConsent() {
  ConsentRecord c = ValidConsent();
  c.grantor = GrantorKind::kCourtApprovedGuardian;
  c.grantor_name = "Los Angeles Superior Court, case 24-1234";
  return c;
}

TEST(ConsentIngestTest, AcceptsAValidAdultConsent) {
  EXPECT_TRUE(ValidateConsent(ValidConsent(), AdultBirthDate(), {}).ok());
}

TEST(ConsentIngestTest, ReplicaWithoutTitlesIsRefused) {
  ConsentRecord c = ValidConsent();
  c.replica_kinds = {ReplicaKind::kEmploymentBasedDigitalReplica};
  c.titles.clear();
  EXPECT_EQ(RefusedField(c), "titles");
}

TEST(ConsentIngestTest, ReplicaWithWildcardTitleIsRefused) {
  ConsentRecord c = ValidConsent();
  c.replica_kinds = {ReplicaKind::kNone, ReplicaKind::kMaterialAlteration};
  c.titles = {"*"};
  EXPECT_EQ(RefusedField(c), "titles");
  // The same wildcard for photographs only is accepted, and "*" must stand alone.
  c.replica_kinds = {ReplicaKind::kNone, ReplicaKind::kCustomaryAlteration};
  EXPECT_TRUE(ValidateConsent(c, AdultBirthDate(), {}).ok());
  c.titles = {"*", "t2"};
  EXPECT_EQ(RefusedField(c), "titles");
  c.titles = {"t1", ""};
  EXPECT_EQ(RefusedField(c), "titles[1]");
}

TEST(ConsentIngestTest, MinorWithoutCourtApprovedGuardianIsRefused) {
  for (GrantorKind g : {GrantorKind::kSelf, GrantorKind::kAuthorisedRepresentative, GrantorKind::kUnion}) {
    ConsentRecord c = MinorConsent();
    c.grantor = g;
    EXPECT_EQ(RefusedField(c, MinorBirthDate()), "grantor") << GrantorKindName(g);
  }
  EXPECT_TRUE(ValidateConsent(MinorConsent(), MinorBirthDate(), {}).ok());
}

TEST(ConsentIngestTest, MinorConsentPastEighteenthBirthdayIsRefused) {
  ConsentRecord c = MinorConsent();
  c.valid_until = MinorEighteenth();  // ends exactly at the birthday: accepted
  EXPECT_TRUE(ValidateConsent(c, MinorBirthDate(), {}).ok());
  c.valid_until = MinorEighteenth() + 1;
  EXPECT_EQ(RefusedField(c, MinorBirthDate()), "valid_until");
  // Starting on the 18th birthday is an adult's consent.
  c = ValidConsent();
  c.valid_from = MinorEighteenth();
  c.valid_until = c.valid_from + 400 * kDay;
  EXPECT_TRUE(ValidateConsent(c, MinorBirthDate(), {}).ok());
  c.valid_from -= 1;
  EXPECT_EQ(RefusedField(c, MinorBirthDate()), "grantor");
}

TEST(ConsentIngestTest, LeapDayBirthdaysAndAnniversaries) {
  // Born 29 Feb 2008: 18 on 1 March 2026 (the later date: a minor longer).
  EXPECT_EQ(BirthdayStart(DaysFromCivil(2008, 2, 29), 18), DaysFromCivil(2026, 3, 1) * kDay);
  EXPECT_EQ(BirthdayStart(DaysFromCivil(2008, 2, 29), 20), DaysFromCivil(2028, 2, 29) * kDay);
  // A limit from 29 Feb ends on 28 Feb (the earlier date: limits never stretch).
  const int64_t leap = DaysFromCivil(2024, 2, 29) * kDay + 3600;
  EXPECT_EQ(AddCalendarYears(leap, 10), DaysFromCivil(2034, 2, 28) * kDay + 3600);
  EXPECT_EQ(AddCalendarYears(kT0, 10), DaysFromCivil(2034, 1, 1) * kDay);
  EXPECT_EQ(AddCalendarYears(-1, 1), DaysFromCivil(1970, 12, 31) * kDay + kDay - 1);
}

TEST(ConsentIngestTest, AdultConsentLongerThanTheLimitIsRefused) {
  ConsentRecord c = ValidConsent();
  c.valid_until = DaysFromCivil(2034, 1, 1) * kDay;  // exactly ten years
  EXPECT_TRUE(ValidateConsent(c, AdultBirthDate(), {}).ok());
  c.valid_until += 1;
  EXPECT_EQ(RefusedField(c), "valid_until");
  IngestRules strict;
  strict.max_adult_years = 2;
  c.valid_until = DaysFromCivil(2026, 1, 1) * kDay + 1;
  EXPECT_EQ(RefusedField(c, AdultBirthDate(), strict), "valid_until");
}

TEST(ConsentIngestTest, MinorConsentLongerThanTheLimitIsRefused) {
  // A 10-year-old: five years fit before 18, six do not fit the minors' limit.
  const int64_t birth = DaysFromCivil(2014, 1, 1);
  ConsentRecord c = MinorConsent();
  c.valid_until = DaysFromCivil(2029, 1, 1) * kDay;
  EXPECT_TRUE(ValidateConsent(c, birth, {}).ok());
  c.valid_until += 1;
  EXPECT_EQ(RefusedField(c, birth), "valid_until");
}

TEST(ConsentIngestTest, EmptyDescriptionIsRefused) {
  ConsentRecord c = ValidConsent();
  c.intended_use_description = "";
  EXPECT_EQ(RefusedField(c), "intended_use_description");
  c.intended_use_description = "   \n";
  EXPECT_EQ(RefusedField(c), "intended_use_description");
}

TEST(ConsentIngestTest, GenericDescriptionIsRefused) {
  ConsentRecord c = ValidConsent();
  c.intended_use_description = "Key art.";  // fewer than min_description_words
  EXPECT_EQ(RefusedField(c), "intended_use_description");
  for (const char* boilerplate :
       {"Any and all uses of the performer's likeness in all media now known or hereafter devised",
        "Stills of the performer for artwork, in perpetuity, throughout the universe",
        "Digital replica of the performer for ANY PURPOSE the studio chooses"}) {
    c.intended_use_description = boilerplate;
    Status s = ValidateConsent(c, AdultBirthDate(), {});
    EXPECT_EQ(s.field(), "intended_use_description") << boilerplate;
    EXPECT_NE(s.message().find("too generic"), std::string::npos) << s.message();
  }
  // A phrase counts only as whole words: "variously" is not "various".
  c.intended_use_description = "Stills variously cropped for the personalized artwork rows of season one";
  EXPECT_TRUE(ValidateConsent(c, AdultBirthDate(), {}).ok());
}

TEST(ConsentIngestTest, UnknownVocabularyAndTerritoryFormatAreRefused) {
  ConsentRecord c = ValidConsent();
  c.uses = {"artwork.personalized", "artwork.anything"};
  EXPECT_EQ(RefusedField(c), "uses[1]");
  c.uses.clear();
  EXPECT_EQ(RefusedField(c), "uses");
  c = ValidConsent();
  c.replica_kinds.clear();
  EXPECT_EQ(RefusedField(c), "replica_kinds");
  for (const char* bad : {"us", "USA", "U1", ""}) {
    c = ValidConsent();
    c.territories = {"GB", bad};
    EXPECT_EQ(RefusedField(c), "territories[1]") << bad;
  }
  c.territories = {"*", "US"};
  EXPECT_EQ(RefusedField(c), "territories");
  c.territories.clear();
  EXPECT_EQ(RefusedField(c), "territories");
  c.territories = {"*"};
  EXPECT_TRUE(ValidateConsent(c, AdultBirthDate(), {}).ok());
}

TEST(ConsentIngestTest, ValidUntilNotAfterValidFromIsRefused) {
  ConsentRecord c = ValidConsent();
  c.valid_until = c.valid_from;
  EXPECT_EQ(RefusedField(c), "valid_until");
  c.valid_until = c.valid_from - 1;
  EXPECT_EQ(RefusedField(c), "valid_until");
}

TEST(ConsentIngestTest, MissingIdentityFieldsAreRefused) {
  ConsentRecord c = ValidConsent();
  c.consent_id = "";
  EXPECT_EQ(RefusedField(c), "consent_id");
  c = ValidConsent();
  c.performer_id = "";
  EXPECT_EQ(RefusedField(c), "performer_id");
  c = ValidConsent();
  c.version = 0;
  EXPECT_EQ(RefusedField(c), "version");
  c = ValidConsent();
  c.agreement = "";
  EXPECT_EQ(RefusedField(c), "agreement");
  c = ValidConsent();
  c.grantor = GrantorKind::kUnion;
  EXPECT_EQ(RefusedField(c), "grantor_name");
  c = ValidConsent();
  c.separately_signed = true;
  EXPECT_EQ(RefusedField(c), "evidence_hash");
  c.evidence_hash = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  EXPECT_TRUE(ValidateConsent(c, AdultBirthDate(), {}).ok());
  c.compensation.rate_per_1000_qualifying_micros = -1;
  EXPECT_EQ(RefusedField(c), "compensation.rate_per_1000_qualifying_micros");
}

TEST(ConsentIngestTest, TakedownNeedsPerformerMaterialAndContact) {
  Takedown t{"td1", "p1", "a1", "counsel@example.org", kT0, std::nullopt};
  Result<Takedown> stored = IngestTakedown(t, {});
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->restore_not_before, kT0 + 14 * kDay);
  for (auto [member, field] : {std::pair{&Takedown::performer_id, "performer_id"},
                               std::pair{&Takedown::material, "material"}, std::pair{&Takedown::contact, "contact"},
                               std::pair{&Takedown::takedown_id, "takedown_id"}}) {
    Takedown bad = t;
    bad.*member = "";
    Result<Takedown> r = IngestTakedown(bad, {});
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.status().field(), field);
  }
  Takedown early = t;
  early.restore_not_before = kT0 + 14 * kDay - 1;
  EXPECT_EQ(IngestTakedown(early, {}).status().field(), "restore_not_before");
  early.restore_not_before = kT0 + 30 * kDay;  // later than the minimum: kept
  EXPECT_EQ(IngestTakedown(early, {})->restore_not_before, kT0 + 30 * kDay);
}

TEST(ConsentRegistryTest, RefusalsWhenRecordsDoNotFitTheRegistry) {
  ConsentRegistry registry({{"p1", PerformerFacts{AdultBirthDate(), std::nullopt, ""}}});
  ConsentRecord c = ValidConsent();
  c.performer_id = "p9";
  Status unknown = registry.AddConsent(c);
  EXPECT_EQ(unknown.code(), Status::Code::kNotFound);
  EXPECT_EQ(unknown.field(), "performer_id");
  ASSERT_TRUE(registry.AddConsent(ValidConsent()).ok());
  EXPECT_EQ(registry.AddConsent(ValidConsent()).field(), "version");  // same (id, version) again
  c = ValidConsent();
  c.version = 2;
  c.performer_id = "p1";
  ASSERT_TRUE(registry.AddConsent(c).ok());
  c.version = 3;
  c.performer_id = "p2";
  registry.SetPerformer("p2", PerformerFacts{AdultBirthDate(), std::nullopt, ""});
  EXPECT_EQ(registry.AddConsent(c).field(), "performer_id");  // a version for someone else
  EXPECT_EQ(registry.AddRevocation({"nope", kT0, ""}).field(), "consent_id");
  EXPECT_EQ(registry.AddTakedown({"td1", "p9", "a1", "x@example.org", kT0, std::nullopt}).field(), "performer_id");
  ASSERT_TRUE(registry.AddTakedown({"td1", "p1", "a1", "x@example.org", kT0, std::nullopt}).ok());
  EXPECT_EQ(registry.AddTakedown({"td1", "p1", "a2", "x@example.org", kT0, std::nullopt}).field(), "takedown_id");
  EXPECT_EQ(registry.AddRestoration({"td1", kT0 + 14 * kDay - 1, ""}).field(), "restored_at");
  EXPECT_EQ(registry.AddRestoration({"td9", kT0 + 20 * kDay, ""}).field(), "takedown_id");
  ASSERT_TRUE(registry.AddRestoration({"td1", kT0 + 14 * kDay, ""}).ok());
  EXPECT_EQ(registry.AddRestoration({"td1", kT0 + 15 * kDay, ""}).field(), "takedown_id");  // restored already
  EXPECT_EQ(registry.consents().size(), 2u);
  EXPECT_EQ(registry.takedowns().size(), 1u);
}

}  // namespace
}  // namespace marquee
