// The binary dataset file (conventionally *.mqd): a SectionFile with magic
// "MQDATA", holding the id maps, the CSR arrays and the catalog. Version 2
// adds the FACT section (performer facts, runtimes, release dates, episodes,
// credits, artwork provenance); version 1 files still load, with those facts
// unknown and every artwork variant quarantined. A version 1 reader refuses
// version 2 files rather than serve artwork it cannot see is quarantined.
// The TAGS section (titles' tags) is written only when a title has tags and
// is optional: a reader without it loads the file with no tags. Written
// atomically; loading maps the file, verifies every checksum, then copies the
// arrays out in one pass each.
#pragma once

#include <string>

#include "marquee/data/dataset.h"
#include "marquee/util/status.h"

namespace marquee {

inline constexpr uint32_t kDatasetFormatVersion = 2;

Status SaveDataset(const Dataset& dataset, const std::string& path);
Result<Dataset> LoadDataset(const std::string& path);

}  // namespace marquee
