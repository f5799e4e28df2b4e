// A destination account's settings as the delivery engine consumes them. The
// config loader fills these from `destinations:`; every field has a default
// so a test can set only what it exercises.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "destinations/http_message.h"

namespace backflow::destinations {

// `rate_limit: { requests: 100, per: 10s }`. requests == 0 means unlimited.
struct RateLimit {
  std::uint32_t requests = 0;
  std::chrono::milliseconds per{1000};

  bool unlimited() const { return requests == 0 || per.count() <= 0; }
};

// Retries of 429, 5xx, 408, timeouts and connection resets within one run.
// A batch is tried at most max_attempts times (the first try included); the
// wait before retry n is uniform in [0, min(max_delay, base_delay * 2^(n-1))]
// ("full jitter"), but never shorter than the server's Retry-After. A
// Retry-After longer than max_server_wait (a daily quota, say) ends the
// batch's retries in this run instead of stalling it.
struct RetryPolicySettings {
  int max_attempts = 6;
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{30000};
  std::chrono::milliseconds max_server_wait{15 * 60 * 1000};
};

struct DestinationSettings {
  std::string name;    // the account's name in the config: keys the shared rate limiter and request log
  std::string type;    // "webhook", "hubspot", ...
  std::string url;     // base URL (or the webhook's URL); tests point it at a local server
  HttpHeaders headers; // extra headers sent with every request
  std::string secret;  // signing secret or API token, redacted in logs
  std::size_t batch_size = 0;  // records per request; 0 = the module's default
  std::size_t max_bytes = 0;   // request body budget; 0 = the module's default
  std::optional<RateLimit> rate_limit;  // unset = the module's documented default
  std::size_t max_concurrency = 4;      // requests in flight per engine
  RetryPolicySettings retry;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds total_timeout{60000};
  std::size_t request_log_size = 50;    // exchanges kept per destination
};

}  // namespace backflow::destinations
