#include "marquee/util/sha256.h"

#include <cstdlib>

#include <openssl/evp.h>

namespace marquee {

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // EVP_Digest fails only when the library cannot allocate a context; a
  // hash chain cannot continue without a digest, so that is fatal rather
  // than a Status every caller would have to thread through.
  // Fetched once: EVP_sha256() makes every EVP_Digest look the algorithm up
  // again under a global lock (OpenSSL 3), which showed on the serving path.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (kSha256 == nullptr ||
      EVP_Digest(bytes.data(), bytes.size(), digest, &size, kSha256, nullptr) != 1 || size != 32) {
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * size, '0');
  for (unsigned int i = 0; i < size; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace marquee
