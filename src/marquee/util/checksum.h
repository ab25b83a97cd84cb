// CRC-32 (zlib's polynomial) over byte ranges; incremental so that a file's
// checksum can be computed over several buffers without copying them together.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace marquee {

uint32_t Crc32(std::string_view bytes, uint32_t crc = 0);

// A 64-bit hash for strings (id maps, fingerprints). Not cryptographic.
uint64_t Hash64(std::string_view bytes, uint64_t seed = 0);

}  // namespace marquee
