// When to retry a batch that failed for a transient reason (429, 5xx, 408,
// timeout, connection reset), per DestinationSettings::retry.
#pragma once

#include <chrono>
#include <optional>
#include <random>

#include "destinations/destination_settings.h"

namespace backflow::destinations {

class RetryPolicy {
 public:
  explicit RetryPolicy(RetryPolicySettings settings);

  // Whether a batch tried `attempts` times may be tried again.
  bool may_retry(int attempts) const { return attempts < settings_.max_attempts; }

  // Whether waiting `server_wait` (Retry-After) is acceptable within a run.
  bool may_wait(std::chrono::milliseconds server_wait) const {
    return server_wait <= settings_.max_server_wait;
  }

  // The wait before the next try after `attempts` tries: full jitter, uniform
  // in [0, min(max_delay, base_delay * 2^(attempts-1))], but at least
  // `server_wait` (Retry-After) when the server gave one. Not thread-safe
  // (owns its random generator).
  std::chrono::milliseconds delay(int attempts, std::optional<std::chrono::milliseconds> server_wait);

 private:
  RetryPolicySettings settings_;
  std::mt19937_64 random_;
};

}  // namespace backflow::destinations
