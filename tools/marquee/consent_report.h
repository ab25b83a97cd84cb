// The synthetic service's consents as the commands show them: written as a
// consent log (JSON lines, consent/consent_json.h) by `generate --consents`
// and `demo`, and the share of artwork the consent gate would let through.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "marquee/consent/synthetic_consents.h"
#include "marquee/data/dataset.h"
#include "marquee/util/status.h"

namespace marquee {

// Generates the synthetic consents of `dataset` and writes them to `path`
// (atomically), printing one line with the records by type.
Status WriteSyntheticConsents(const Dataset& dataset, const SyntheticConsentOptions& options,
                              const std::string& path, std::FILE* out);

// Reads the consents at `path` into a registry over the catalog's performers
// and prints how many artwork variants are eligible for personalized artwork
// in `territory` at `time`, and why the others are not.
Status PrintConsentGate(const Dataset& dataset, const std::string& path, const std::string& territory,
                        int64_t time, std::FILE* out);

}  // namespace marquee
