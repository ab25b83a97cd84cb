#include "marquee/data/honest_artwork.h"

#include <gtest/gtest.h>

namespace marquee {
namespace {

// Performers: lead L, supporting S, background B, and X whom title 0 does not
// credit. Title 0 credits L (lead), S (supporting), B (background); title 1
// credits nobody as lead.
struct HonestCatalog {
  Catalog catalog;
  uint32_t lead, supporting, background, stranger;

  HonestCatalog() {
    lead = catalog.AddPerformer({"pL", "Lead"});
    supporting = catalog.AddPerformer({"pS", "Supporting"});
    background = catalog.AddPerformer({"pB", "Background"});
    stranger = catalog.AddPerformer({"pX", "Stranger"});
    catalog.Resize(2);
    Title& t0 = catalog.titles()[0];
    t0.credits = {{lead, CastRole::kLead}, {supporting, CastRole::kSupporting},
                  {background, CastRole::kBackground}};
    Title& t1 = catalog.titles()[1];
    t1.credits = {{supporting, CastRole::kSupporting}};
  }

  // Adds a variant to `title` showing `depicted`; returns its index.
  uint32_t Add(uint32_t title, std::vector<DepictedPerformer> depicted) {
    Artwork art;
    art.id = "t" + std::to_string(title) + "-a" + std::to_string(catalog.titles()[title].artwork.size());
    for (const DepictedPerformer& d : depicted) {
      if (d.recognizable) art.performers.push_back(d.performer);
    }
    art.depicted = std::move(depicted);
    catalog.titles()[title].artwork.push_back(std::move(art));
    return static_cast<uint32_t>(catalog.titles()[title].artwork.size() - 1);
  }
};

DepictedPerformer Shown(uint32_t p, bool recognizable = true, CastRole prominence = CastRole::kLead) {
  return DepictedPerformer{p, recognizable, prominence};
}

TEST(HonestArtwork, ALeadShownIsHonest) {
  HonestCatalog c;
  const uint32_t alone = c.Add(0, {Shown(c.lead)});
  const uint32_t with_supporting = c.Add(0, {Shown(c.supporting), Shown(c.lead, true, CastRole::kSupporting)});
  EXPECT_FALSE(MisrepresentsCast(c.catalog, 0, alone));
  EXPECT_FALSE(MisrepresentsCast(c.catalog, 0, with_supporting));
}

TEST(HonestArtwork, OnlySupportingOrBackgroundWhileLeadsAbsentMisrepresents) {
  HonestCatalog c;
  const uint32_t supporting = c.Add(0, {Shown(c.supporting)});
  const uint32_t background = c.Add(0, {Shown(c.background)});
  const uint32_t both = c.Add(0, {Shown(c.supporting), Shown(c.background)});
  // The image framing a supporting player as its star changes nothing: billing decides.
  const uint32_t framed_as_lead = c.Add(0, {Shown(c.supporting, true, CastRole::kLead)});
  EXPECT_TRUE(MisrepresentsCast(c.catalog, 0, supporting));
  EXPECT_TRUE(MisrepresentsCast(c.catalog, 0, background));
  EXPECT_TRUE(MisrepresentsCast(c.catalog, 0, both));
  EXPECT_TRUE(MisrepresentsCast(c.catalog, 0, framed_as_lead));
}

TEST(HonestArtwork, AnUncreditedFaceIsNotALead) {
  HonestCatalog c;
  const uint32_t v = c.Add(0, {Shown(c.stranger)});
  EXPECT_TRUE(MisrepresentsCast(c.catalog, 0, v));
}

TEST(HonestArtwork, NobodyRecognizableNeverMisrepresents) {
  HonestCatalog c;
  const uint32_t text = c.Add(0, {});
  const uint32_t extra_from_behind = c.Add(0, {Shown(c.background, false, CastRole::kBackground)});
  // A lead shown unrecognizably does not make a supporting face honest.
  const uint32_t hidden_lead = c.Add(0, {Shown(c.lead, false), Shown(c.supporting)});
  EXPECT_FALSE(MisrepresentsCast(c.catalog, 0, text));
  EXPECT_FALSE(MisrepresentsCast(c.catalog, 0, extra_from_behind));
  EXPECT_TRUE(MisrepresentsCast(c.catalog, 0, hidden_lead));
}

TEST(HonestArtwork, ATitleWithoutCreditedLeadsHasNothingToMisrepresent) {
  HonestCatalog c;
  const uint32_t v = c.Add(1, {Shown(c.supporting)});
  EXPECT_FALSE(MisrepresentsCast(c.catalog, 1, v));
}

TEST(HonestArtwork, OlderFilesUseThePerformersList) {
  HonestCatalog c;
  Artwork old;
  old.id = "t0-old";
  old.performers = {c.supporting};  // no depicted list: written before provenance
  c.catalog.titles()[0].artwork.push_back(old);
  old.id = "t0-old-lead";
  old.performers = {c.lead};
  c.catalog.titles()[0].artwork.push_back(old);
  EXPECT_TRUE(MisrepresentsCast(c.catalog, 0, 0));
  EXPECT_FALSE(MisrepresentsCast(c.catalog, 0, 1));
}

TEST(HonestArtwork, TheMaskIsFlattenedInCatalogOrder) {
  HonestCatalog c;
  c.Add(0, {Shown(c.lead)});        // 0: honest
  c.Add(0, {Shown(c.supporting)});  // 1: misrepresents
  c.Add(0, {});                     // 2: honest
  c.Add(1, {Shown(c.supporting)});  // 3: honest (no leads)
  const std::vector<uint8_t> mask = HonestArtworkMask(c.catalog);
  EXPECT_EQ(mask, (std::vector<uint8_t>{1, 0, 1, 1}));
  EXPECT_EQ(mask.size(), c.catalog.ArtworkCount());
  EXPECT_TRUE(HonestArtworkMask(Catalog{}).empty());
}

}  // namespace
}  // namespace marquee
