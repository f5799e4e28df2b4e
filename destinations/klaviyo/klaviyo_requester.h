// One Klaviyo request at a time, to completion: waits for the endpoint's rate
// limiter (the caller names it: Klaviyo counts limits per endpoint), retries
// 429 (honouring Retry-After), 408, 5xx and dropped connections with the
// configured backoff, and logs every exchange (redacted) in the account's
// request log. The Klaviyo job delivery's transport.
// Not thread-safe: one requester per delivering thread.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "destinations/destination_settings.h"
#include "destinations/http_client.h"
#include "destinations/rate_limiter.h"
#include "destinations/redaction.h"
#include "destinations/request_log.h"
#include "destinations/retry_policy.h"

namespace backflow::destinations {

struct RequesterCounters {
  std::uint64_t requests = 0;
  std::uint64_t retried = 0;
  std::uint64_t throttled = 0;
};

// What became of a request: the final response (any status the caller must
// read: 2xx, or a 4xx other than 401/403/408/429), or why there is none.
struct RequestResult {
  std::optional<HttpResponse> response;  // unset: retries exhausted or stopped
  std::string failure;                   // when unset: the last problem, redacted
  bool stopped = false;
};

class KlaviyoRequester {
 public:
  // `settings` must outlive the requester.
  KlaviyoRequester(const DestinationSettings& settings, std::shared_ptr<RequestLog> log, std::string sync,
                   std::stop_token stop);

  // Sends `request` until it gets a final answer, every attempt paced by
  // `limiter` (its endpoint's) and a 429 reported to it. `token_taken`: the
  // caller already holds the first attempt's token (try_acquire() returned
  // zero). Throws DestinationAuthError on 401/403 and DestinationError on a
  // fatal transport error (bad URL, TLS).
  RequestResult send(const HttpRequest& request, const std::string& label, RateLimiter& limiter,
                     bool token_taken = false);

  // Sleeps `duration` unless stop is requested first; false when stopped.
  bool sleep(std::chrono::milliseconds duration) const;

  const RequesterCounters& counters() const { return counters_; }

 private:
  std::optional<HttpResponse> exchange(const HttpRequest& request, const std::string& label, int attempt,
                                       RateLimiter& limiter, bool token_taken);

  const DestinationSettings& settings_;
  std::shared_ptr<RequestLog> log_;
  std::string sync_;
  std::stop_token stop_;
  Redactor redactor_;
  RetryPolicy retry_policy_;
  HttpClient client_;
  RequesterCounters counters_;
};

}  // namespace backflow::destinations
