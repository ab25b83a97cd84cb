// Honest artwork (issue 11 §4): an image must not promise a film its cast
// does not deliver. A variant whose only recognizable faces are supporting or
// background performers, on a title whose credited leads it leaves out, sells
// the title on someone who is barely in it; such variants are excluded from
// personalization by default (a policy switch in the commands that use this).
//
// THE RULE. MisrepresentsCast(catalog, title, variant) is true if and only if
// all three hold:
//   1. the variant shows at least one recognizable performer: an entry of
//      Artwork::depicted with recognizable == true, or, for a variant whose
//      `depicted` is empty (files written before provenance), an entry of
//      Artwork::performers (which lists the recognizable ones);
//   2. none of those recognizable performers is credited with
//      CastRole::kLead in the title's credits (Title::credits). A performer
//      the title does not credit at all (a face from another title's
//      photography) counts as not a lead; how the image frames a performer
//      (DepictedPerformer::prominence) does not matter, only the billing;
//   3. the title credits at least one lead. A title without credited leads
//      (credits unknown, a documentary without billing) has no cast to
//      misrepresent, so nothing of it is excluded.
// Variants that show nobody recognizable (typography, scenery, an extra's
// back) never misrepresent the cast.
#pragma once

#include <cstdint>
#include <vector>

#include "marquee/data/catalog.h"

namespace marquee {

// The rule at the top of this file. REQUIRES: title < catalog.size() and
// variant < catalog.titles()[title].artwork.size().
bool MisrepresentsCast(const Catalog& catalog, uint32_t title, uint32_t variant);

// One entry per artwork variant of the catalog, flattened over (title,
// variant) in catalog order: the entry of variant v of title t is at
// (sum of artwork.size() of titles 0..t-1) + v -- the same global artwork
// index as GroundTruth::ArtworkIndex(t, v) on a synthetic service.
// 1 = honest (may be shown), 0 = MisrepresentsCast. Size Catalog::ArtworkCount().
std::vector<uint8_t> HonestArtworkMask(const Catalog& catalog);

}  // namespace marquee
