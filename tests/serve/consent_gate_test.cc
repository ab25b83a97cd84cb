// The serving gate against the rule checked directly: every verdict the
// precomputed tables give equals ConsentRegistry::Check on the variant's
// LikenessUse (plus quarantine), at times inside and across segment bounds.
#include "marquee/serve/consent_gate.h"

#include <gtest/gtest.h>

#include <set>
#include <variant>

#include "marquee/consent/catalog_likeness.h"
#include "marquee/consent/consent_log.h"
#include "marquee/consent/synthetic_consents.h"
#include "marquee/data/honest_artwork.h"
#include "serve_test_fixture.h"
#include "../test_util.h"

namespace marquee {
namespace {

constexpr int64_t kNow = 1767225600;  // 2026-01-01, the synthetic consents' reference time
constexpr int64_t kDay = 86400;

// The synthetic consents for `dataset` at kNow, written to a consent log.
std::string WriteConsentLog(const Dataset& dataset, const std::string& path) {
  ConsentRegistry registry(PerformerFactsOf(dataset.catalog));
  Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(path, registry);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  for (const ConsentEntry& entry : SyntheticConsents(dataset, {.now = kNow})) {
    Status s = (*log)->Append(entry);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return path;
}

// The verdict by an independent route: the rule itself, plus quarantine.
Eligibility Direct(const ConsentRegistry& registry, const Dataset& dataset, uint32_t title, uint32_t variant,
                   const std::string& territory, int64_t t) {
  if (dataset.catalog.titles()[title].artwork[variant].quarantined()) return {};
  return registry.Check(LikenessUseOf(dataset, title, variant, "artwork.personalized", territory, t));
}

class ConsentGateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dataset_ = new std::shared_ptr<const Dataset>(test::SmallService()); }
  static void TearDownTestSuite() { delete dataset_; }
  static const Dataset& dataset() { return **dataset_; }

  std::unique_ptr<serve::ConsentGate> OpenGate(serve::ConsentGateOptions options) {
    options.consent_log = WriteConsentLog(dataset(), dir_.File("consents.jsonl"));
    // Misrepresenting-cast exclusion is checked by its own test; here the rule alone.
    options.allow_misrepresenting_artwork = true;
    Result<std::unique_ptr<serve::ConsentGate>> gate = serve::ConsentGate::Open(dataset(), options);
    EXPECT_TRUE(gate.ok()) << gate.status().ToString();
    return gate.ok() ? std::move(*gate) : nullptr;
  }

  // Compares every variant's verdict at `t` in each territory with Direct.
  // Returns how many were eligible and how many not.
  std::pair<int, int> CompareAll(const serve::ConsentGate& gate, int64_t t,
                                 const std::vector<std::string>& territories) {
    const std::shared_ptr<const serve::ConsentGate::Snapshot> snapshot = gate.Current();
    int eligible = 0, ineligible = 0;
    const auto& titles = dataset().catalog.titles();
    for (const std::string& territory : territories) {
      for (uint32_t title = 0; title < titles.size(); ++title) {
        for (uint32_t v = 0; v < titles[title].artwork.size(); ++v) {
          serve::VariantVerdict scratch;
          const serve::VariantVerdict& got = snapshot->Verdict(title, v, territory, t, scratch);
          const Eligibility want = Direct(snapshot->registry(), dataset(), title, v, territory, t);
          EXPECT_EQ(got.eligible, want.eligible) << "title " << title << " variant " << v << " " << territory
                                                 << " t=" << t << " reason " << got.reason;
          if (want.eligible) {
            EXPECT_EQ(got.relied_on, want.relied_on);
          }
          (got.eligible ? eligible : ineligible)++;
        }
      }
    }
    return {eligible, ineligible};
  }

  static std::shared_ptr<const Dataset>* dataset_;
  test::TempDir dir_;
};
std::shared_ptr<const Dataset>* ConsentGateTest::dataset_ = nullptr;

TEST_F(ConsentGateTest, TableVerdictsEqualTheRuleCheckedDirectly) {
  std::unique_ptr<serve::ConsentGate> gate = OpenGate({.territories = {"US", "GB"}});
  ASSERT_NE(gate, nullptr);
  for (int64_t t : {kNow, kNow - 200 * kDay, kNow + 20 * kDay, kNow + 400 * kDay}) {
    gate->RefreshForTesting(t);
    const auto snapshot = gate->Current();
    EXPECT_LE(snapshot->segment_start(), t);
    EXPECT_GT(snapshot->segment_end(), t);
    // "FR" has no table: checked directly, the same answers.
    auto [eligible, ineligible] = CompareAll(*gate, t, {"US", "GB", "FR"});
    if (t == kNow) {
      // The synthetic consents leave a real mix (the test means something).
      EXPECT_GT(eligible, 100);
      EXPECT_GT(ineligible, 20);
    }
  }
  EXPECT_GT(gate->Stats().slow_checks, 0u);
}

TEST_F(ConsentGateTest, AnswersAreExactAcrossSegmentBounds) {
  std::unique_ptr<serve::ConsentGate> gate = OpenGate({.territories = {"US"}});
  ASSERT_NE(gate, nullptr);
  gate->RefreshForTesting(kNow);
  const auto snapshot = gate->Current();
  const int64_t end = snapshot->segment_end();
  ASSERT_LT(end, std::numeric_limits<int64_t>::max());
  // The last second of the segment comes from the table, the first second
  // after it is checked directly: both must equal the rule.
  CompareAll(*gate, end - 1, {"US"});
  CompareAll(*gate, end, {"US"});
}

TEST_F(ConsentGateTest, ARevocationIsInForceWhenAddReturns) {
  std::unique_ptr<serve::ConsentGate> gate = OpenGate({.territories = {"US"}});
  ASSERT_NE(gate, nullptr);
  const int64_t wall = static_cast<int64_t>(std::time(nullptr));
  // A variant eligible now, and the first consent it relies on.
  const auto before = gate->Current();
  const auto& titles = dataset().catalog.titles();
  std::optional<std::pair<uint32_t, uint32_t>> found;
  std::string consent_id;
  for (uint32_t t = 0; t < titles.size() && !found; ++t) {
    for (uint32_t v = 0; v < titles[t].artwork.size() && !found; ++v) {
      serve::VariantVerdict scratch;
      const serve::VariantVerdict& verdict = before->Verdict(t, v, "US", wall, scratch);
      if (verdict.eligible && !verdict.relied_on.empty()) {
        found = {t, v};
        consent_id = verdict.relied_on[0].consent_id;
      }
    }
  }
  if (!found) GTEST_SKIP() << "no consented variant at the wall clock's time";
  ASSERT_TRUE(gate->Add(Revocation{consent_id, wall, "test"}).ok());
  serve::VariantVerdict scratch;
  const serve::VariantVerdict& after = gate->Current()->Verdict(found->first, found->second, "US", wall, scratch);
  EXPECT_FALSE(after.eligible);
  EXPECT_EQ(after.reason, "revoked");
  // The entry is durable: a gate reopened from the log refuses it too.
  gate.reset();
  Result<std::unique_ptr<serve::ConsentGate>> reopened =
      serve::ConsentGate::Open(dataset(), {.consent_log = dir_.File("consents.jsonl"), .territories = {"US"},
                                           .allow_misrepresenting_artwork = true});
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_FALSE((*reopened)->Current()->Verdict(found->first, found->second, "US", wall, scratch).eligible);
}

TEST_F(ConsentGateTest, WithoutALogNoRecognizableLikenessIsShown) {
  Result<std::unique_ptr<serve::ConsentGate>> gate =
      serve::ConsentGate::Open(dataset(), {.allow_misrepresenting_artwork = true});
  ASSERT_TRUE(gate.ok()) << gate.status().ToString();
  const auto snapshot = (*gate)->Current();
  const auto& titles = dataset().catalog.titles();
  int shown = 0;
  for (uint32_t t = 0; t < titles.size(); ++t) {
    for (uint32_t v = 0; v < titles[t].artwork.size(); ++v) {
      serve::VariantVerdict scratch;
      const serve::VariantVerdict& verdict = snapshot->Verdict(t, v, "US", kNow, scratch);
      bool recognizable = false;
      for (const DepictedPerformer& d : titles[t].artwork[v].depicted) recognizable |= d.recognizable;
      if (recognizable) EXPECT_FALSE(verdict.eligible) << titles[t].artwork[v].id;
      shown += verdict.eligible;
    }
  }
  // Writes need a log.
  EXPECT_EQ((*gate)->Add(Revocation{"c1", kNow, ""}).code(), Status::Code::kUnsupported);
  (void)shown;
}

TEST_F(ConsentGateTest, TurnedOffEveryDeclaredVariantIsEligible) {
  Result<std::unique_ptr<serve::ConsentGate>> gate =
      serve::ConsentGate::Open(dataset(), {.enabled = false, .allow_misrepresenting_artwork = true});
  ASSERT_TRUE(gate.ok());
  const auto snapshot = (*gate)->Current();
  const auto& titles = dataset().catalog.titles();
  for (uint32_t t = 0; t < titles.size(); ++t) {
    for (uint32_t v = 0; v < titles[t].artwork.size(); ++v) {
      serve::VariantVerdict scratch;
      EXPECT_EQ(snapshot->Verdict(t, v, "US", kNow, scratch).eligible, !titles[t].artwork[v].quarantined());
    }
  }
}

TEST_F(ConsentGateTest, VariantsMisrepresentingTheCastAreExcludedByDefault) {
  serve::ConsentGateOptions options{.enabled = false};
  Result<std::unique_ptr<serve::ConsentGate>> strict = serve::ConsentGate::Open(dataset(), options);
  options.allow_misrepresenting_artwork = true;
  Result<std::unique_ptr<serve::ConsentGate>> lenient = serve::ConsentGate::Open(dataset(), options);
  ASSERT_TRUE(strict.ok() && lenient.ok());
  const auto& titles = dataset().catalog.titles();
  int excluded = 0;
  for (uint32_t t = 0; t < titles.size(); ++t) {
    for (uint32_t v = 0; v < titles[t].artwork.size(); ++v) {
      serve::VariantVerdict a, b;
      const bool misrepresents = MisrepresentsCast(dataset().catalog, t, v);
      // Off, the gate checks no consent but still the cast rule.
      const bool quarantined = titles[t].artwork[v].quarantined();
      const auto strict_now = (*strict)->Current();
      const serve::VariantVerdict& got = strict_now->Verdict(t, v, "US", kNow, a);
      EXPECT_EQ(got.eligible, !misrepresents && !quarantined) << titles[t].artwork[v].id;
      EXPECT_EQ((*lenient)->Current()->Verdict(t, v, "US", kNow, b).eligible, !quarantined);
      if (misrepresents) {
        EXPECT_EQ(got.reason, "misrepresents_cast");
        ++excluded;
      }
    }
  }
  EXPECT_GT(excluded, 0);
}

TEST(VerdictBoundaries, EveryTimeARecordNames) {
  std::unordered_map<std::string, PerformerFacts> performers = {
      {"p1", {.birth_date = 0, .death_date = 20000}}, {"p2", {.birth_date = 0}}};
  ConsentRegistry registry(performers);
  ConsentRecord c;
  c.consent_id = "c1";
  c.performer_id = "p2";
  c.agreement = "none";
  c.titles = {"t1"};
  c.uses = {"artwork.personalized"};
  c.replica_kinds = {ReplicaKind::kNone};
  c.territories = {"US"};
  c.valid_from = 1'700'000'000;
  c.valid_until = 1'800'000'000;
  c.intended_use_description = "personalized artwork of the series t1 on the streaming homepage";
  ASSERT_TRUE(registry.AddConsent(c).ok());
  ASSERT_TRUE(registry.AddRevocation({"c1", 1'750'000'000, ""}).ok());
  DisclosureRule rule;
  rule.effective_from = 1'785'628'800;
  const std::vector<int64_t> bounds = serve::VerdictBoundaries(registry, {rule}, registry.performers());
  EXPECT_EQ(bounds, (std::vector<int64_t>{1'700'000'000, 20000 * kDay, 1'750'000'000, 1'785'628'800,
                                          1'800'000'000}));
}

}  // namespace
}  // namespace marquee
