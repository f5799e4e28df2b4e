// The request budget of one destination account, shared by every sync of the
// process that uses the account (see RateLimiterRegistry).
//
// A token bucket paced at the configured rate over a window padded by 1% or
// 20 ms, whichever is more (the padding absorbs clock and network jitter so
// that a vendor counting over a sliding window never sees more than its
// limit), with a burst of one request, so requests are spread evenly instead
// of bunched at the start of each window. On 429 the rate is
// halved (multiplicative decrease, floor 1/64 of the limit) and the bucket
// emptied; each success adds back 1/20 of the configured rate (additive
// increase) up to the configured rate. pause_until() (Retry-After, a vendor's
// "remaining: 0") holds every request of the account until then.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "destinations/destination_settings.h"

namespace backflow::destinations {

// What a limiter has done since the process started, for /metrics.
struct RateLimiterStats {
  std::uint64_t waits = 0;      // times a request found no token and had to wait
  std::uint64_t throttled = 0;  // rate-limit answers reported by on_throttled()
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimit limit);

  // Takes one request's token and returns zero, or takes nothing and returns
  // how long to wait before one is available.
  Clock::duration try_acquire();

  void on_success();
  void on_throttled();                       // a 429
  void pause_until(Clock::time_point until); // no request before `until`

  // Changes the configured limit (a second sync configured it differently:
  // the lower one wins).
  void tighten_to(RateLimit limit);

  bool unlimited() const;
  double current_rate_per_second() const;
  RateLimiterStats stats() const;

 private:
  void refill(Clock::time_point now);

  mutable std::mutex mutex_;
  double configured_rate_;  // requests per second, 0 = unlimited
  double rate_;
  double tokens_ = 1.0;
  Clock::time_point last_refill_;
  Clock::time_point paused_until_{};
  RateLimiterStats stats_;
  // A caller was told to wait and has not got a token since: its repeated
  // polls count as one wait.
  bool waiting_ = false;
};

// One RateLimiter per destination account name, for the whole process.
// Thread-safe.
class RateLimiterRegistry {
 public:
  static RateLimiterRegistry& global();

  // The account's limiter, created on first use with `limit`; a later call with
  // a stricter limit tightens it.
  std::shared_ptr<RateLimiter> for_destination(const std::string& name, RateLimit limit);

  // Every limiter's stats by destination name.
  std::vector<std::pair<std::string, RateLimiterStats>> stats() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<RateLimiter>> limiters_;
};

}  // namespace backflow::destinations
