#include "service/api/bearer_auth.h"
#include "common/text.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>

namespace backflow::api {

bool BearerAuth::allows(std::string_view authorization_header) const {
  if (!enabled()) return true;
  constexpr std::string_view kScheme = "bearer ";
  if (authorization_header.size() < kScheme.size()) return false;
  if (!text::iequals(authorization_header.substr(0, kScheme.size()), kScheme)) return false;
  std::string_view presented = authorization_header.substr(kScheme.size());
  while (!presented.empty() && presented.front() == ' ') presented.remove_prefix(1);
  while (!presented.empty() && presented.back() == ' ') presented.remove_suffix(1);
  // The length of the token is not secret enough to hide behind a padded
  // comparison; its content is, hence CRYPTO_memcmp for equal lengths.
  if (presented.size() != token_.size()) return false;
  return CRYPTO_memcmp(presented.data(), token_.data(), token_.size()) == 0;
}

}  // namespace backflow::api
