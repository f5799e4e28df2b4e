// Bearer-token authentication of API requests, with a role per token. Tokens
// are compared in constant time so that response timing reveals nothing
// about them; they are never logged or returned.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/api/caller.h"

namespace backflow::api {

struct ApiToken {
  std::string name;   // shown in the audit log and the service log
  std::string token;  // secret
  Role role = Role::read;
};

class BearerAuth {
 public:
  // No tokens disables authentication: every request is an anonymous admin.
  explicit BearerAuth(std::vector<ApiToken> tokens);

  bool enabled() const { return !tokens_.empty(); }

  // The caller `authorization_header` ("Bearer <token>", scheme
  // case-insensitive) names; nullopt when it names no configured token.
  // Every token is compared, whichever matches, so the time taken does not
  // tell which (or whether one) did.
  std::optional<Caller> authenticate(std::string_view authorization_header) const;

 private:
  std::vector<ApiToken> tokens_;
};

}  // namespace backflow::api
