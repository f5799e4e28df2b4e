#include "mappers/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace backflow::mappers {

namespace {

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return to_hex(digest, sizeof digest);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest,
           &length) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
  }
  return to_hex(digest, length);
}

std::string base64_encode(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t at) { return static_cast<unsigned char>(data[at]); };
  for (; i + 2 < data.size(); i += 3) {
    unsigned triple = unsigned{byte(i)} << 16 | unsigned{byte(i + 1)} << 8 | byte(i + 2);
    out += kAlphabet[(triple >> 18) & 63];
    out += kAlphabet[(triple >> 12) & 63];
    out += kAlphabet[(triple >> 6) & 63];
    out += kAlphabet[triple & 63];
  }
  if (i + 1 == data.size()) {
    unsigned single = unsigned{byte(i)} << 16;
    out += kAlphabet[(single >> 18) & 63];
    out += kAlphabet[(single >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    unsigned pair = unsigned{byte(i)} << 16 | unsigned{byte(i + 1)} << 8;
    out += kAlphabet[(pair >> 18) & 63];
    out += kAlphabet[(pair >> 12) & 63];
    out += kAlphabet[(pair >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace backflow::mappers
