// Bearer-token authentication of API requests. The token is compared in
// constant time so that response timing reveals nothing about it; it is
// never logged or returned.
#pragma once

#include <string>
#include <string_view>

namespace backflow::api {

class BearerAuth {
 public:
  // An empty `token` disables authentication: every request is allowed.
  explicit BearerAuth(std::string token) : token_(std::move(token)) {}

  bool enabled() const { return !token_.empty(); }

  // True when authentication is off, or `authorization_header` is
  // "Bearer <token>" (scheme case-insensitive) with the configured token.
  bool allows(std::string_view authorization_header) const;

 private:
  std::string token_;
};

}  // namespace backflow::api
