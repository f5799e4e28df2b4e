// A blocking client for the API of a running `backflow serve`, for the CLI
// commands that must go through the service when it holds the state
// (docs/api.md). Not thread-safe.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "destinations/http_client.h"

namespace backflow::cli {

// The service answered with an error, or could not be reached.
class ServiceError : public std::runtime_error {
 public:
  ServiceError(const std::string& message, int http_status) : std::runtime_error(message), http_status_(http_status) {}
  int http_status() const { return http_status_; }  // 0: no answer

 private:
  int http_status_;
};

class ServiceClient {
 public:
  // `base_url` like "http://127.0.0.1:8080"; `token` empty when auth is off.
  ServiceClient(std::string base_url, std::string token);

  // Sends `method` to base_url + `path` and returns the JSON body of a 2xx
  // answer. Throws ServiceError with the service's error message otherwise.
  nlohmann::json call(const std::string& method, const std::string& path, const std::string& body = "");

  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_, token_;
  destinations::HttpClient http_;
};

}  // namespace backflow::cli
