#include "marquee/data/honest_artwork.h"

#include <algorithm>

namespace marquee {
namespace {

bool IsCreditedLead(const Title& title, uint32_t performer) {
  return std::any_of(title.credits.begin(), title.credits.end(), [&](const Credit& c) {
    return c.performer == performer && c.role == CastRole::kLead;
  });
}

bool HasCreditedLead(const Title& title) {
  return std::any_of(title.credits.begin(), title.credits.end(),
                     [](const Credit& c) { return c.role == CastRole::kLead; });
}

// The recognizable performers of a variant: its depicted list where the
// catalog has one, otherwise the older `performers` list.
std::vector<uint32_t> RecognizablePerformers(const Artwork& art) {
  if (art.depicted.empty()) return art.performers;
  std::vector<uint32_t> out;
  for (const DepictedPerformer& d : art.depicted) {
    if (d.recognizable) out.push_back(d.performer);
  }
  return out;
}

}  // namespace

bool MisrepresentsCast(const Catalog& catalog, uint32_t title, uint32_t variant) {
  const Title& t = catalog.titles()[title];
  const std::vector<uint32_t> shown = RecognizablePerformers(t.artwork[variant]);
  if (shown.empty() || !HasCreditedLead(t)) return false;
  return std::none_of(shown.begin(), shown.end(), [&](uint32_t p) { return IsCreditedLead(t, p); });
}

std::vector<uint8_t> HonestArtworkMask(const Catalog& catalog) {
  std::vector<uint8_t> mask;
  mask.reserve(catalog.ArtworkCount());
  for (uint32_t t = 0; t < catalog.size(); ++t) {
    const uint32_t variants = static_cast<uint32_t>(catalog.titles()[t].artwork.size());
    for (uint32_t v = 0; v < variants; ++v) mask.push_back(MisrepresentsCast(catalog, t, v) ? 0 : 1);
  }
  return mask;
}

}  // namespace marquee
