// AI disclosure rules: each condition of each default rule failing alone,
// the boundaries (the EU date, subdivisions), and rules as data.
#include "marquee/consent/ai_disclosure.h"

#include <gtest/gtest.h>

namespace marquee {
namespace {

constexpr int64_t kEuFrom = 1785628800;  // 2026-08-02T00:00:00Z

DisclosureQuery AiPortraitInFrance() {
  DisclosureQuery q;
  q.source = DigitalSourceType::kTrainedAlgorithmicMedia;
  q.replica_kind = ReplicaKind::kEmploymentBasedDigitalReplica;
  q.depicts_recognizable_person = true;
  q.territory = "FR";
  q.use = "artwork.personalized";
  q.time = kEuFrom;
  return q;
}

TEST(AiDisclosureTest, AiMadeMeansAnAiSourceTypeOrMoreThanCustomaryAlteration) {
  EXPECT_FALSE(IsAiMade(DigitalSourceType::kDigitalCapture, ReplicaKind::kNone));
  EXPECT_FALSE(IsAiMade(DigitalSourceType::kHumanEdits, ReplicaKind::kCustomaryAlteration));
  EXPECT_TRUE(IsAiMade(DigitalSourceType::kTrainedAlgorithmicMedia, ReplicaKind::kNone));
  EXPECT_TRUE(IsAiMade(DigitalSourceType::kCompositeWithTrainedAlgorithmicMedia, ReplicaKind::kNone));
  EXPECT_TRUE(IsAiMade(DigitalSourceType::kCompositeSynthetic, ReplicaKind::kNone));
  EXPECT_TRUE(IsAiMade(DigitalSourceType::kDigitalCapture, ReplicaKind::kMaterialAlteration));
  EXPECT_TRUE(IsAiMade(DigitalSourceType::kUnset, ReplicaKind::kSyntheticPerformer));
}

TEST(AiDisclosureTest, EuRuleNeedsAiARecognizablePersonAMemberStateAndTheDate) {
  const std::vector<DisclosureRule> rules = DefaultDisclosureRules();
  const AiDisclosure yes = DisclosureFor(AiPortraitInFrance(), rules);
  EXPECT_TRUE(yes.required);
  EXPECT_EQ(yes.basis, "EU AI Act Art. 50(4)");
  EXPECT_FALSE(yes.text.empty());

  DisclosureQuery q = AiPortraitInFrance();
  q.time = kEuFrom - 1;  // the day before Art. 50 applies
  EXPECT_FALSE(DisclosureFor(q, rules).required);
  q = AiPortraitInFrance();
  q.territory = "US";
  EXPECT_FALSE(DisclosureFor(q, rules).required);
  q = AiPortraitInFrance();
  q.depicts_recognizable_person = false;
  EXPECT_FALSE(DisclosureFor(q, rules).required);
  q = AiPortraitInFrance();
  q.source = DigitalSourceType::kDigitalCapture;
  q.replica_kind = ReplicaKind::kCustomaryAlteration;
  EXPECT_FALSE(DisclosureFor(q, rules).required);
  const AiDisclosure none = DisclosureFor(q, rules);
  EXPECT_TRUE(none.text.empty());
  EXPECT_TRUE(none.basis.empty());
}

TEST(AiDisclosureTest, NewYorkRuleCoversSyntheticPerformersInAdsInNewYorkOnly) {
  const std::vector<DisclosureRule> rules = DefaultDisclosureRules();
  DisclosureQuery q;
  q.source = DigitalSourceType::kTrainedAlgorithmicMedia;
  q.replica_kind = ReplicaKind::kSyntheticPerformer;
  q.depicts_recognizable_person = false;  // no one real
  q.territory = "US-NY";
  q.use = "artwork.promotional";
  q.time = 0;
  const AiDisclosure ad = DisclosureFor(q, rules);
  EXPECT_TRUE(ad.required);
  EXPECT_EQ(ad.basis, "New York GBL \u00a7396-b");
  q.use = "artwork.personalized";  // not an ad
  EXPECT_FALSE(DisclosureFor(q, rules).required);
  q.use = "artwork.promotional";
  q.territory = "US";  // region unknown: a state rule does not reach it
  EXPECT_FALSE(DisclosureFor(q, rules).required);
  q.territory = "US-CA";
  EXPECT_FALSE(DisclosureFor(q, rules).required);
}

TEST(AiDisclosureTest, RulesAreDataCountriesCoverTheirRegionsAndBasesAccumulate) {
  DisclosureRule a{.basis = "A", .text = "first", .trigger = DisclosureTrigger::kAiDepictingRealPerson,
                   .territories = {"US"}};
  DisclosureRule b{.basis = "B", .text = "second", .trigger = DisclosureTrigger::kSyntheticPerformer,
                   .territories = {"*"}, .uses = {"artwork.key_art"}, .effective_from = 100};
  DisclosureQuery q;
  q.source = DigitalSourceType::kTrainedAlgorithmicMedia;
  q.replica_kind = ReplicaKind::kSyntheticPerformer;
  q.depicts_recognizable_person = true;
  q.territory = "US-TX";  // inside "US"
  q.use = "artwork.key_art";
  q.time = 100;
  const AiDisclosure both = DisclosureFor(q, {a, b});
  EXPECT_TRUE(both.required);
  EXPECT_EQ(both.text, "first");
  EXPECT_EQ(both.basis, "A; B");
  q.time = 99;
  EXPECT_EQ(DisclosureFor(q, {a, b}).basis, "A");
  q.territory = "USA";  // not "US" nor a region of it
  EXPECT_FALSE(DisclosureFor(q, {a}).required);
  EXPECT_FALSE(DisclosureFor(q, {}).required);
}

}  // namespace
}  // namespace marquee
