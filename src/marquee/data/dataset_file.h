// The binary dataset file (conventionally *.mqd): a SectionFile with magic
// "MQDATA", holding the id maps, the CSR arrays and the catalog. Written
// atomically; loading maps the file, verifies every checksum, then copies the
// arrays out in one pass each.
#pragma once

#include <string>

#include "marquee/data/dataset.h"
#include "marquee/util/status.h"

namespace marquee {

inline constexpr uint32_t kDatasetFormatVersion = 1;

Status SaveDataset(const Dataset& dataset, const std::string& path);
Result<Dataset> LoadDataset(const std::string& path);

}  // namespace marquee
