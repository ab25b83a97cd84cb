// Synthetic consents for the synthetic service: every record is accepted by
// the registry, the same seed gives the same records, the shares land where
// the options put them, and the gate sees a realistic mix of eligible and
// ineligible variants, for every reason the shares are meant to produce.
#include "marquee/consent/synthetic_consents.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

#include "marquee/consent/catalog_likeness.h"
#include "marquee/consent/eligibility.h"
#include "marquee/synthetic/synthetic.h"

namespace marquee {
namespace {

constexpr int64_t kDay = 86400;

// The demo-size service: what `marquee generate --members 2000 --titles 300
// --plays 40000` writes (default seed).
const Dataset& DemoDataset() {
  static const Dataset* dataset = [] {
    SyntheticConfig c;
    c.members = 2000;
    c.titles = 300;
    c.plays = 40000;
    Result<SyntheticService> s = GenerateService(c);
    if (!s.ok()) std::abort();
    return new Dataset(std::move(s->dataset));
  }();
  return *dataset;
}

SyntheticConsentOptions DemoOptions() {
  SyntheticConsentOptions o;
  o.seed = SyntheticConfig{}.seed;
  return o;
}

ConsentRegistry RegistryOf(const Dataset& d, const std::vector<ConsentEntry>& entries) {
  ConsentRegistry registry(PerformerFactsOf(d.catalog));
  for (size_t i = 0; i < entries.size(); ++i) {
    const Status added = registry.Add(entries[i]);
    EXPECT_TRUE(added.ok()) << "entry " << i << ": " << added.ToString();
  }
  return registry;
}

TEST(SyntheticConsentsTest, EveryRecordIsAcceptedByARegistryBuiltFromTheCatalog) {
  const Dataset& d = DemoDataset();
  // At the default reference time, and at others (minors come of age, the
  // dead have been dead longer, consents signed before the catalog's "today").
  for (int64_t shift : {int64_t{0}, 3 * 365 * kDay, -2 * 365 * kDay, 9 * 365 * kDay}) {
    SyntheticConsentOptions o = DemoOptions();
    o.now += shift;
    const std::vector<ConsentEntry> entries = SyntheticConsents(d, o);
    ASSERT_GT(entries.size(), 100u);
    const ConsentRegistry registry = RegistryOf(d, entries);
    EXPECT_EQ(registry.consents().size() + registry.revocations().size() + registry.takedowns().size() +
                  registry.restorations().size(),
              entries.size())
        << "shift " << shift;
  }
}

TEST(SyntheticConsentsTest, DeterministicForASeed) {
  const Dataset& d = DemoDataset();
  SyntheticConsentOptions o = DemoOptions();
  EXPECT_EQ(SyntheticConsents(d, o), SyntheticConsents(d, o));
  SyntheticConsentOptions other = o;
  other.seed += 1;
  EXPECT_NE(SyntheticConsents(d, o), SyntheticConsents(d, other));
}

TEST(SyntheticConsentsTest, SharesLandWithinTolerance) {
  const Dataset& d = DemoDataset();
  const SyntheticConsentOptions o = DemoOptions();
  const std::vector<ConsentEntry> entries = SyntheticConsents(d, o);

  // Recognizable (performer, title) pairs, and performers.
  std::set<std::pair<std::string, std::string>> pairs;
  std::set<std::string> performers;
  size_t variants_with_people = 0;
  for (uint32_t t = 0; t < d.catalog.size(); ++t) {
    for (const Artwork& art : d.catalog.titles()[t].artwork) {
      bool any = false;
      for (const DepictedPerformer& dp : art.depicted) {
        if (!dp.recognizable) continue;
        any = true;
        const std::string& id = d.catalog.performers()[dp.performer].id;
        pairs.emplace(id, std::string(d.titles.ExternalId(t)));
        performers.insert(id);
      }
      variants_with_people += any;
    }
  }
  std::set<std::pair<std::string, std::string>> consented;
  std::set<std::string> with_consent;
  size_t consents = 0, soon = 0, expired = 0, revocations = 0, takedowns = 0;
  for (const ConsentEntry& e : entries) {
    if (const auto* c = std::get_if<ConsentRecord>(&e)) {
      ++consents;
      ASSERT_EQ(c->titles.size(), 1u);
      consented.emplace(c->performer_id, c->titles[0]);
      with_consent.insert(c->performer_id);
      soon += c->valid_until > o.now && c->valid_until <= o.now + o.expiring_window_days * kDay;
      expired += c->valid_until <= o.now;
    } else if (std::holds_alternative<Revocation>(e)) {
      ++revocations;
    } else if (std::holds_alternative<Takedown>(e)) {
      ++takedowns;
    }
  }
  ASSERT_GT(performers.size(), 200u);
  const double missing_performers = 1.0 - static_cast<double>(with_consent.size()) / performers.size();
  const double missing_pairs = 1.0 - static_cast<double>(consented.size()) / pairs.size();
  EXPECT_NEAR(missing_performers, o.missing_share, 0.03);
  EXPECT_NEAR(missing_pairs, o.missing_share, 0.05);
  // Minors' consents may also end at an 18th birthday inside the window.
  EXPECT_NEAR(static_cast<double>(soon + expired) / consents, o.expiring_share, 0.025);
  EXPECT_GT(soon, 0u);
  EXPECT_GT(expired, 0u);
  EXPECT_NEAR(static_cast<double>(revocations) / consents, o.revoked_share, 0.015);
  EXPECT_GT(takedowns, 0u);
  EXPECT_LT(static_cast<double>(takedowns) / variants_with_people, 4 * o.takedown_share);
}

TEST(SyntheticConsentsTest, TheGateSeesEligibleAndIneligibleVariantsForEveryReason) {
  const Dataset& d = DemoDataset();
  const SyntheticConsentOptions o = DemoOptions();
  const ConsentRegistry registry = RegistryOf(d, SyntheticConsents(d, o));
  std::map<IneligibleReason, size_t> reasons;
  size_t variants = 0, eligible = 0, with_people = 0, with_people_eligible = 0;
  for (uint32_t t = 0; t < d.catalog.size(); ++t) {
    const auto& artwork = d.catalog.titles()[t].artwork;
    for (uint32_t v = 0; v < artwork.size(); ++v) {
      const LikenessUse use = LikenessUseOf(d, t, v, "artwork.personalized", "US", o.now);
      const Eligibility e = registry.Check(use);
      ++variants;
      eligible += e.eligible;
      ++reasons[e.reason];
      bool people = false;
      for (const DepictedPerson& p : use.depicted) people = people || p.recognizable;
      with_people += people;
      with_people_eligible += people && e.eligible;
    }
  }
  const double share = static_cast<double>(eligible) / variants;
  std::printf(
      "demo service at %lld: %zu of %zu variants eligible (%.1f%%); with a recognizable performer "
      "%zu of %zu (%.1f%%)\n",
      static_cast<long long>(o.now), eligible, variants, 100.0 * share, with_people_eligible, with_people,
      100.0 * with_people_eligible / with_people);
  for (const auto& [reason, n] : reasons)
    std::printf("  %-26s %zu\n", IneligibleReasonName(reason).data(), n);
  EXPECT_GT(share, 0.5);
  EXPECT_LT(share, 0.95);
  for (IneligibleReason r :
       {IneligibleReason::kNoConsent, IneligibleReason::kExpired, IneligibleReason::kRevoked,
        IneligibleReason::kTakenDown, IneligibleReason::kReplicaKindNotCovered}) {
    EXPECT_GT(reasons[r], 0u) << IneligibleReasonName(r);
  }
  // The dead are covered by consents that survive death or by their estate.
  EXPECT_EQ(reasons[IneligibleReason::kDeceased], 0u);
}

TEST(SyntheticConsentsTest, MinorsConsentThroughAGuardianUntilTheirEighteenthBirthday) {
  const Dataset& d = DemoDataset();
  const SyntheticConsentOptions o = DemoOptions();
  size_t minors = 0, dead = 0;
  for (const ConsentEntry& e : SyntheticConsents(d, o)) {
    const auto* c = std::get_if<ConsentRecord>(&e);
    if (c == nullptr) continue;
    const Performer& p = d.catalog.performers()[d.catalog.FindPerformer(c->performer_id)];
    const int64_t adult_from = BirthdayStart(*p.birth_date, 18);
    if (c->valid_from < adult_from) {
      ++minors;
      EXPECT_EQ(c->grantor, GrantorKind::kCourtApprovedGuardian) << c->consent_id;
      EXPECT_FALSE(c->grantor_name.empty()) << c->consent_id;
      EXPECT_LE(c->valid_until, adult_from) << c->consent_id;
      EXPECT_LE(c->valid_until, AddCalendarYears(c->valid_from, 5)) << c->consent_id;
    } else {
      EXPECT_LE(c->valid_until, AddCalendarYears(c->valid_from, 10)) << c->consent_id;
    }
    if (p.death_date && *p.death_date * kDay <= o.now) {
      ++dead;
      EXPECT_TRUE(c->survives_death || (c->grantor == GrantorKind::kAuthorisedRepresentative &&
                                        c->grantor_name == p.representative))
          << c->consent_id;
    }
    EXPECT_EQ(c->agreement == "SAG-AFTRA TV/Theatrical 2023",
              std::find(p.unions.begin(), p.unions.end(), "SAG-AFTRA") != p.unions.end());
  }
  EXPECT_GT(minors, 0u);
  EXPECT_GT(dead, 0u);
}

}  // namespace
}  // namespace marquee
