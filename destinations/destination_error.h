// Errors that stop a delivery. Per-record problems are outcomes, not errors.
#pragma once

#include <stdexcept>
#include <string>

namespace backflow::destinations {

// The destination cannot be used at all in this run: a TLS verification
// failure, a malformed URL, an unsupported protocol.
class DestinationError : public std::runtime_error {
 public:
  explicit DestinationError(const std::string& message) : std::runtime_error(message) {}
};

// The destination refused our credentials (401/403). Stops delivery at once:
// every further request would fail the same way.
class DestinationAuthError : public DestinationError {
 public:
  DestinationAuthError(const std::string& message, long http_status)
      : DestinationError(message), http_status_(http_status) {}
  long http_status() const { return http_status_; }

 private:
  long http_status_;
};

}  // namespace backflow::destinations
