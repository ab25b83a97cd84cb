#include "marquee/experiment/bucket.h"

#include <xxhash.h>

#include <string>

namespace marquee::experiment {

uint64_t SaltedHash(std::string_view id, std::string_view salt) {
  // Ids and salts are short: one small concatenation and xxHash's one-shot
  // function (its streaming state is opaque in the shared library's API).
  std::string joined;
  joined.reserve(salt.size() + 1 + id.size());
  joined.append(salt).append("/").append(id);
  return XXH64(joined.data(), joined.size(), 0);
}

uint32_t Bucket(std::string_view id, std::string_view salt) {
  return static_cast<uint32_t>(SaltedHash(id, salt) % kBuckets);
}

}  // namespace marquee::experiment
