#include "marquee/consent/catalog_likeness.h"

namespace marquee {

std::unordered_map<std::string, PerformerFacts> PerformerFactsOf(const Catalog& catalog) {
  std::unordered_map<std::string, PerformerFacts> facts;
  for (const Performer& p : catalog.performers()) {
    if (!p.birth_date) continue;  // unknown age: fail closed (see the header)
    PerformerFacts f;
    f.birth_date = *p.birth_date;
    if (p.death_date) f.death_date = *p.death_date;
    f.representative = p.representative;
    facts.emplace(p.id, std::move(f));
  }
  return facts;
}

LikenessUse LikenessUseOf(const Dataset& dataset, uint32_t title, uint32_t variant, std::string_view use,
                          std::string_view territory, int64_t time) {
  const Artwork& art = dataset.catalog.titles()[title].artwork[variant];
  LikenessUse u;
  u.artwork_id = art.id;
  u.title_id = std::string(dataset.titles.ExternalId(title));
  if (art.source_title != kOwnTitle && art.source_title != title) {
    u.source_title_id = std::string(dataset.titles.ExternalId(art.source_title));
  }
  u.use = std::string(use);
  u.replica_kind = art.replica_kind;
  u.territory = std::string(territory);
  u.time = time;
  u.depicted.reserve(art.depicted.size());
  for (const DepictedPerformer& d : art.depicted) {
    u.depicted.push_back({dataset.catalog.performers()[d.performer].id, d.recognizable});
  }
  return u;
}

}  // namespace marquee
