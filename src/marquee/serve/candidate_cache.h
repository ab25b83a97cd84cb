// CandidateCache: title masks for the filters requests ask for, built once
// per distinct filter. A homepage asks for the same few genre rows and
// maturity limits over and over; building a mask is a pass over the catalog.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/data/title_filter.h"
#include "marquee/util/mutex.h"
#include "marquee/util/status.h"
#include "marquee/util/thread_annotations.h"

namespace marquee::serve {

class CandidateCache {
 public:
  // Caches at most `capacity` masks; beyond that, masks are built per request
  // (so a client sending endless distinct filters cannot grow memory).
  explicit CandidateCache(const Catalog& catalog, size_t capacity = 256)
      : catalog_(catalog), capacity_(capacity) {}

  // The mask for `filter` (nullptr for an empty filter: every title allowed).
  // Errors are CandidateMask's (an unknown genre or maturity).
  Result<std::shared_ptr<const std::vector<uint8_t>>> Get(const TitleFilter& filter);

 private:
  const Catalog& catalog_;
  const size_t capacity_;
  Mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const std::vector<uint8_t>>> masks_ GUARDED_BY(mutex_);
};

}  // namespace marquee::serve
