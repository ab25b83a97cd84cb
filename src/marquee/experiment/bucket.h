// Buckets: the deterministic, stateless hash every allocation is made of.
//
//   bucket(id, salt) = XXH64(salt + "/" + id, seed 0) mod kBuckets
//
// XXH64 is xxHash's 64-bit hash (Y. Collet, https://xxhash.com; Debian
// libxxhash), chosen because its output passes SMHasher's distribution and
// avalanche tests, so that ids differing in one character land in unrelated
// buckets, and because it is fixed by its specification: the same id and
// salt give the same bucket on every machine and in every version. The salt
// names what is being allocated (a layer, an experiment): different salts
// give independent buckets for the same id. The "/" keeps ("ab", "c") and
// ("a", "bc") apart when salts never contain "/" (ExperimentSpec enforces it).
// kBuckets = 10,000 allocates in steps of 0.01%; the modulo's bias is below
// 10^4 / 2^64, nothing.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace marquee::experiment {

inline constexpr uint32_t kBuckets = 10000;

// XXH64 of salt + "/" + id, seed 0.
uint64_t SaltedHash(std::string_view id, std::string_view salt);
// SaltedHash(id, salt) % kBuckets, in [0, kBuckets).
uint32_t Bucket(std::string_view id, std::string_view salt);

}  // namespace marquee::experiment
