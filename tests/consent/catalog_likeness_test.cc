// The glue from a catalog to the gate: facts and likeness uses copied out
// field by field, then judged by the real rule end to end.
#include "marquee/consent/catalog_likeness.h"

#include <gtest/gtest.h>

#include "consent_test_util.h"

namespace marquee {
namespace {

using test::AdultBirthDate;
using test::kT0;
using test::ValidConsent;

// Titles t1 and t2; performers p1 (living, with an agent), p2 (died),
// p3 (no birth date: a dataset from before dates were kept).
// t1's variants: a1 shows p1 recognizably and p2 in the background; a2 is
// made from t2's photography and shows p1; a3 is a material alteration of p1.
Dataset MakeDataset() {
  Dataset d;
  d.titles.GetOrAdd("t1");
  d.titles.GetOrAdd("t2");
  d.catalog.Resize(2);
  Performer p1{.id = "p1", .name = "One", .birth_date = static_cast<int32_t>(AdultBirthDate()),
               .representative = "Agent A"};
  Performer p2{.id = "p2", .name = "Two", .birth_date = static_cast<int32_t>(AdultBirthDate()),
               .death_date = static_cast<int32_t>(AdultBirthDate() + 15000)};
  Performer p3{.id = "p3", .name = "Three"};
  const uint32_t i1 = d.catalog.AddPerformer(p1), i2 = d.catalog.AddPerformer(p2);
  d.catalog.AddPerformer(p3);
  Artwork a1{.id = "a1"};
  a1.depicted = {{i1, true, CastRole::kLead}, {i2, false, CastRole::kBackground}};
  a1.replica_kind = ReplicaKind::kCustomaryAlteration;
  Artwork a2{.id = "a2"};
  a2.depicted = {{i1, true, CastRole::kLead}};
  a2.source_title = 1;  // t2's photography
  Artwork a3{.id = "a3"};
  a3.depicted = {{i1, true, CastRole::kLead}};
  a3.replica_kind = ReplicaKind::kMaterialAlteration;
  d.catalog.titles()[0].artwork = {a1, a2, a3};
  return d;
}

TEST(CatalogLikenessTest, PerformerFactsCopyDatesAndRepresentativeAndLeaveOutUnknownAges) {
  const Dataset d = MakeDataset();
  const auto facts = PerformerFactsOf(d.catalog);
  ASSERT_EQ(facts.size(), 2u);  // p3 has no birth date
  EXPECT_EQ(facts.at("p1").birth_date, AdultBirthDate());
  EXPECT_FALSE(facts.at("p1").death_date.has_value());
  EXPECT_EQ(facts.at("p1").representative, "Agent A");
  EXPECT_EQ(facts.at("p2").death_date, AdultBirthDate() + 15000);
  EXPECT_EQ(facts.count("p3"), 0u);
}

TEST(CatalogLikenessTest, LikenessUseNamesIdsSourceTitleAndDepictedPeople) {
  const Dataset d = MakeDataset();
  const LikenessUse a1 = LikenessUseOf(d, 0, 0, "artwork.personalized", "US", kT0 + 5);
  EXPECT_EQ(a1.artwork_id, "a1");
  EXPECT_EQ(a1.title_id, "t1");
  EXPECT_EQ(a1.source_title_id, "");  // its own photography
  EXPECT_EQ(a1.use, "artwork.personalized");
  EXPECT_EQ(a1.territory, "US");
  EXPECT_EQ(a1.time, kT0 + 5);
  EXPECT_EQ(a1.replica_kind, ReplicaKind::kCustomaryAlteration);
  ASSERT_EQ(a1.depicted.size(), 2u);
  EXPECT_EQ(a1.depicted[0].performer_id, "p1");
  EXPECT_TRUE(a1.depicted[0].recognizable);
  EXPECT_EQ(a1.depicted[1].performer_id, "p2");
  EXPECT_FALSE(a1.depicted[1].recognizable);
  EXPECT_EQ(LikenessUseOf(d, 0, 1, "artwork.personalized", "US", kT0).source_title_id, "t2");
}

// p1's consent names t1, with customary retouching: a1 is eligible (p2 is
// background and needs nothing), and so is a2, made from t2's photography,
// because the consent names the title it is shown for; a3 is a material
// alteration, which the consent does not allow. A consent for every title
// ("*") covers only a title's own photography: a2 then is not covered.
TEST(CatalogLikenessTest, TheRuleJudgesCatalogVariantsEndToEnd) {
  const Dataset d = MakeDataset();
  const int64_t t = kT0 + 10;
  auto check = [&](const ConsentRegistry& registry, uint32_t variant, const char* territory = "US") {
    return registry.Check(LikenessUseOf(d, 0, variant, "artwork.personalized", territory, t));
  };
  ConsentRegistry named(PerformerFactsOf(d.catalog));
  ASSERT_TRUE(named.Add(ValidConsent()).ok());
  const Eligibility a1 = check(named, 0);
  EXPECT_TRUE(a1.eligible) << IneligibleReasonName(a1.reason);
  ASSERT_EQ(a1.relied_on.size(), 1u);
  EXPECT_EQ(a1.relied_on[0].consent_id, "c1");
  EXPECT_TRUE(check(named, 1).eligible);
  const Eligibility a3 = check(named, 2);
  EXPECT_FALSE(a3.eligible);
  EXPECT_EQ(a3.reason, IneligibleReason::kReplicaKindNotCovered);
  EXPECT_FALSE(check(named, 0, "FR").eligible);  // outside its territories

  ConsentRegistry every_title(PerformerFactsOf(d.catalog));
  ConsentRecord wildcard = ValidConsent();
  wildcard.titles = {"*"};
  ASSERT_TRUE(every_title.Add(wildcard).ok());
  EXPECT_TRUE(check(every_title, 0).eligible);
  const Eligibility reused = check(every_title, 1);
  EXPECT_FALSE(reused.eligible);
  EXPECT_EQ(reused.reason, IneligibleReason::kTitleNotCovered);
}

}  // namespace
}  // namespace marquee
