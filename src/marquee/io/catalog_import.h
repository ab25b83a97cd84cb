// The catalog a service brings: titles' facts and credits, performers, and
// artwork variants with their provenance, read from a JSON-lines file into a
// Dataset's catalog (`marquee catalog import`). The format, with every case
// it accepts and refuses: docs/entrances/catalog.md.
//
// One JSON object a line, with "type": "performer", "title" or "artwork".
// Records may come in any order: the file is read whole, then references
// (credits and depicted performers, artwork titles, source titles) are
// resolved against the dataset's catalog plus the file's own performers.
// A title must already be one of the dataset's title ids (titles carry the
// interactions; the importer adds none). A malformed record is
// "FILE:LINE: FIELD: expected ..., found ..."; without skip_invalid the first
// one is returned and the dataset is left unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/util/status.h"

namespace marquee {

struct CatalogImportOptions {
  // Skip malformed records (counted, the first few kept) instead of stopping.
  bool skip_invalid = false;
};

struct CatalogImportReport {
  uint64_t records = 0;           // non-blank lines read
  uint64_t performers = 0;        // performer records applied
  uint64_t performers_added = 0;  //   of which new to the catalog
  uint64_t titles = 0;            // title records applied
  uint64_t artwork = 0;           // artwork records applied
  uint64_t artwork_added = 0;     //   of which new variants
  uint64_t quarantined = 0;       // applied artwork without a digital_source_type
  uint64_t invalid = 0;           // records skipped under skip_invalid
  std::vector<std::string> invalid_examples;  // the first five skip messages
};

// Reads `path` and applies it to dataset.catalog. Performer records add or
// replace a performer; title records replace the facts they name and keep the
// rest; artwork records add a variant to their title, or replace the variant
// with the same id.
Result<CatalogImportReport> ImportCatalog(const std::string& path,
                                          const CatalogImportOptions& options, Dataset& dataset);

}  // namespace marquee
