// SHA-256 (FIPS 180-4), computed by OpenSSL's libcrypto: the ledger's hash
// chain, hashed member ids and eligible-set hashes. Not for passwords.
#pragma once

#include <string>
#include <string_view>

namespace marquee {

// The digest of `bytes` as 64 lower-case hex characters.
// sha256("abc") = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".
std::string Sha256Hex(std::string_view bytes);

}  // namespace marquee
