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
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "destinations/destination_settings.h"

namespace backflow::destinations {

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

 private:
  void refill(Clock::time_point now);

  mutable std::mutex mutex_;
  double configured_rate_;  // requests per second, 0 = unlimited
  double rate_;
  double tokens_ = 1.0;
  Clock::time_point last_refill_;
  Clock::time_point paused_until_{};
};

// One RateLimiter per destination account name, for the whole process.
// Thread-safe.
class RateLimiterRegistry {
 public:
  static RateLimiterRegistry& global();

  // The account's limiter, created on first use with `limit`; a later call with
  // a stricter limit tightens it.
  std::shared_ptr<RateLimiter> for_destination(const std::string& name, RateLimit limit);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<RateLimiter>> limiters_;
};

}  // namespace backflow::destinations
