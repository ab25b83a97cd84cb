#include "marquee/serve/candidate_cache.h"

#include <algorithm>
#include <cctype>

namespace marquee::serve {

namespace {
// A key equal for filters that select the same titles: genres are matched
// case-insensitively and in any order.
std::string FilterKey(const TitleFilter& filter) {
  std::vector<std::string> genres = filter.genres;
  for (std::string& g : genres) {
    std::transform(g.begin(), g.end(), g.begin(), [](unsigned char c) { return std::tolower(c); });
  }
  std::sort(genres.begin(), genres.end());
  std::string key;
  for (const std::string& g : genres) key.append(g).push_back('\x1f');
  key.push_back('\x1e');
  key.append(filter.region).push_back('\x1e');
  key.append(filter.max_maturity);
  return key;
}
}  // namespace

Result<std::shared_ptr<const std::vector<uint8_t>>> CandidateCache::Get(const TitleFilter& filter) {
  if (filter.empty()) return std::shared_ptr<const std::vector<uint8_t>>();
  const std::string key = FilterKey(filter);
  {
    MutexLock lock(&mutex_);
    auto it = masks_.find(key);
    if (it != masks_.end()) return it->second;
  }
  MARQUEE_ASSIGN_OR_RETURN(std::vector<uint8_t> mask, CandidateMask(catalog_, filter));
  auto shared = std::make_shared<const std::vector<uint8_t>>(std::move(mask));
  MutexLock lock(&mutex_);
  if (masks_.size() < capacity_) masks_.emplace(key, shared);
  return shared;
}

}  // namespace marquee::serve
