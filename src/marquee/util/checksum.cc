#include "marquee/util/checksum.h"

#include <zlib.h>

#include <cstring>

namespace marquee {

uint32_t Crc32(std::string_view bytes, uint32_t crc) {
  // zlib treats a null buffer as "give me the initial value"; an empty range
  // must leave the running CRC unchanged instead.
  if (bytes.empty()) return crc;
  return static_cast<uint32_t>(
      crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

namespace {
inline uint64_t Mix(uint64_t x) {
  // The finalizer of SplitMix64: full avalanche in three multiplies/shifts.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}
}  // namespace

uint64_t Hash64(std::string_view bytes, uint64_t seed) {
  uint64_t h = seed ^ (bytes.size() * 0x9e3779b97f4a7c15ULL);
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = Mix(h ^ w) + 0x9e3779b97f4a7c15ULL;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  return Mix(h ^ tail ^ (static_cast<uint64_t>(n) << 56));
}

}  // namespace marquee
