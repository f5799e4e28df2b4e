// An API request that cannot be served, with the HTTP status, a stable
// machine-readable code and a message for a human. Thrown by the handlers
// and turned into `{"error": {"code": ..., "message": ...}}`.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace backflow::api {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

  // Headers the response must carry (Allow on 405, WWW-Authenticate on 401).
  ApiError&& with_header(std::string name, std::string value) && {
    headers_.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
  }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

 private:
  int status_;
  std::string code_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace backflow::api
