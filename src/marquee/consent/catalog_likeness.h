// The gate's view of a catalog: what consent/eligibility.h needs to know
// about performers and about one showing of one artwork variant, copied out
// of the catalog (data/catalog.h), so the rule itself stays free of dense
// indices and catalog layout.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "marquee/consent/eligibility.h"
#include "marquee/data/dataset.h"

namespace marquee {

// PerformerFacts of every catalog performer whose birth date is known, by
// external id. A performer without one (a dataset written before the
// catalog held dates) is left out on purpose: the gate then finds no facts
// and refuses every image that shows them recognizably (kUnknownPerformer),
// because whether they are a minor cannot be told. Civil days stay days.
std::unordered_map<std::string, PerformerFacts> PerformerFactsOf(const Catalog& catalog);

// The LikenessUse of showing variant `variant` of title `title` (dense
// indices of `dataset`; both must exist) for `use` in `territory` at `time`
// (unix seconds): the artwork and title ids, the title whose photography it
// came from (empty when its own), its replica kind, and every depicted
// performer by external id with whether they are recognizable.
LikenessUse LikenessUseOf(const Dataset& dataset, uint32_t title, uint32_t variant, std::string_view use,
                          std::string_view territory, int64_t time);

}  // namespace marquee
