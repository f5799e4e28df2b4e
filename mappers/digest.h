// Hashes and encodings from OpenSSL: sha256 for ad-audience matching,
// HMAC-SHA256 for signing webhook bodies, base64 for binary values.
#pragma once

#include <string>
#include <string_view>

namespace backflow::mappers {

// Lowercase hex of SHA-256(data).
std::string sha256_hex(std::string_view data);

// Lowercase hex of HMAC-SHA256 keyed with `key` over `data`.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Standard base64 (RFC 4648 §4) with padding.
std::string base64_encode(std::string_view data);

}  // namespace backflow::mappers
