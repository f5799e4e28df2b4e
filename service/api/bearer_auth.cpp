#include "service/api/bearer_auth.h"

#include <openssl/crypto.h>

#include "common/text.h"

namespace backflow::api {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::read: return "read";
    case Role::operate: return "operate";
    case Role::admin: return "admin";
  }
  return "read";
}

std::optional<Role> role_from_string(std::string_view text) {
  if (text == "read") return Role::read;
  if (text == "operate") return Role::operate;
  if (text == "admin") return Role::admin;
  return std::nullopt;
}

BearerAuth::BearerAuth(std::vector<ApiToken> tokens) {
  for (auto& token : tokens) {
    if (!token.token.empty()) tokens_.push_back(std::move(token));
  }
}

std::optional<Caller> BearerAuth::authenticate(std::string_view authorization_header) const {
  if (!enabled()) return Caller{};
  constexpr std::string_view kScheme = "bearer ";
  if (authorization_header.size() < kScheme.size()) return std::nullopt;
  if (!text::iequals(authorization_header.substr(0, kScheme.size()), kScheme)) return std::nullopt;
  std::string_view presented = authorization_header.substr(kScheme.size());
  while (!presented.empty() && presented.front() == ' ') presented.remove_prefix(1);
  while (!presented.empty() && presented.back() == ' ') presented.remove_suffix(1);
  std::optional<Caller> found;
  for (const ApiToken& token : tokens_) {
    // The length of a token is not secret enough to hide behind a padded
    // comparison; its content is, hence CRYPTO_memcmp for equal lengths.
    const bool same = presented.size() == token.token.size() &&
                      CRYPTO_memcmp(presented.data(), token.token.data(), token.token.size()) == 0;
    if (same && !found) found = Caller{token.name, token.role};
  }
  return found;
}

}  // namespace backflow::api
